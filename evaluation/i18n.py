"""User-facing strings, in Dutch and English, from ``evaluation/data/strings/*.yaml``.

Each file maps a key to ``{nl: ..., en: ...}``; keys are unique across files. Texts are
``str.format`` templates: ``t("problems.not_a_number.message", "nl", value="x")``.
Keys are namespaced by file name: ``problems.yaml`` holds ``problems.<key>``, and so does
``problems-safety.yaml`` (a part after ``-`` lets several modules keep their own file).
``t`` reads only the files of its key's namespace, once: a command that says three things
does not parse every page's texts (``strings`` reads them all).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from evaluation.catalogue import DATA_DIR, LANGS, load_yaml

DEFAULT_LANG = "nl"


def _flatten(prefix: str, node: Any, out: dict[str, dict[str, str]]) -> None:
    if isinstance(node, dict) and set(node) <= set(LANGS) and node:
        out[prefix] = {k: str(v) for k, v in node.items()}
        return
    if not isinstance(node, dict):
        raise ValueError(f"{prefix}: expected a mapping with nl/en texts")
    for key, child in node.items():
        _flatten(f"{prefix}.{key}", child, out)


@cache
def _files() -> dict[str, list[Path]]:
    """The string files of each namespace (``problems``: problems.yaml, problems-*.yaml)."""
    out: dict[str, list[Path]] = {}
    for path in sorted((DATA_DIR / "strings").glob("*.yaml")):
        out.setdefault(path.stem.split("-")[0], []).append(path)
    return out


@cache
def _namespace(name: str) -> dict[str, dict[str, str]]:
    """The keys of one namespace (``{}`` for one without files)."""
    out: dict[str, dict[str, str]] = {}
    for path in _files().get(name, []):
        data = load_yaml(path) or {}
        part: dict[str, dict[str, str]] = {}
        _flatten(name, data, part)
        clash = set(part) & set(out)
        if clash:
            raise ValueError(f"{path.name}: keys defined twice: {sorted(clash)}")
        out.update(part)
    return out


@cache
def strings() -> dict[str, dict[str, str]]:
    """Every string key with its texts per language (a key starts with its namespace, so
    two namespaces never share one)."""
    out: dict[str, dict[str, str]] = {}
    for name in _files():
        out.update(_namespace(name))
    return out


def t(key: str, lang: str = DEFAULT_LANG, **params: Any) -> str:
    """The text for ``key`` in ``lang``, filled with ``params``. Unknown keys raise KeyError."""
    if lang not in LANGS:
        lang = DEFAULT_LANG
    text = _namespace(key.partition(".")[0])[key][lang]
    return text.format(**params) if params else text
