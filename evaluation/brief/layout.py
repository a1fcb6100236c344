"""The brief's page: A4, its fonts, its paragraph styles, texts fitted to a height, and the
document built page by page so that each page holds exactly what it was given.

Why reportlab: it lays out paragraphs that wrap, tables and images on a fixed page in pure
Python, with no browser or office suite behind it, and embeds TrueType fonts. The fonts are
Debian's DejaVu (package ``fonts-dejavu-core``; ``EVALUATION_FONT_DIR`` points elsewhere):
they hold every letter and mark the brief writes. Where the files are missing the brief
falls back to the PDF standard font Helvetica and warns once, naming the package.

Each page is one block that never flows over: its texts are shortened with an ellipsis to
the height they may take (``fitted``), and the block shrinks a little as a last resort
rather than spill onto another page, so a brief has the pages it was planned with.
"""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepInFrame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
)

from evaluation.i18n import t

FONT_DIR_ENV = "EVALUATION_FONT_DIR"
DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT_FILES = {
    "regular": "DejaVuSans.ttf",
    "bold": "DejaVuSans-Bold.ttf",
    "italic": "DejaVuSans-Oblique.ttf",
    "bold_italic": "DejaVuSans-BoldOblique.ttf",
}
FALLBACK = {
    "regular": "Helvetica",
    "bold": "Helvetica-Bold",
    "italic": "Helvetica-Oblique",
    "bold_italic": "Helvetica-BoldOblique",
}
FAMILY = "BriefSans"

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 1.5 * cm
FOOTER = 1.0 * cm
# the frame's own padding (6 points each side) and a little room
WIDTH = PAGE_WIDTH - 2 * MARGIN - 12
HEIGHT = PAGE_HEIGHT - 2 * MARGIN - FOOTER - 16

INK = colors.HexColor("#222222")
MUTED = colors.HexColor("#555555")
LINE = colors.HexColor("#999999")
SHADE = colors.HexColor("#e4e4e4")
ELLIPSIS = " …"


def font_dir() -> Path:
    return Path(os.environ.get(FONT_DIR_ENV) or DEFAULT_FONT_DIR)


@cache
def _fonts(folder: str) -> dict[str, str]:
    """The font names to write with: DejaVu from ``folder`` registered with reportlab, or
    the standard Helvetica with a warning when a file is missing."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    paths = {k: Path(folder) / f for k, f in FONT_FILES.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        warnings.warn(t("brief.font_missing", "en", path=", ".join(missing)), stacklevel=3)
        return dict(FALLBACK)
    names = {}
    for kind, path in paths.items():
        name = f"{FAMILY}-{kind}"
        pdfmetrics.registerFont(TTFont(name, str(path)))
        names[kind] = name
    for bold, italic, kind in (
        (0, 0, "regular"),
        (1, 0, "bold"),
        (0, 1, "italic"),
        (1, 1, "bold_italic"),
    ):
        addMapping(names["regular"], bold, italic, names[kind])
    return names


def fonts() -> dict[str, str]:
    return _fonts(str(font_dir()))


def role_marks() -> dict[str, str]:
    """The shapes that mark a phase's role (no colour): filled, open, a dot; Helvetica's
    character set has no squares, so the fall-back writes letters' stand-ins."""
    if fonts()["regular"] == FALLBACK["regular"]:
        return {"primary": "#", "secondary": "+", "none": "·"}
    return {"primary": "■", "secondary": "□", "none": "·"}


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    quote: ParagraphStyle
    source: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle


@cache
def _styles(regular: str, bold: str, italic: str) -> Styles:
    base = ParagraphStyle(
        "body", fontName=regular, fontSize=9.5, leading=12.5, textColor=INK, alignment=TA_LEFT
    )
    return Styles(
        title=ParagraphStyle("title", parent=base, fontName=bold, fontSize=19, leading=23),
        subtitle=ParagraphStyle("subtitle", parent=base, fontSize=9, leading=12, textColor=MUTED),
        heading=ParagraphStyle(
            "heading",
            parent=base,
            fontName=bold,
            fontSize=11.5,
            leading=14,
            spaceBefore=7,
            spaceAfter=3,
        ),
        body=base,
        quote=ParagraphStyle("quote", parent=base, fontName=italic, leftIndent=10, borderPadding=0),
        source=ParagraphStyle(
            "source",
            parent=base,
            fontSize=8,
            leading=10,
            textColor=MUTED,
            leftIndent=10,
            spaceAfter=5,
        ),
        small=ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5, textColor=MUTED),
        cell=ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        cell_bold=ParagraphStyle("cell_bold", parent=base, fontName=bold, fontSize=8, leading=10),
    )


def styles() -> Styles:
    f = fonts()
    return _styles(f["regular"], f["bold"], f["italic"])


def para(text: object, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (no markup is read from it)."""
    return Paragraph(escape(" ".join(str(text).split())), style)


def shortened(text: str, chars: int) -> str:
    """``text`` of at most about ``chars`` characters: cut after a word, with an ellipsis."""
    text = " ".join(str(text).split())
    if len(text) <= chars:
        return text
    return text[:chars].rsplit(" ", 1)[0].rstrip(",;:") + ELLIPSIS


def fitted(text: object, style: ParagraphStyle, width: float, height: float) -> Paragraph:
    """``text`` as a paragraph at most ``height`` high in ``width``: cut after the last word
    that fits, with an ellipsis, when the whole text does not."""
    words = str(text).split()
    whole = para(" ".join(words), style)
    if whole.wrap(width, 10**6)[1] <= height:
        return whole

    def fits(n: int) -> bool:
        return para(" ".join(words[:n]) + ELLIPSIS, style).wrap(width, 10**6)[1] <= height

    lo, hi = 0, len(words)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid - 1
    return para(" ".join(words[:lo]) + ELLIPSIS if lo else "…", style)


def gap(height: float) -> Spacer:
    return Spacer(1, height)


def _footer(text: str, regular: str):
    def draw(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7.5)
        canvas.setFillColor(MUTED)
        canvas.setStrokeColor(LINE)
        y = MARGIN + FOOTER / 2
        canvas.line(MARGIN, y + 9, PAGE_WIDTH - MARGIN, y + 9)
        canvas.drawString(MARGIN, y, text)
        canvas.drawRightString(PAGE_WIDTH - MARGIN, y, str(doc.page))
        canvas.restoreState()

    return draw


def build_pdf(pages: Sequence[Sequence[Flowable]], title: str, footer: str, lang: str) -> bytes:
    """A PDF of exactly ``len(pages)`` A4 pages, each holding its own flowables (shrunk a
    little if they would not fit, never carried over)."""
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + FOOTER,
        title=title,
        author=t("brief.author", lang),
        lang=lang,
        initialFontName=fonts()["regular"],  # else the canvas also names Helvetica
    )
    frame = Frame(
        MARGIN, MARGIN + FOOTER, PAGE_WIDTH - 2 * MARGIN, PAGE_HEIGHT - 2 * MARGIN - FOOTER
    )
    doc.addPageTemplates(
        [PageTemplate("page", [frame], onPage=_footer(footer, fonts()["regular"]))]
    )
    story: list[Flowable] = []
    for k, content in enumerate(pages):
        if k:
            story.append(PageBreak())
        story.append(KeepInFrame(WIDTH, HEIGHT, list(content), mode="shrink"))
    doc.build(story)
    if doc.page != len(pages):  # each page's block is kept in its frame: never expected
        raise RuntimeError(f"the brief came out at {doc.page} pages, not {len(pages)}")
    return buf.getvalue()
