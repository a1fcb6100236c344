"""axe-core (Deque's accessibility engine, bundled by ``axe-playwright-python``) run in a
Playwright page: the WCAG 2.1 A/AA violations, one finding per node, with the known
exceptions of Streamlit's own widgets set apart (each by rule id and a CSS selector, with
its reason), never a rule switched off."""

from __future__ import annotations

from dataclasses import dataclass

from axe_playwright_python.sync_playwright import Axe

# the WCAG 2.0/2.1 level A and AA rules (axe's tags)
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")


@dataclass(frozen=True)
class KnownException:
    """A violation of ``rule`` on a node inside an element matching the CSS selector
    ``within``, which our code cannot fix, and why."""

    rule: str
    within: str
    reason: str


@dataclass(frozen=True)
class Finding:
    rule: str
    impact: str
    target: str
    help: str
    detail: str
    excused_by: KnownException | None

    def line(self) -> str:
        known = f"  [known exception: {self.excused_by.reason}]" if self.excused_by else ""
        head = f"{self.impact:9} {self.rule:28} {self.target}"
        return f"{head}\n{'':12}{self.help}; {self.detail}{known}"


# is the node (axe's selector; a list of them crosses into iframes or shadow roots) inside
# an element matching the exception's selector
_WITHIN = """([target, within]) => {
    const el = document.querySelector(target);
    return el !== null && el.closest(within) !== null;
}"""


def run_axe(page, exceptions: tuple[KnownException, ...] = ()) -> list[Finding]:
    """Every WCAG 2.1 A/AA violation on ``page`` now, one finding per node."""
    options = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    findings = []
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            parts = [str(part) for part in node["target"]]
            target = " >>> ".join(parts)
            excused = None
            if len(parts) == 1:
                excused = next(
                    (
                        e
                        for e in exceptions
                        if e.rule == violation["id"]
                        and page.evaluate(_WITHIN, [parts[0], e.within])
                    ),
                    None,
                )
            checks = node.get("any") or node.get("all") or node.get("none") or [{}]
            findings.append(
                Finding(
                    violation["id"],
                    violation.get("impact") or node.get("impact") or "",
                    target,
                    violation["help"],
                    str(checks[0].get("message", "")).replace("\n", " "),
                    excused,
                )
            )
    return findings


def blocking(findings: list[Finding]) -> list[Finding]:
    """Serious or critical findings that no known exception covers."""
    return [f for f in findings if f.impact in BLOCKING and f.excused_by is None]
