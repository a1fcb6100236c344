"""The repository's tooling keeps its promises: the lock file covers what pyproject.toml asks
for, and the README's install commands use it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]


def _pins(text: str) -> dict[str, Version]:
    pins = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, version = line.partition("==")
        assert sep, f"requirements.lock: {line!r} is not pinned with =="
        pins[canonicalize_name(name)] = Version(version)
    return pins


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        wanted += extra
    return [Requirement(r) for r in wanted]


def _uncovered(lock: str) -> list[str]:
    pins = _pins(lock)
    out = []
    for req in _declared():
        name = canonicalize_name(req.name)
        if name not in pins:
            out.append(f"{req.name}: not in requirements.lock")
        elif not req.specifier.contains(pins[name], prereleases=True):
            out.append(f"{req.name}: lock has {pins[name]}, pyproject asks {req.specifier}")
    return out


def test_the_lock_pins_every_declared_dependency_within_its_range():
    assert _uncovered((ROOT / "requirements.lock").read_text(encoding="utf-8")) == []


def test_the_lock_check_sees_a_missing_and_an_out_of_range_pin():
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    without_pandas = re.sub(r"(?m)^pandas==.*$", "", lock)
    assert "pandas: not in requirements.lock" in _uncovered(without_pandas)
    old_sqlalchemy = re.sub(r"(?m)^SQLAlchemy==.*$", "SQLAlchemy==1.4.54", lock)
    assert any(p.startswith("SQLAlchemy: lock has 1.4.54") for p in _uncovered(old_sqlalchemy))


def test_the_readme_install_commands_use_the_lock():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    installs = re.findall(r"^python3 -m venv .*$", readme, flags=re.M)
    assert len(installs) >= 2
    assert all("pip install -c requirements.lock -e " in line for line in installs)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = next(line for line in installs if "pytest" in line)
    assert test_command.replace("pip install -c", "pip install -q -c") in ci


def test_every_data_file_is_packaged():
    """A file under evaluation/ that no package-data pattern names is missing from a wheel."""
    from fnmatch import fnmatch

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["evaluation"]
    package = ROOT / "evaluation"
    data_files = [
        str(path.relative_to(package))
        for path in package.rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"} and "__pycache__" not in path.parts
    ]
    missing = [f for f in data_files if not any(fnmatch(f, p) for p in patterns)]
    assert missing == []


def test_mypy_finds_no_type_error_in_the_library():
    """`mypy` (settings in pyproject.toml) on evaluation/: clean, so CI keeps it clean."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-4000:]
