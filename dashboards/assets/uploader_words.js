// Streamlit's file uploader in the reader's language (issue 19). The widget draws its button,
// its file chip and their accessible names in English ("Upload", "Remove report.xlsx",
// "file upload", "5.4KB"); this puts the page's own words in their place, and again each time
// Streamlit draws the widget anew. The words come from the string files (ui-finish.yaml),
// set by dashboards/uploads.py as window.evaluationUploaderWords before this runs.
(() => {
  const setText = (node, text) => {
    // the text node itself is changed, not replaced: React keeps the one it wrote
    if (!node || node.textContent === text) return;
    const only = node.childNodes.length === 1 && node.firstChild.nodeType === Node.TEXT_NODE;
    if (only) node.firstChild.nodeValue = text;
    else node.textContent = text;
  };
  const setLabel = (node, text) => {
    if (node && node.getAttribute("aria-label") !== text) node.setAttribute("aria-label", text);
  };
  const size = (text, words) => {
    // "5.4KB" -> "5,4 kB" in Dutch, "5.4 kB" in English
    const m = /^([\d.]+)\s*([KMG]?B)$/i.exec(text.trim());
    if (!m) return text;
    const unit = m[2].toUpperCase() === "B" ? "B" : m[2][0].toLowerCase() === "k" ? "kB" : m[2].toUpperCase();
    return `${m[1].replace(".", words.decimal)} ${unit}`;
  };
  const apply = () => {
    const words = window.evaluationUploaderWords;
    if (!words) return;
    for (const zone of document.querySelectorAll('[data-testid="stFileUploaderDropzone"]')) {
      setLabel(zone.querySelector('[data-testid="stFileUploaderDropzoneInput"]'), words.input);
      const button = zone.querySelector(':scope > span > button, :scope > div > span > button');
      setText(button && button.querySelector('[data-testid="stMarkdownContainer"] p'), words.button);
      for (const chip of zone.querySelectorAll('[data-testid="stFileChip"]')) {
        const name = chip.querySelector('[data-testid="stFileChipName"]');
        const file = name ? name.title || name.textContent : ""; // shown shortened, whole in its title
        const sizeNode = name && name.nextElementSibling;
        if (sizeNode) setText(sizeNode, size(sizeNode.textContent, words));
        setLabel(chip, `${file}, ${sizeNode ? sizeNode.textContent : ""}`);
        setLabel(
          chip.querySelector('[data-testid="stFileChipDeleteBtn"] button'),
          words.remove.replace("{name}", file)
        );
      }
      const add = zone.querySelector('[data-testid="stBaseButton-borderlessIcon"]');
      if (add) {
        setLabel(add, words.another);
        add.title = words.another;
        // its text for screen readers, "add icon" (the icon itself is aria-hidden)
        for (const span of add.querySelectorAll("span")) {
          if (span.textContent === "add icon") setText(span, words.another);
        }
      }
    }
  };
  apply();
  if (!window.evaluationUploaderObserver) {
    window.evaluationUploaderObserver = new MutationObserver(apply);
    window.evaluationUploaderObserver.observe(document.body, {
      childList: true,
      subtree: true,
      characterData: true,
    });
  }
})();
