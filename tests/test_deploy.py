"""The shared deployment recipe in deploy/ is complete and consistent with the code."""

from __future__ import annotations

import configparser
import contextlib
import os
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from conftest import free_port, need_system, streamlit_server

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"


def _compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def test_compose_runs_two_replicas_a_proxy_and_postgres_with_health_checks() -> None:
    services = _compose()["services"]
    replicas = [
        name
        for name, service in services.items()
        if "streamlit" in " ".join(service.get("command", []))
    ]
    assert len(replicas) == 2
    for name in [*replicas, "proxy", "postgres", "api"]:
        assert "healthcheck" in services[name], name
    assert services["postgres"]["image"].startswith("postgres:15")
    assert services["init"]["command"] == ["evaluation", "init"]
    for name in replicas:
        condition = services[name]["depends_on"]["init"]["condition"]
        assert condition == "service_completed_successfully"


def test_nginx_is_sticky_and_proxies_websockets() -> None:
    for path in (DEPLOY / "nginx.conf", DEPLOY / "systemd" / "nginx-evaluation.conf"):
        text = path.read_text(encoding="utf-8")
        assert "ip_hash;" in text, path
        assert "proxy_set_header Upgrade $http_upgrade;" in text, path
        assert text.count("server ") >= 3, path


def _nginx_t(conf_text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    need_system("nginx", shutil.which("nginx") is not None, "apt install nginx-light")
    header = f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/e.log;\n"
    conf = tmp_path / "nginx.conf"
    conf.write_text(header + conf_text, encoding="utf-8")
    return subprocess.run(
        ["nginx", "-t", "-c", str(conf), "-p", str(tmp_path), "-e", str(tmp_path / "e.log")],
        capture_output=True,
        text=True,
    )


@pytest.mark.system
def test_compose_nginx_config_passes_nginx_t(tmp_path: Path) -> None:
    # the compose names app1/app2/api resolve only inside compose: point them at localhost
    text = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    result = _nginx_t(re.sub(r"\b(app1|app2|api):", "127.0.0.1:", text), tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.system
def test_systemd_nginx_site_passes_nginx_t(tmp_path: Path) -> None:
    site = (DEPLOY / "systemd" / "nginx-evaluation.conf").read_text(encoding="utf-8")
    result = _nginx_t("events {}\nhttp {\n" + site + "\n}\n", tmp_path)
    assert result.returncode == 0, result.stderr


def _settings_the_code_reads() -> set[str]:
    names: set[str] = set()
    for folder in ("evaluation", "dashboards"):
        for path in (ROOT / folder).rglob("*.py"):
            names.update(re.findall(r"EVALUATION_[A-Z_]+[A-Z]", path.read_text(encoding="utf-8")))
    # MailSettings builds its names as f"EVALUATION_{key}"
    reminders = (ROOT / "evaluation" / "reminders.py").read_text(encoding="utf-8")
    names.update(f"EVALUATION_{key}" for key in re.findall(r'get\("([A-Z_]+)"', reminders))
    # a test-only setting, never part of a deployment
    names.discard("EVALUATION_TEST_POSTGRES_URL")
    return names


def test_env_example_lists_every_setting_with_a_comment() -> None:
    lines = (DEPLOY / "env.example").read_text(encoding="utf-8").splitlines()
    listed = {}
    for number, line in enumerate(lines):
        if "=" in line and not line.startswith("#"):
            listed[line.split("=", 1)[0]] = lines[number - 1].startswith("#")
    missing = _settings_the_code_reads() - set(listed)
    assert not missing, missing
    assert all(listed.values()), [name for name, commented in listed.items() if not commented]


def test_systemd_units_parse_and_run_installed_commands() -> None:
    units = sorted((DEPLOY / "systemd").glob("*.service")) + sorted(
        (DEPLOY / "systemd").glob("*.timer")
    )
    names = {unit.name for unit in units}
    assert {
        "evaluation-app@.service",
        "evaluation-api.service",
        "evaluation-remind.service",
        "evaluation-remind.timer",
    } <= names
    for unit in units:
        parser = configparser.ConfigParser(interpolation=None, strict=True)
        parser.optionxform = str  # type: ignore[assignment,method-assign]
        parser.read(unit, encoding="utf-8")
        assert parser.has_section("Unit"), unit
        assert parser.has_section("Install"), unit
        if unit.suffix == ".timer":
            assert parser.has_option("Timer", "OnCalendar"), unit
            continue
        command = parser.get("Service", "ExecStart").split()
        assert command[0].startswith("/opt/evaluation/.venv/bin/"), unit
        assert Path(command[0]).name in ("streamlit", "evaluation"), unit


@pytest.mark.system
def test_two_replicas_answer_through_the_proxy(tmp_path: Path) -> None:
    need_system("nginx", shutil.which("nginx") is not None, "apt install nginx-light")
    env = {**os.environ, "EVALUATION_DATABASE_URL": f"sqlite:///{tmp_path / 'store.sqlite'}"}
    proxy_port = free_port()
    with contextlib.ExitStack() as stack:
        replicas = [
            stack.enter_context(streamlit_server(ROOT, env, tmp_path / f"app{n}.log"))
            for n in (1, 2)
        ]
        text = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
        for n, base in enumerate(replicas, start=1):
            text = text.replace(f"app{n}:8501", base.removeprefix("http://"))
        text = text.replace("api:8000", "127.0.0.1:9").replace(
            "listen 80;", f"listen 127.0.0.1:{proxy_port};"
        )
        header = f"daemon off;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/e.log;\n"
        conf = tmp_path / "nginx.conf"
        conf.write_text(header + text, encoding="utf-8")
        proxy = subprocess.Popen(
            ["nginx", "-c", str(conf), "-p", str(tmp_path), "-e", str(tmp_path / "e.log")]
        )
        stack.callback(proxy.wait, 10)
        stack.callback(proxy.terminate)
        deadline = time.time() + 20
        while True:
            try:
                url = f"http://127.0.0.1:{proxy_port}/_stcore/health"
                with urllib.request.urlopen(url, timeout=2) as response:
                    assert response.read().decode().strip() == "ok"
                    break
            except OSError:
                if time.time() > deadline or proxy.poll() is not None:
                    raise
                time.sleep(0.3)
