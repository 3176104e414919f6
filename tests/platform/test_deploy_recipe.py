"""The deployment recipe (Dockerfile, compose.yaml, Procfile, systemd units) names real commands.

Docker cannot build here (no daemon), so the files are parsed: every `khaacho` command line they run
must parse with the CLI's own parser, every environment variable they set must be one the product
reads, and every file they mount or copy must exist.
"""

from __future__ import annotations

import configparser
import dataclasses
import re
import shlex
from pathlib import Path

import pytest
import yaml

from bot.cli import build_parser
from bot.config import Secrets

ROOT = Path(__file__).resolve().parents[2]
READ_BY_THE_PRODUCT = {f.name.upper() for f in dataclasses.fields(Secrets)} | {
    "PROMETHEUS_MULTIPROC_DIR", "KHAACHO_CONFIG", "PATH", "PYTHONUNBUFFERED"}


def assert_khaacho_command(args: list[str]) -> None:
    """`args` (after `khaacho`) is a command the CLI accepts."""
    assert args, "no command"
    parsed = build_parser().parse_args([a.replace("$PORT", "8080").replace("%i", "8081") for a in args])
    assert callable(parsed.run)


def dockerfile() -> list[tuple[str, str]]:
    lines = (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
    return [(w.split(" ", 1)[0].upper(), w.split(" ", 1)[1] if " " in w else "")
            for w in (line.strip() for line in lines) if w and not w.startswith("#")]


def test_the_image_runs_khaacho_as_a_user_not_root() -> None:
    instructions = dockerfile()
    final = instructions[max(i for i, (op, _) in enumerate(instructions) if op == "FROM"):]
    users = [arg for op, arg in final if op == "USER"]
    assert users and users[-1] not in {"root", "0"}
    entry = [yaml.safe_load(arg) for op, arg in final if op == "ENTRYPOINT"]
    command = [yaml.safe_load(arg) for op, arg in final if op == "CMD"]
    assert entry == [["khaacho"]]
    assert_khaacho_command(command[-1])
    assert "slim" in final[0][1]
    for op, arg in final:
        if op == "ENV":
            assert {m for m in re.findall(r"(\w+)=", arg)} <= READ_BY_THE_PRODUCT


def test_the_image_copies_what_exists_and_bakes_the_model() -> None:
    for op, arg in dockerfile():
        if op == "COPY" and not arg.startswith("--from"):
            *sources, _ = shlex.split(arg)
            for source in (s for s in sources if not s.startswith("--")):
                assert (ROOT / source).exists(), source
    baked = [arg for op, arg in dockerfile() if op == "RUN" and "load_or_train" in arg]
    assert baked, "the intent model is not trained at build time"
    module, name = re.search(r"from ([\w.]+) import (\w+)", baked[0]).groups()  # type: ignore[union-attr]
    assert callable(getattr(__import__(module, fromlist=[name]), name))
    assert "khaacho" in (ROOT / "pyproject.toml").read_text(encoding="utf-8").split("[project.scripts]")[1]


def test_compose_services_run_real_commands_with_real_settings() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert {"postgres", "redis", "serve", "worker", "caddy"} <= services.keys()
    ours = {name: s for name, s in services.items() if s.get("image") == "khaacho:latest"}
    assert {"serve", "worker", "migrate"} <= ours.keys()
    for name, service in ours.items():
        assert_khaacho_command(service["command"])
        assert set(service["environment"]) <= READ_BY_THE_PRODUCT, name
        for dependency in service.get("depends_on", {}):
            assert dependency in services
    serve_port = ours["serve"]["command"][ours["serve"]["command"].index("--port") + 1]
    caddyfile = ROOT / next(v.split(":")[0] for v in services["caddy"]["volumes"] if "Caddyfile" in v)
    assert f"reverse_proxy serve:{serve_port}" in caddyfile.read_text(encoding="utf-8")
    assert "respond /metrics 404" in caddyfile.read_text(encoding="utf-8")
    max_connections = int(services["postgres"]["command"][services["postgres"]["command"].index(
        "max_connections=200")].split("=")[1])
    replicas = sum(s.get("deploy", {}).get("replicas", 1) for s in (ours["serve"], ours["worker"]))
    assert replicas * 20 + 10 <= max_connections  # README's pool math, with room for psql and migrations


def test_procfile_processes_are_khaacho_commands() -> None:
    entries = dict(line.split(":", 1) for line in (ROOT / "Procfile").read_text(encoding="utf-8").splitlines()
                   if line.strip())
    assert {"web", "worker"} <= entries.keys()
    for command in entries.values():
        program, *args = shlex.split(command)
        assert program == "khaacho"
        assert_khaacho_command(args)


@pytest.mark.parametrize("unit", sorted((ROOT / "deploy" / "systemd").glob("*.service")), ids=lambda p: p.name)
def test_systemd_units_start_khaacho_as_its_own_user(unit: Path) -> None:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(unit.read_text(encoding="utf-8"))
    service = parser["Service"]
    assert service["User"] not in {"root", "0"}
    program, *args = shlex.split(service["ExecStart"])
    assert program.endswith("/.venv/bin/khaacho")
    assert_khaacho_command(args)
    for assignment in (v for k, v in service.items() if k == "Environment"):
        assert assignment.split("=")[0] in READ_BY_THE_PRODUCT
    assert "WantedBy" in parser["Install"]
