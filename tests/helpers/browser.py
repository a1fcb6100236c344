"""What a browser test saw when it failed: a screenshot and the page's text, so that a
failure on a CI machine (where nobody watches the browser) says what the page showed."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def shown_on_failure(page, screenshot: Path, chars: int = 3000) -> Iterator[None]:
    """On an exception inside: save ``screenshot`` and add the page's address and visible
    text to the exception (a note, which pytest prints under the error)."""
    try:
        yield
    except Exception as exc:
        try:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)
            text = page.inner_text("body", timeout=5000)
            exc.add_note(f"page {page.url} showed ({screenshot.name}):\n{text[:chars]}")
        except Exception as inner:  # noqa: BLE001 - the first error is the one to see
            exc.add_note(f"(the page could not be read: {inner})")
        raise
