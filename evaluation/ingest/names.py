"""Whose name is it: an upload may not carry another registered initiative's name (issue 21).

An initiative could upload its own report under another's name ("Buurtkamer De Lindeboom");
other initiatives' referrals to that name were then credited to the impostor, and funders saw
two initiatives with one name. The store asks ``name_owner`` who a name belongs to and, when
it is another initiative, refuses the upload with ``name_taken_problem``: a located problem
at the Profile sheet's name cell.

Why a module of its own: the check needs the store's registry (the reader does not know it),
and the cell of the name is only found by reading the sheet again; that happens on the
refusal path alone, so an ordinary upload pays nothing for it.
"""

from __future__ import annotations

import logging

from evaluation.catalogue import fold, load_catalogue
from evaluation.model import Report
from evaluation.problems import Problem

log = logging.getLogger(__name__)

PROBLEM = "initiative_name_taken"


def name_owner(name: object, initiative_id: str, owners: dict[str, str]) -> str | None:
    """The other initiative that ``name`` (a name or a code, folded) belongs to, if any.

    ``owners`` maps folded codes and names to initiative ids (the store's registry); a name
    of the uploader itself, or one nobody holds, gives None.
    """
    if name is None:
        return None
    owner = owners.get(fold(name))
    return owner if owner is not None and owner != initiative_id else None


def name_taken_problem(
    data: bytes, file_name: str, report: Report, owner: str, owner_name: str
) -> Problem:
    """The refusal, at the Profile sheet's name cell when the workbook can be read again."""
    name = str(report.profile.iloc[0]["name"])
    params = {"initiative": owner_name, "initiative_id": owner}
    try:
        located = _locate_name(data, file_name, report)
    except Exception:  # noqa: BLE001 - the refusal stands without its cell
        log.info("could not locate the profile name of %r", file_name, exc_info=True)
        located = None
    if located is None:
        sheet = load_catalogue().section("profile").name("nl")
        return Problem(PROBLEM, "error", sheet, None, None, name, params)
    return Problem(PROBLEM, "error", located.sheet, located.cell, located.column, name, params)


def _locate_name(data: bytes, file_name: str, report: Report) -> Problem | None:
    """Read the Profile sheet once more, as the reader does, for the name's cell."""
    import fastexcel

    from evaluation.ingest.grid import load_grid
    from evaluation.ingest.normalise import normalise_sheet
    from evaluation.ingest.reading import match_sheets

    reader = fastexcel.read_excel(data)
    found, _ = match_sheets(list(reader.sheet_names))
    if "profile" not in found:
        return None
    grid = load_grid(reader, found["profile"])
    sheet, _ = normalise_sheet(grid, load_catalogue().section("profile"), found["profile"])
    if not len(sheet.frame) or "name" not in sheet.letters:
        return None
    return sheet.problem(PROBLEM, "name", sheet.frame.index[0])
