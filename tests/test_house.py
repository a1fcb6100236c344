"""House-keeping: the sample is data, the store finds it through one setting, regenerated
workbooks equal the committed ones cell for cell."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from helpers.imports import cycles, import_graph

from evaluation.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "sample_data"


def _cells(path: Path) -> dict[str, list[list[object]]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {
            ws.title: [list(row) for row in ws.iter_rows(values_only=True)]
            for ws in book.worksheets
        }
    finally:
        book.close()


def test_regenerated_sample_workbooks_have_the_committed_cell_values(tmp_path):
    """``evaluation sample --out`` from the data files in ``sample_data/spec/`` writes every
    committed workbook again with the same value in every cell of every sheet."""
    assert main(["sample", "--out", str(tmp_path)]) == 0
    committed = sorted(p.relative_to(SAMPLE_DIR) for p in SAMPLE_DIR.glob("*/*.xlsx"))
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.glob("*/*.xlsx"))
    assert len(committed) == 80
    assert written == committed
    for rel in committed:
        assert _cells(tmp_path / rel) == _cells(SAMPLE_DIR / rel), rel


def _python(code: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EVALUATION_")}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


SHOW_FOLDER = "from evaluation.store.settings import sample_folder; print(sample_folder())"


def test_sample_folder_is_the_checkout_by_default(tmp_path):
    """Run from another working folder: the checkout's sample_data is still found (through
    the editable install's record, not a path counted up from the package's files)."""
    out = _python(SHOW_FOLDER, tmp_path)
    assert out.returncode == 0, out.stderr
    assert Path(out.stdout.strip()) == SAMPLE_DIR


def test_sample_folder_setting_wins_over_the_checkout(tmp_path):
    mine = tmp_path / "mijn-voorbeeld"
    mine.mkdir()
    out = _python(SHOW_FOLDER, tmp_path, EVALUATION_SAMPLE_DATA=str(mine))
    assert Path(out.stdout.strip()) == mine
    (tmp_path / "evaluation.toml").write_text(f'[sample]\nfolder = "{mine.name}"\n')
    out = _python(SHOW_FOLDER, tmp_path)
    assert Path(out.stdout.strip()) == mine


def test_sample_command_without_spec_says_where_to_point(tmp_path, capsys):
    """A folder without spec/ (as in a regular install without the setting): a clear
    message naming the setting, no traceback."""
    empty = tmp_path / "leeg"
    empty.mkdir()
    code = (
        "import sys; from evaluation.cli import main; "
        f"sys.exit(main(['sample', '--out', {str(tmp_path / 'out')!r}]))"
    )
    out = _python(code, tmp_path, EVALUATION_SAMPLE_DATA=str(empty))
    assert out.returncode != 0
    assert "Traceback" not in out.stderr
    assert "EVALUATION_SAMPLE_DATA" in out.stdout + out.stderr
    assert not (tmp_path / "out").exists()


def test_sample_module_holds_no_sample_text():
    """The fictional texts live in the data files, not in the generator."""
    source = (ROOT / "evaluation" / "sample.py").read_text(encoding="utf-8")
    assert "Gastvrij Dak" not in source
    assert "Gastvrij Dak" in (SAMPLE_DIR / "spec" / "gastvrij-dak.yaml").read_text("utf-8")


def test_vulture_finds_no_unused_code():
    """``vulture`` (settings in pyproject.toml: evaluation/, dashboards/, the whitelist, 60%
    confidence) reports nothing: code nothing uses is removed, not left behind."""
    out = subprocess.run(
        [sys.executable, "-m", "vulture"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_vulture_reports_an_unused_function(tmp_path):
    """The check above can fail: an unused function in a module is a finding."""
    module = tmp_path / "module.py"
    module.write_text(
        "def used():\n    return 1\n\n\ndef never_called():\n    return 2\n\n\nused()\n"
    )
    out = subprocess.run(
        [sys.executable, "-m", "vulture", str(module), "--min-confidence", "60"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode != 0
    assert "never_called" in out.stdout and "used'" not in out.stdout


NOT_FOR_VALIDATE = ("sqlalchemy", "networkx", "evaluation.store", "plotly", "streamlit")


def test_validate_imports_neither_the_store_nor_networkx():
    """``evaluation validate`` on a sample workbook, in a fresh process: it gives its result
    without importing SQLAlchemy, networkx, the store or the dashboard's libraries."""
    workbook = SAMPLE_DIR / "gastvrij-dak" / "gastvrij-dak_2025-Q4.xlsx"
    code = (
        "import json, sys\n"
        "from evaluation.cli import main\n"
        f"code = main(['validate', {str(workbook)!r}, '--json'])\n"
        f"print(json.dumps([code, [m for m in {NOT_FOR_VALIDATE!r} if m in sys.modules]]))\n"
    )
    out = _python(code, ROOT)
    assert out.returncode == 0, out.stderr
    exit_code, imported = json.loads(out.stdout.strip().splitlines()[-1])
    assert exit_code == 0
    assert imported == []


def test_a_store_command_still_finds_its_module(tmp_path):
    """The same check sees the store where a command runs it (so the check above can fail)."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    code = (
        "import sys\n"
        "from evaluation.cli import main\n"
        f"main(['init', '--database', {url!r}])\n"
        "print('evaluation.store' in sys.modules, 'evaluation.commands.validate' in sys.modules)\n"
    )
    out = _python(code, ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[-2:] == ["True", "False"]


def _registered(module: str) -> list[str]:
    parser = argparse.ArgumentParser(prog="evaluation")
    sub = parser.add_subparsers(dest="command")
    importlib.import_module(f"evaluation.commands.{module}").register(sub)
    return list(sub.choices)


def test_the_command_table_names_what_each_module_registers():
    """``cli.COMMANDS`` (which module to import for a command) says what the modules do."""
    from evaluation.cli import COMMAND_MODULES, COMMANDS

    modules = sorted(p.stem for p in (ROOT / "evaluation" / "commands").glob("[!_]*.py"))
    assert sorted(COMMAND_MODULES) == modules
    registered = {cmd: m for m in COMMAND_MODULES for cmd in _registered(m)}
    assert registered == COMMANDS


def test_every_command_works_when_asked_for_alone(capsys):
    """Each command's own ``--help`` works with only its module registered."""
    from evaluation.cli import COMMANDS, build_parser

    for command in COMMANDS:
        with pytest.raises(SystemExit) as done:
            build_parser([command, "--help"]).parse_args([command, "--help"])
        assert done.value.code == 0
        assert f"evaluation {command}" in capsys.readouterr().out


def test_help_lists_every_command(capsys):
    from evaluation.cli import COMMANDS, main

    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert all(command in out for command in COMMANDS)


def _readme_command_line() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## The command line")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def test_every_command_is_in_the_readme(capsys):
    """Each subcommand ``evaluation --help`` lists is shown in the README's command-line
    section as ``evaluation <command>``."""
    with pytest.raises(SystemExit):
        main(["--help"])
    helptext = capsys.readouterr().out
    listed = re.search(r"\{([a-z,-]+)\}", helptext)
    assert listed, helptext
    commands = listed.group(1).split(",")
    assert "validate" in commands and "user" in commands
    assert _missing(commands, _readme_command_line()) == []


def _missing(commands: list[str], section: str) -> list[str]:
    return [c for c in commands if not re.search(rf"evaluation {re.escape(c)}\b", section)]


def test_the_readme_check_sees_a_missing_command():
    """The check above can fail: with one command's lines taken out, it names that command."""
    section = _readme_command_line()
    without = "\n".join(line for line in section.splitlines() if "evaluation sample" not in line)
    assert _missing(["validate", "sample"], without) == ["sample"]


# --- layering: which part may import which ---------------------------------------------------

GRAPH_PACKAGES = ("evaluation", "dashboards")
# a module (prefix) and the modules (prefixes) it must never import
FORBIDDEN = {
    # the store keeps submissions; reading workbooks, reports, analyses and pages build on it
    "evaluation.store": (
        "evaluation.ingest",
        "evaluation.report",
        "evaluation.analysis",
        "evaluation.template",
        "evaluation.submit",
        "evaluation.commands",
        "dashboards",
    ),
    "evaluation.report": ("evaluation.store", "evaluation.commands", "dashboards"),
    "evaluation.analysis": ("evaluation.store", "evaluation.commands", "dashboards"),
    "evaluation": ("dashboards",),
    # pages call the library, never the command line
    "dashboards": ("evaluation.commands", "evaluation.cli"),
}


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _forbidden(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{module} imports {dep}"
        for module, deps in graph.items()
        for prefix, banned in FORBIDDEN.items()
        if _within(module, prefix)
        for dep in deps
        if any(_within(dep, b) for b in banned)
    )


def test_no_import_cycle_in_the_project():
    """No module of evaluation/ or dashboards/ imports itself through others."""
    assert cycles(import_graph(ROOT, GRAPH_PACKAGES)) == []


def test_no_backward_import():
    """The store reads no workbooks and knows no report, analysis, page or command; the
    report and the analyses take a dataset, not the store; pages never call the CLI."""
    graph = import_graph(ROOT, GRAPH_PACKAGES)
    assert "evaluation.store.submissions" in graph  # the graph holds the store's modules
    assert _forbidden(graph) == []


def test_the_layering_checks_see_a_cycle_and_a_backward_import(tmp_path):
    """The two checks above can fail: a cycle through a lazy import, and a store module that
    reads a workbook, are both found; an import only for type checking is not a cycle."""
    store = tmp_path / "evaluation" / "store"
    store.mkdir(parents=True)
    (tmp_path / "evaluation" / "__init__.py").write_text("")
    (store / "__init__.py").write_text("")
    (tmp_path / "evaluation" / "ingest.py").write_text("")
    (tmp_path / "evaluation" / "a.py").write_text("def f():\n    from evaluation import b\n")
    (tmp_path / "evaluation" / "b.py").write_text("from evaluation.a import f\n")
    (tmp_path / "evaluation" / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from evaluation import a\n"
    )
    (store / "x.py").write_text("from evaluation.c import y\nfrom ..ingest import read\n")
    graph = import_graph(tmp_path, ("evaluation",))
    assert cycles(graph) == [["evaluation.a", "evaluation.b"]]
    assert graph["evaluation.c"] == set()
    assert _forbidden(graph) == ["evaluation.store.x imports evaluation.ingest"]


# modules over LINES_PER_MODULE, each with the reason it stays whole (issue 13)
LONGER_MODULES = {
    # one algorithm: the equations, their blocks, the bounds and the choice of cells to hide
    "protection.py": 460,
    # every table on one declarative base, as the store's design asks
    "store/schema.py": 450,
    # the queries that build the dataset, and the incremental current state that must match
    # them (from what this process kept, or from the state kept in the database)
    "store/queries.py": 475,
    # one submission's path through the store: duplicate, overlap, accept, reject, supersede
    "store/submissions.py": 430,
}
LINES_PER_MODULE = 400


def test_every_module_holds_one_job_in_about_400_lines():
    """No module of evaluation/ over 400 lines but those named above, each within its bound."""
    package = ROOT / "evaluation"
    over = {}
    for path in sorted(package.rglob("*.py")):
        name = path.relative_to(package).as_posix()
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > LONGER_MODULES.get(name, LINES_PER_MODULE):
            over[name] = lines
    assert not over, f"split these modules (or name why not in LONGER_MODULES): {over}"
    assert all((package / name).exists() for name in LONGER_MODULES), "a named module is gone"
