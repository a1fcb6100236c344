// Streamlit's and Plotly's own English in the reader's language (issue 19). Streamlit draws
// its chrome (sidebar, menus, tooltips, the running man's "Stop"), its widgets' accessible
// names and the upload box in English whatever the page's language, and Plotly its modebar.
// This puts the page's own words in their place, and again each time they are drawn anew.
// The words come from the string files (ui-finish.yaml), set by dashboards/streamlit_words.py
// as window.evaluationWords before this runs:
//   pairs: [[Streamlit's English, ours], ...], where "{label}" stands for a widget's label;
//   uploader: the upload box's button, input, another-file words and the decimal mark.
(() => {
  const ATTRIBUTES = ["aria-label", "title", "data-title"];
  // visible texts of Streamlit's own: a tooltip, the Stop button while a page runs
  const TEXTS = '[data-testid="stTooltipContent"] p, [data-testid="stStatusWidget"] button';
  const ZONE = '[data-testid="stFileUploaderDropzone"]';

  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  let exact = new Map();
  let patterns = [];
  let words = null;
  const load = () => {
    words = window.evaluationWords;
    exact = new Map();
    patterns = [];
    for (const [english, ours] of words.pairs) {
      if (english === ours) continue;
      if (!english.includes("{label}")) {
        exact.set(english, ours);
        continue;
      }
      const [before, after] = english.split("{label}");
      patterns.push([new RegExp(`^${escape(before)}(.+)${escape(after)}$`, "s"), ours]);
    }
  };
  const ours = (text) => {
    if (exact.has(text)) return exact.get(text);
    for (const [re, replacement] of patterns) {
      const m = re.exec(text);
      if (m) return replacement.replace("{label}", m[1]);
    }
    return null;
  };

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
  const size = (text) => {
    // "5.4KB" -> "5,4 kB" in Dutch, "5.4 kB" in English
    const m = /^([\d.]+)\s*([KMG]?B)$/i.exec(text.trim());
    if (!m) return text;
    const unit = m[2].length === 1 ? "B" : m[2][0].toUpperCase() === "K" ? "kB" : m[2].toUpperCase();
    return `${m[1].replace(".", words.uploader.decimal)} ${unit}`;
  };

  const element = (el) => {
    for (const name of ATTRIBUTES) {
      const value = el.getAttribute(name);
      if (!value) continue;
      const replaced = ours(value);
      if (replaced !== null) el.setAttribute(name, replaced);
    }
  };
  const text = (el) => {
    const replaced = ours(el.textContent);
    if (replaced !== null) setText(el, replaced);
  };
  const zone = (z) => {
    const w = words.uploader;
    setLabel(z.querySelector('[data-testid="stFileUploaderDropzoneInput"]'), w.input);
    for (const b of z.querySelectorAll("button")) {
      const p = b.querySelector('[data-testid="stMarkdownContainer"] p');
      if (p && b.closest('[data-testid="stFileChip"]') === null) setText(p, w.button);
    }
    for (const name of z.querySelectorAll('[data-testid="stFileChipName"]')) {
      const sizeNode = name.nextElementSibling;
      if (!sizeNode) continue;
      setText(sizeNode, size(sizeNode.textContent));
      const file = name.title || name.textContent; // shown shortened, whole in its title
      setLabel(name.closest('[data-testid="stFileChip"]'), `${file}, ${sizeNode.textContent}`);
    }
    const add = z.querySelector('[data-testid="stBaseButton-borderlessIcon"]');
    if (add) {
      setLabel(add, w.another);
      if (add.title !== w.another) add.title = w.another;
      // its text for screen readers, "add icon" (the icon itself is aria-hidden)
      for (const span of add.querySelectorAll("span")) {
        if (span.textContent === "add icon") setText(span, w.another);
      }
    }
  };
  const within = (root) => {
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    element(root);
    for (const el of root.querySelectorAll("[aria-label], [title], [data-title]")) element(el);
    if (root.matches(TEXTS)) text(root);
    for (const el of root.querySelectorAll(TEXTS)) text(el);
    const z = root.closest(ZONE);
    if (z) zone(z);
    for (const inner of root.querySelectorAll(ZONE)) zone(inner);
  };

  load();
  within(document.body);
  if (window.evaluationWordsObserver) return; // a rerun with new words: load() took them
  window.evaluationWordsObserver = new MutationObserver((records) => {
    if (window.evaluationWords !== words) load();
    for (const r of records) {
      if (r.type === "childList") r.addedNodes.forEach(within);
      else if (r.type === "attributes") element(r.target);
      else if (r.target.parentElement) within(r.target.parentElement);
    }
  });
  window.evaluationWordsObserver.observe(document.body, {
    childList: true,
    subtree: true,
    characterData: true,
    attributes: true,
    attributeFilter: ATTRIBUTES,
  });
})();
