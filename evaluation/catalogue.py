"""One loader for the data files: the indicator catalogue, the choice lists and the workbook layout.

Everything here is read from ``evaluation/data/*.yaml``; nothing user-facing is written in code.
The loaded objects are immutable and cached, so every caller shares one copy.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).parent / "data"
LANGS = ("nl", "en")


# libyaml's parser where PyYAML was built with it (several times faster); the same results
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path) -> Any:
    """A YAML data file, parsed safely (no Python objects)."""
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=YAML_LOADER)


def _load(name: str) -> Any:
    return load_yaml(DATA_DIR / name)


def fold(text: object) -> str:
    """Fold a header or label for matching: case, accents, spacing and a trailing ``*`` ignored.

    The one fold: headers, sheet names, choices, indicator codes and cells all match by it.
    Plain ASCII text (most cells) skips the Unicode steps, which change nothing there."""
    s = str(text)
    if not s.isascii():
        s = unicodedata.normalize("NFKD", s)
        s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.strip().rstrip("*").strip().casefold()
    return " ".join(s.split())


@dataclass(frozen=True)
class Choice:
    code: str
    labels: dict[str, str]
    extra: dict[str, Any] = field(default_factory=dict)

    def label(self, lang: str) -> str:
        return self.labels[lang]

    def text(self, name: str, lang: str) -> str:
        """A per-language extra text such as a concept's ``meaning_nl``; "" when absent."""
        return str(self.extra.get(f"{name}_{lang}", ""))


@dataclass(frozen=True)
class ChoiceList:
    name: str
    choices: tuple[Choice, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.choices)

    def label(self, code: str, lang: str) -> str:
        for c in self.choices:
            if c.code == code:
                return c.labels[lang]
        return code

    def labels(self, lang: str) -> dict[str, str]:
        return {c.code: c.labels[lang] for c in self.choices}

    def lookup(self, value: object) -> str | None:
        """The code for a value typed as a code or as a Dutch or English label; None if unknown."""
        key = fold(value)
        for c in self.choices:
            if key == fold(c.code) or any(key == fold(lbl) for lbl in c.labels.values()):
                return c.code
            # a label the list has since reworded, still read in workbooks made before
            if any(key == fold(lbl) for lbl in c.extra.get("former", ())):
                return c.code
        return None


@dataclass(frozen=True)
class Indicator:
    code: str
    dimension: str
    unit: str
    phases: tuple[str, ...]
    concept: str
    sheet: str
    labels: dict[str, str]
    definitions: dict[str, str]
    why: dict[str, str]
    source: dict[str, Any]
    own: bool = False

    def label(self, lang: str) -> str:
        return self.labels[lang]

    def definition(self, lang: str) -> str:
        return self.definitions[lang]

    @property
    def main_phase(self) -> str:
        return self.phases[0]


@dataclass(frozen=True)
class Column:
    code: str
    headers: dict[str, str]
    type: str
    required: bool
    width: int
    help: dict[str, str]
    choices: str | None = None
    free_text: bool = False
    indicator: str | None = None
    example: Any = None

    def header(self, lang: str) -> str:
        return self.headers[lang] + (" *" if self.required else "")


@dataclass(frozen=True)
class Section:
    code: str
    names: dict[str, str]
    help: dict[str, str]
    columns: tuple[Column, ...]
    single_row: bool = False

    def name(self, lang: str) -> str:
        return self.names[lang]

    def column(self, code: str) -> Column:
        for c in self.columns:
            if c.code == code:
                return c
        raise KeyError(code)

    @property
    def column_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.columns)


@dataclass(frozen=True)
class Catalogue:
    indicators: tuple[Indicator, ...]
    choice_lists: dict[str, ChoiceList]
    sections: tuple[Section, ...]
    concepts: ChoiceList

    def indicator(self, code: str) -> Indicator:
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise KeyError(code)

    @property
    def indicator_codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.indicators)

    def choices(self, name: str) -> ChoiceList:
        return self.choice_lists[name]

    def section(self, code: str) -> Section:
        for s in self.sections:
            if s.code == code:
                return s
        raise KeyError(code)

    def lookup_indicator(self, value: object) -> str | None:
        """The catalogue code for a value typed as a code or as a Dutch or English label."""
        key = fold(value)
        for ind in self.indicators:
            if key == fold(ind.code) or any(key == fold(lbl) for lbl in ind.labels.values()):
                return ind.code
        return None


def _choice_list(name: str, raw: list[dict[str, Any]]) -> ChoiceList:
    items = []
    for entry in raw:
        entry = dict(entry)
        code = str(entry.pop("code"))
        labels = {lang: str(entry.pop(lang)) for lang in LANGS if lang in entry}
        items.append(Choice(code=code, labels=labels, extra=entry))
    return ChoiceList(name=name, choices=tuple(items))


def _indicator(raw: dict[str, Any]) -> Indicator:
    return Indicator(
        code=raw["code"],
        dimension=raw["dimension"],
        unit=raw["unit"],
        phases=tuple(raw["phases"]),
        concept=raw["concept"],
        sheet=raw["sheet"],
        labels={lang: raw[lang]["label"] for lang in LANGS},
        definitions={lang: raw[lang]["definition"] for lang in LANGS},
        why=dict(raw.get("why", {})),
        source=dict(raw.get("source", {})),
    )


def _section(raw: dict[str, Any]) -> Section:
    cols = []
    for c in raw["columns"]:
        cols.append(
            Column(
                code=c["code"],
                headers={lang: c[lang] for lang in LANGS},
                type=c["type"],
                required=bool(c.get("required", False)),
                width=int(c.get("width", 14)),
                help={lang: c.get(f"help_{lang}", "") for lang in LANGS},
                choices=c.get("choices"),
                free_text=bool(c.get("free_text", False)),
                indicator=c.get("indicator"),
                example=c.get("example"),
            )
        )
    return Section(
        code=raw["code"],
        names={lang: raw[lang] for lang in LANGS},
        help={lang: raw.get(f"help_{lang}", "") for lang in LANGS},
        columns=tuple(cols),
        single_row=bool(raw.get("single_row", False)),
    )


@cache
def load_catalogue() -> Catalogue:
    """The catalogue, the choice lists and the workbook layout, read once from the data files."""
    ind = _load("indicators.yaml")
    choices = _load("choices.yaml")
    sections = _load("sections.yaml")["sections"]
    catalogue = Catalogue(
        indicators=tuple(_indicator(r) for r in ind["indicators"]),
        choice_lists={name: _choice_list(name, raw) for name, raw in choices.items()},
        sections=tuple(_section(s) for s in sections),
        concepts=_choice_list("concepts", ind.get("concepts", [])),
    )
    # Columns of the Activities sheet that carry an indicator take its label and definition.
    return catalogue
