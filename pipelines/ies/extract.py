"""extract(path) → the IES contract JSON: sniff the bytes, read the layout (OCR for scans), spread the
rows onto the chart of accounts, tie out, judge the status, validate against the schema.

With an API key set (ANTHROPIC_API_KEY, else OPENAI_API_KEY) an LLM helps three times: it maps the labels
the dictionary and the embedding stage left open (one call per document), it reads every statement a
second time from its printed lines (pipelines/ies/llm_reader.py; one call per document, every value it
gives checked against the line it cites) to confirm or question the layout reader's headline figures
(pipelines/ies/reconcile.py), and it reads a document the layout reader cannot structure. Without a key
nothing calls out."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.ies import result as contract
from pipelines.ies.assemble import assemble
from pipelines.ies.csv_reader import read_csv
from pipelines.ies.facts import currency, entity_name, statement_type
from pipelines.ies.labels import KeywordMapper, MapperChain, default_chain
from pipelines.ies.limits import Deadline, DocumentLimitExceeded, SizeLimits
from pipelines.ies.llm_reader import SecondRead, SourceLine
from pipelines.ies.pdf_layout import income_tables, read_pdf_words
from pipelines.ies.sniff import REASONS, file_kind
from pipelines.ies.table import RawTable, UnreadableFile
from pipelines.llm import LlmClient, LlmError


def available_engine() -> tuple[Any, str]:
    """The OCR engine for scans, or None and why not (imported here, when a scan needs it: a text document
    does not pay for the imaging libraries)."""
    from pipelines.ies.ocr import available_engine as engine

    return engine()


def content_document_id(data: bytes) -> str:
    """For a file read outside the upload flow (the CLI): the same bytes always give the same id."""
    return "ies_" + hashlib.sha256(data).hexdigest()[:16]


AUTO: Any = "auto"  # llm=AUTO: the client the environment's API keys configure, or none


@dataclass
class Seen:
    """What the layout reader read, kept for the LLM's second reading (only when there is an LLM)."""

    wanted: bool = False
    lines: list[SourceLine] = field(default_factory=list)
    heads: list[RawTable] = field(default_factory=list)  # a sheet's titles and headings, before assembly
    images: list[bytes] = field(default_factory=list)  # a scan's statement pages, as pictures
    whole: list[SourceLine] = field(default_factory=list)  # every line, when no statement could be structured


def extract(path: Path, *, chain: MapperChain | None = None, validate: bool = True,
            llm: LlmClient | None = AUTO, deadline: Deadline | None = None,
            limits: SizeLimits | None = None) -> dict[str, Any]:
    data = Path(path).read_bytes()
    return extract_bytes(data, Path(path).name, chain=chain, validate=validate, llm=llm, deadline=deadline,
                         limits=limits)


def extract_bytes(data: bytes, source_file: str, *, chain: MapperChain | None = None,
                  validate: bool = True, llm: LlmClient | None = AUTO,
                  deadline: Deadline | None = None, document_id: str | None = None,
                  limits: SizeLimits | None = None) -> dict[str, Any]:
    """`llm`: AUTO (from ANTHROPIC_API_KEY / OPENAI_API_KEY, calls recorded by pipelines.llm.recording's
    default sink), a client, or None for no LLM at all. `chain`: the label mappers (default: dictionary,
    embeddings, the LLM when there is one, keywords). `deadline`: the per-document time and page limits
    (default: IES_DOCUMENT_TIMEOUT_SECONDS and IES_MAX_PAGES, from now); over them the result is failed.
    `document_id`: the uploaded document's id (each owner's copy has its own); default: one from the bytes.
    `limits`: the size limits (default: IES_MAX_UNCOMPRESSED_MB, IES_MAX_COMPRESSION_RATIO,
    IES_MAX_ZIP_MEMBERS, IES_MAX_CELLS, IES_MAX_IMAGE_PIXELS, IES_MAX_PAGE_PIXELS); a file over them is
    failed before it is unpacked, decoded or rendered."""
    deadline = deadline or Deadline.from_env()
    limits = limits or SizeLimits.from_env()
    digest = hashlib.sha256(data).hexdigest()
    out = contract.base_result(document_id=document_id or content_document_id(data),
                               source_file=Path(source_file).name, sha256=digest)
    if llm is AUTO:
        from pipelines.llm import llm_from_env

        llm = _bounded(llm_from_env(), deadline)
    chain = chain or default_chain(llm=llm, document_id=out["document_id"])
    chain.warm()  # a model to load starts now, while the file is read
    seen = Seen(wanted=llm is not None)
    try:
        try:
            out = _extract(data, out, chain, deadline, limits, seen)
            if llm is not None and seen.lines and out["status"] in ("extracted", "needs_review"):
                out = _second_read(out, seen, chain, llm, deadline)
        except UnreadableFile as exc:
            if llm is None:
                out = contract.failed(out, str(exc))
            else:
                deadline.check("before the LLM could read the document")
                out = _read_with_llm(out, chain, llm, str(exc), seen, deadline)
    except DocumentLimitExceeded as exc:  # nothing half-read is kept: the whole document is failed
        out = contract.failed(out, str(exc))
    if validate:
        contract.validate(out)
    return out


def _bounded(llm: LlmClient | None, deadline: Deadline) -> LlmClient | None:
    """Each SDK request waits at most the document's time limit (the SDKs' default is minutes), so a stalled
    API cannot hold the worker long past it; the deadline is checked again between calls."""
    client = getattr(llm, "client", None)
    if client is not None and hasattr(client, "with_options"):
        timeout = min(deadline.seconds, getattr(llm, "timeout", 120.0))  # LLM_TIMEOUT_SECONDS, at most the limit
        llm.client = client.with_options(timeout=timeout)  # type: ignore[union-attr]
        llm.timeout = timeout  # type: ignore[union-attr]
    return llm


def _second_read(out: dict[str, Any], seen: Seen, chain: MapperChain, llm: LlmClient,
                 deadline: Deadline) -> dict[str, Any]:
    """The LLM reads the statement's printed lines a second time; the two readings are reconciled."""
    from pipelines.ies.llm_reader import read_lines
    from pipelines.ies.reconcile import failed_second_read, reconcile

    reader = f"{llm.provider} {llm.model}"
    try:
        deadline.check("before the LLM's second reading")
        read = read_lines(llm, seen.lines, seen.heads, document_id=out["document_id"], images=seen.images)
        extra = read.grounding.warnings()
        if read.truncated:
            extra.append("The statement was too long to send whole to the LLM; it read only its beginning.")
        if not read.tables:
            result = failed_second_read(out, reader, "nothing it read is printed on the lines it cited, or it "
                                                     "found no income statement")
            return {**result, "warnings": [*result["warnings"], *extra]}
        second = _spread(read.tables, out, _keyed(chain, read), deadline)
    except (LlmError, UnreadableFile, DocumentLimitExceeded) as exc:
        return failed_second_read(out, reader, str(exc))
    return reconcile(out, second, reader, extra)


def _keyed(chain: MapperChain, read: SecondRead) -> MapperChain:
    """The chain with the model's own chart keys standing in for the label call: one call per document."""
    from pipelines.ies.llm_reader import ReaderKeys

    keys = ReaderKeys(read.keys, read.tables[0].method)
    mappers = [m for m in chain.mappers if not hasattr(m, "resolve")]
    at = next((i for i, m in enumerate(mappers) if isinstance(m, KeywordMapper)), len(mappers))
    return MapperChain([*mappers[:at], keys, *mappers[at:]])


def _read_with_llm(out: dict[str, Any], chain: MapperChain, llm: LlmClient, reason: str, seen: Seen,
                   deadline: Deadline) -> dict[str, Any]:
    """A statement the layout reader could not structure, read by the LLM from every printed line of the
    document, grounded like the second reading: only figures printed on the lines they cite are kept, and the
    tie-outs decide the status."""
    from pipelines.ies.llm_reader import read_lines

    if not seen.whole:
        return contract.failed(out, reason)
    try:
        read = read_lines(llm, seen.whole, [], document_id=out["document_id"], images=seen.images)
        if not read.tables:
            raise UnreadableFile("An LLM read the document too and found no table of amounts printed on the lines it "
                                 "cited; check that it is an income & expense statement.")
        result = _spread(read.tables, out, _keyed(chain, read), deadline)
    except (LlmError, UnreadableFile) as exc:
        return contract.failed(out, f"{reason} {exc}")
    note = (f"The layout reader could not structure the document ({reason.rstrip('.')}); an LLM "
            f"({llm.provider} {llm.model}) read its printed lines instead: every figure is one printed on the line "
            "it cites, and the tie-outs judge them.")
    if read.truncated:
        note += " The document was too long to send whole; only its beginning was read."
    return {**result, "warnings": [note, *read.grounding.warnings(), *result["warnings"]]}


def _grid_lines(data: bytes, kind: str, limits: SizeLimits) -> list[SourceLine]:
    """Every row of a spreadsheet or CSV no reader could structure, for the LLM (none when it cannot be opened)."""
    from pipelines.ies.csv_reader import read_grid
    from pipelines.ies.llm_reader import grid_lines
    from pipelines.ies.xlsx_reader import sheet_grids_checked

    try:
        sheets = [(None, read_grid(data, limits))] if kind == "csv" else sheet_grids_checked(data, limits)
    except UnreadableFile:
        return []
    return grid_lines(sheets)


def _read(data: bytes, out: dict[str, Any], deadline: Deadline,
          limits: SizeLimits, seen: Seen) -> list[RawTable] | dict[str, Any]:
    """The file's income statements (one table each), or (for a scan nothing can read) the finished
    needs_review result. With `seen.wanted`, the printed lines the statements stand on go into `seen`."""
    from pipelines.ies.llm_reader import pdf_lines, table_lines

    kind = file_kind(data)
    if kind in ("csv", "xlsx"):
        from pipelines.ies.xlsx_reader import read_xlsx_statements  # openpyxl: only for workbooks

        try:
            tables = [read_csv(data, limits)] if kind == "csv" else read_xlsx_statements(data, limits)
        except UnreadableFile:
            if seen.wanted:
                seen.whole = _grid_lines(data, kind, limits)
            raise
        if seen.wanted:
            seen.lines = table_lines(tables)
            seen.heads = [RawTable(list(t.headings), [], list(t.context)) for t in tables]
        return tables
    if kind != "pdf":
        raise UnreadableFile(REASONS[kind])
    pages, chars, images, scanned = read_pdf_words(data, deadline, limits)
    if chars:
        try:
            tables = income_tables(pages)
        except UnreadableFile:
            if seen.wanted:
                seen.whole = pdf_lines(pages)
            raise
        if seen.wanted:
            seen.lines = pdf_lines(pages, _pages_of(tables))
        if scanned:
            tables[0].warnings.append(f"Page(s) {', '.join(map(str, scanned))} are scanned images without text "
                                      "and were not read; check them by hand.")
        return tables
    if not images:
        raise UnreadableFile("The PDF has no text and no images; export the statement again and upload it.")
    engine, why_not = available_engine()
    if engine is None:
        reason = f"No text layer (a scanned document); {why_not}."
        return {**out, "status": "needs_review", "method": "none", "warnings": [reason]}
    from pipelines.ies.ocr import ocr_words

    scan = ocr_words(data, engine, deadline=deadline, limits=limits)
    from pipelines.ies.llm_reader import MAX_IMAGES, page_images

    try:
        tables = income_tables(scan, method=f"ocr:{engine.name}+layout")
    except UnreadableFile:
        if seen.wanted:
            seen.whole = pdf_lines(scan)
            seen.images = page_images(data, set(range(1, min(len(scan), MAX_IMAGES) + 1)))
        raise
    if seen.wanted:
        seen.lines = pdf_lines(scan, _pages_of(tables))
        seen.images = page_images(data, _pages_of(tables))
    return tables


def _pages_of(tables: list[RawTable]) -> set[int]:
    return {row.source["page"] for t in tables for row in t.rows if row.source.get("page")}


def _extract(data: bytes, out: dict[str, Any], chain: MapperChain,
             deadline: Deadline, limits: SizeLimits, seen: Seen) -> dict[str, Any]:
    tables = _read(data, out, deadline, limits, seen)
    if isinstance(tables, dict):
        return tables
    deadline.check("after reading the layout")
    return _spread(tables, out, chain, deadline)


def _spread(tables: list[RawTable], out: dict[str, Any], chain: MapperChain, deadline: Deadline) -> dict[str, Any]:
    done = assemble(tables, chain, deadline)
    if not done.items:
        raise UnreadableFile("No rows with figures were found under the period columns; check the file is the "
                             "statement itself.")
    items = [item.as_json() for item in done.items]
    check_json = [c.as_json() for c in done.checks]
    first = done.reads[0].table
    mappers = sorted({item.mapper for item in done.items if item.known}
                     - {"dictionary", "keywords", "structure", first.method})
    context = [line for read in done.reads for line in read.table.context]
    headings = [h for read in done.reads for h in read.table.headings]
    labels = [row.label for read in done.reads for row in read.table.rows]
    return {
        **out,
        "status": done.status,
        "entity_name": entity_name(first.context),
        "statement_type": statement_type(done.items, done.statement_type),
        "currency": currency(context + headings, labels, [c for read in done.reads for row in read.table.rows
                                                         for c in row.cells]),
        "unit_multiplier": done.multiplier,
        "periods": [p.as_json() for p in done.periods],
        "line_items": items,
        "totals": done.totals,
        "checks": check_json,
        "method": "+".join([first.method, *mappers]),
        "warnings": [*done.reasons, *done.warnings, *chain.warnings()],
    }
