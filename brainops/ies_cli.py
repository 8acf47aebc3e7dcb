"""`brainops ies`: extract an income & expense statement (PDF, XLSX or CSV) into the IES contract."""

from __future__ import annotations

import contextlib
from pathlib import Path

import orjson
import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="Income & expense statements (IES): extraction into the shared contract.",
                  no_args_is_help=True)
err = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)


@app.command("extract")
def extract_command(
    file: Path = typer.Argument(..., help="The statement: PDF, XLSX or CSV (judged by content, not by name)."),
    as_json: bool = typer.Option(False, "--json", help="Print the contract JSON (validated against the schema)."),
) -> None:
    """Read one statement and print its spread: line items, totals and tie-out checks."""
    from pipelines.ies.mapping_embeddings import local_model

    local_model().warm()  # the label model loads (without the GIL) while the reader's modules import
    from pipelines.ies.extract import extract

    if not file.is_file():
        err.print(f"[red]No file at {file}; check the path.[/red]")
        raise typer.Exit(2)
    # A spinner only for a person watching: a script reading the output does not pay for rich's live display.
    with err.status(f"Extracting {file.name}...") if err.is_terminal else contextlib.nullcontext():
        result = extract(file)
    if as_json:
        typer.echo(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
    else:
        _summary(result)
    if result["status"] == "failed":
        err.print(f"[red]{result['source_file']}: {result['error']}[/red]", highlight=False)
        raise typer.Exit(1)


def _summary(result: dict) -> None:
    colour = {"extracted": "green", "needs_review": "yellow", "failed": "red"}[result["status"]]
    out.print(f"[bold]{result['source_file']}[/bold]  [{colour}]{result['status']}[/{colour}]  "
              f"{result['statement_type']}  {result['entity_name'] or ''}  ({result['document_id']}, "
              f"method {result['method']}, unit x{result['unit_multiplier']:g})", highlight=False)
    shown = max(1, (out.width - 62) // 15)  # the period columns the terminal has room for; --json has all
    newest = sorted(result["periods"], key=lambda p: (p["end"] or "", p["months"] or 0))[-shown:]
    periods = [p["key"] for p in result["periods"] if p in newest]  # printed order, newest ones
    cents = any(v != round(v) for item in result["line_items"] for v in item["values"].values())
    if result["line_items"]:
        table = Table(show_lines=False, header_style="bold")
        table.add_column("label", no_wrap=True, max_width=30)
        table.add_column("canonical", no_wrap=True, max_width=26)
        for key in periods:
            table.add_column(key, justify="right", no_wrap=True)
        table.add_column("conf", justify="right")
        for item in result["line_items"]:
            style = "bold" if item["is_total"] else None
            canonical = item["canonical"] or "[red]unmapped[/red]"
            values = [f"{item['values'][k]:,.2f}" if cents else f"{item['values'][k]:,.0f}" for k in periods]
            table.add_row(item["label"], canonical, *values, f"{item['confidence']:.2f}", style=style)
        out.print(table)
        if len(result["periods"]) > shown:
            out.print(f"(newest {shown} of {len(result['periods'])} periods shown; --json has all)")
    failed = [c for c in result["checks"] if not c["passed"]]
    out.print(f"checks: {len(result['checks']) - len(failed)} passed, {len(failed)} failed", highlight=False)
    for check in failed:
        out.print(f"  [red]{check['name']} {check['period']}: expected {check['expected']:,.2f}, "
                  f"printed {check['actual']:,.2f}[/red]", highlight=False)
    for warning in result["warnings"]:
        out.print(f"  [yellow]- {warning}[/yellow]", highlight=False)


def submit_sample_statements(warehouse_url: str, sample: Path) -> tuple[int, int]:
    """The sample business's statements (<sample>/ies) as uploads, once: (new, already there). The running
    daemon's upload sensor extracts the new ones and refreshes the IES marts."""
    import psycopg

    from pipelines.ies import uploads

    folder = sample / "ies"
    if not folder.is_dir():
        return 0, 0
    with psycopg.connect(warehouse_url) as conn:
        intake = uploads.submit_folder(conn, uploads.UploadStore(), folder, received_via="sample")
    for name, reason in intake.quarantined:
        err.print(f"[yellow]Sample statement {name} not submitted: {reason}[/yellow]", highlight=False)
    return len(intake.new), len(intake.recorded) - len(intake.new)


@app.command("submit-samples")
def submit_samples_command() -> None:
    """Submit the sample business's statements as uploads (what `make run` does on start); idempotent."""
    from brainops import bootstrap
    from brainops.paths import sample_dir
    from brainops.settings import get_settings

    env = bootstrap.prepare_database()
    folder = sample_dir(get_settings().sample_scale)
    if not (folder / "ies").is_dir():
        err.print(f"[red]No sample statements under {folder / 'ies'}; run `brainops sample generate` first.[/red]")
        raise typer.Exit(1)
    new, known = submit_sample_statements(env.warehouse_url, folder)
    err.print(f"Sample statements: {new} submitted as uploads, {known} already there.")
