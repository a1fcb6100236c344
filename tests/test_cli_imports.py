"""What the command line imports (issue 20): a command's parser is built without the heavy
libraries, which only the command that runs imports. Each check runs in a fresh process,
since this test process has imported everything already."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKBOOK = ROOT / "sample_data" / "gastvrij-dak" / "gastvrij-dak_2025-Q4.xlsx"
HEAVY = (
    "sqlalchemy",
    "networkx",
    "openpyxl",
    "hypothesis",
    "plotly",
    "reportlab",
    "matplotlib",
    "fastapi",
)


def _loaded(code: str, *argv: str, **extra_env: str) -> list[str]:
    """The ``HEAVY`` modules in ``sys.modules`` after ``code`` ran in a fresh interpreter
    (``argv`` as its command line)."""
    # a module set to None in sys.modules is one an import refuses: not loaded
    loaded = f"[m for m in {HEAVY!r} if sys.modules.get(m) is not None]"
    script = code + f"\nimport sys, json\nprint(json.dumps({loaded}))\n"
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVALUATION_")}
    env.update(extra_env)
    out = subprocess.run(
        [sys.executable, "-c", script, *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


PARSE = (
    "import sys\n"
    "from evaluation.cli import build_parser\n"
    "args = build_parser(sys.argv[1:]).parse_args(sys.argv[1:])\n"
    "assert callable(args.func)\n"
)


def test_parsing_validate_imports_no_heavy_library():
    """After importing ``evaluation.cli`` and parsing ``validate FILE``, none of SQLAlchemy,
    networkx, openpyxl, hypothesis, plotly, reportlab, matplotlib or fastapi is loaded."""
    assert _loaded(PARSE, "validate", str(WORKBOOK), "--json") == []


def test_listing_every_command_imports_no_heavy_library():
    """Building the parser with every command registered (what ``evaluation --help`` lists)
    loads none of them either: each command module imports them when it runs."""
    code = "from evaluation.cli import build_parser\nbuild_parser()\n"
    assert _loaded(code) == []


def test_validate_as_a_command_skips_what_pandera_would_load():
    """``evaluation validate`` as a process (``main()`` reading ``sys.argv``) gives its
    result without loading hypothesis, which pandera imports only because it is installed
    (the workbook read in this process, not in a child, so that its imports are seen)."""
    code = "import sys\nfrom evaluation.cli import main\ncode = main()\nassert code == 0, code\n"
    loaded = _loaded(code, "validate", str(WORKBOOK), EVALUATION_READ_ISOLATION="0")
    assert loaded == []


def test_the_check_sees_a_heavy_library_where_a_command_runs_it(tmp_path):
    """The same check can fail: running ``evaluation init`` loads SQLAlchemy (the store)."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    code = "import sys\nfrom evaluation.cli import main\nassert main() == 0\n"
    assert "sqlalchemy" in _loaded(code, "init", "--database", url)


def test_choice_lists_named_for_the_parser_agree_with_the_library():
    """The choices a parser offers without importing the library are the library's own."""
    from evaluation import accounts, arrangements
    from evaluation.commands import report as report_command
    from evaluation.report import AUDIENCES

    assert list(report_command.AUDIENCES) == sorted(AUDIENCES)
    assert accounts.ACCOUNT_ROLES == ("initiative", "funder", "evaluator", "admin")
    assert list(arrangements.RHYTHMS) == ["quarter", "half_year", "year"]
