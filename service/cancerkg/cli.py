"""The `cancerkg` command line: a thin shell that parses options, calls the core and renders.

Exit codes (docs/architecture.md, Contracts): 0 ok, 1 the answer is "no" (e.g. data does not
conform), 2 bad input or usage. Every CancerKGError becomes one line on stderr and its exit
code, never a traceback.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import pyoxigraph as ox
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from cancerkg import __version__
from cancerkg.build.pipeline import Reporter
from cancerkg.build.pipeline import build as run_build
from cancerkg.endpoint.jobs import VALIDATION_ADVICE
from cancerkg.errors import (
    CancerKGError,
    InputError,
    QueryTimeoutError,
    ReleaseInvalidError,
    StoreNotFoundError,
)
from cancerkg.graph.stats import compute_stats
from cancerkg.named_queries.paging import Page
from cancerkg.named_queries.run import parse_assignments, query_file, query_titles, run_query
from cancerkg.rdf.formats import GRAPH_FORMATS, by_name
from cancerkg.rdf.iris import ID_PREFIXES, compact_iri
from cancerkg.rdf.results import compact, serialize
from cancerkg.settings import Settings, normalise_base_url
from cancerkg.store import releases
from cancerkg.store.open import open_remote, open_store, release_quads
from cancerkg.store.protocol import Store
from cancerkg.submissions.client import ENV_TOKEN, send_file, wait_for_report
from cancerkg.submissions.publishing import publish as run_publish
from cancerkg.submissions.scope import resolve_scope
from cancerkg.submissions.tokens import create_token, list_tokens, revoke_token

app = typer.Typer(
    name="cancerkg",
    help="Build, query and serve the cancerkg knowledge graph of European cancer networks.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
out = Console()
err = Console(stderr=True)

StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store", help="Store folder (default: $CANCERKG_STORE or ~/.local/share/cancerkg/store)."
    ),
]
EndpointOption = Annotated[
    str | None,
    typer.Option(
        "--endpoint",
        help="A remote SPARQL 1.1 endpoint URL; $CANCERKG_ENDPOINT "
        "(credentials: $CANCERKG_ENDPOINT_USER / _PASSWORD / _AUTH=basic|digest).",
    ),
]
BackendOption = Annotated[
    str | None,
    typer.Option(
        "--backend", help="oxigraph (default, on disk) or memory (rdflib); $CANCERKG_BACKEND."
    ),
]


@app.command()
def build(
    store: StoreOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild even if nothing changed.")
    ] = False,
    fail_on: Annotated[
        str,
        typer.Option(
            "--fail-on",
            help="What refuses a release: violation (default; warnings and infos are "
            "printed but publish) or warning.",
        ),
    ] = "violation",
    no_validate: Annotated[
        bool,
        typer.Option(
            "--no-validate",
            help="EMERGENCIES ONLY: publish without checking the shapes (the manifest says so; "
            "`cancerkg build --force` or `cancerkg validate --release` checks it later).",
        ),
    ] = False,
) -> None:
    """Parse ontology, shapes and data, validate them whole, infer, load the store and write
    dumps; the new release is published (atomically) only if it conforms to the shapes.

    Exit 1 when it does not: the report is printed and the previous release stays current.
    """
    from cancerkg.validation.release import release_gate

    settings = Settings.resolve(store)
    check = None if no_validate else release_gate(fail_on)
    if no_validate:
        err.print("[yellow]warning:[/yellow] --no-validate: the shapes are NOT checked")
    with _progress() as report:
        result = run_build(settings.store_dir, force=force, report=report, check=check)
    verb = "built" if result.rebuilt else "up to date:"
    err.print(
        f"{verb} {result.triples:,} triples in {result.release.path} "
        f"({result.seconds:.1f} s); dumps in {result.release.dist}"
    )
    if result.validated:
        err.print(f"validated: {result.validated}", highlight=False)
    else:
        err.print("not validated against the shapes: `cancerkg build --force` validates it")


@app.command()
def query(
    name: Annotated[str | None, typer.Argument(help="A named query or a .rq file.")] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="table, json, csv, tsv (xml); turtle/nt/json-ld for CONSTRUCT."
        ),
    ] = "table",
    list_all: Annotated[bool, typer.Option("--list", help="List the named queries.")] = False,
    params: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="A parameter of the named query, name=value (repeat)."),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Rows of one page of the answer.")
    ] = None,
    offset: Annotated[
        int | None, typer.Option("--offset", min=0, help="Rows to skip (with --limit).")
    ] = None,
    store: StoreOption = None,
    backend: BackendOption = None,
) -> None:
    """Run a named query (or a .rq file) on the built store, parameters bound as typed terms."""
    if list_all or name is None:
        for query_name, title in query_titles():
            out.print(f"[bold]{query_name}[/bold]  {title}", highlight=False)
        return
    arguments = parse_assignments(params or [])
    # A path (FILE.rq, or anything that exists) is a query file; otherwise a name.
    query = query_file(Path(name)) if name.endswith(".rq") or Path(name).exists() else name
    with _store(store, backend) as opened:
        page = None
        if limit is not None or offset is not None:
            page = Page(limit or 10**9, offset or 0)
        result = run_query(opened, query, arguments, page)
        if fmt == "table":
            _print_table(result)
        else:
            sys.stdout.buffer.write(serialize(result, fmt))
            sys.stdout.flush()


@app.command()
def stats(
    store: StoreOption = None,
    backend: BackendOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Triples, named graphs, instances per class and concepts per scheme."""
    with _store(store, backend) as opened:
        figures = compute_stats(opened)
    if as_json:
        out.print_json(json.dumps(figures.__dict__))
        return
    out.print(
        f"[bold]{figures.triples:,}[/bold] triples (union graph), "
        f"{len(figures.graphs)} named graphs"
    )
    ror = figures.share("healthcare providers with a ROR id", "healthcare providers")
    wikidata = figures.share("healthcare providers with a Wikidata link", "healthcare providers")
    dated = figures.share("memberships with a start date", "memberships")
    counts = dict(figures.identifiers)
    out.print(
        f"{counts.get('institutions', 0):,} institutions, {counts.get('memberships', 0):,} "
        f"memberships; healthcare providers with ROR {ror:.0%}, with Wikidata {wikidata:.0%}; "
        f"memberships with a start date {dated:.0%}"
    )
    listed = sum(c[1] for c in figures.completeness)
    reported = sum(c[2] for c in figures.completeness)
    out.print(
        f"{len(figures.completeness)} networks and projects with a reported member count: "
        f"{listed:,} of {reported:,} reported members listed"
        + "".join(
            f"\n  {compact_iri(iri, ID_PREFIXES) or iri}: {n} of {of}"
            for iri, n, of in figures.completeness
        )
    )
    for title, rows in (
        ("named graph", figures.graphs),
        ("class", figures.classes),
        ("concept scheme", figures.schemes),
    ):
        table = Table(title=None, show_edge=False)
        table.add_column(title)
        table.add_column("count", justify="right")
        for key, count in rows:
            table.add_row(compact(ox.NamedNode(key)) if key else "", f"{count:,}")
        out.print(table)


@app.command()
def export(
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="nquads, trig, turtle, nt, json-ld, xml.")
    ] = "nquads",
    store: StoreOption = None,
    backend: BackendOption = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="memberships: a network's members as a spreadsheet."),
    ] = None,
    network: Annotated[
        str | None, typer.Option("--network", help="The network's slug, with --kind.")
    ] = None,
) -> None:
    """Write the whole graph to stdout (N-Quads/TriG keep the named graphs), or with --kind
    memberships --network SLUG --format xlsx|csv its current members in the template's layout."""
    if kind is not None:
        _export_sheet(kind, network, fmt, store, backend)
        return
    keep_graphs = fmt in ("nquads", "trig")
    text = (
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
        if not keep_graphs
        else "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    )
    with _store(store, backend) as opened:
        if keep_graphs:
            result = opened.query(text)
            assert isinstance(result, ox.QuerySolutions)  # quads keep pyoxigraph's own terms
            quads = [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in result]
            dataset_format = by_name(fmt, GRAPH_FORMATS).rdf
            sys.stdout.buffer.write(ox.serialize(quads, format=dataset_format) or b"")
        else:
            sys.stdout.buffer.write(serialize(opened.query(text), fmt))
    sys.stdout.flush()


def _export_sheet(
    kind: str, network: str | None, fmt: str, store: Path | None, backend: str | None
) -> None:
    from cancerkg.sheets.export import export_memberships

    if kind != "memberships" or not network:
        raise InputError("spreadsheet export: use --kind memberships --network SLUG")
    if fmt not in ("csv", "xlsx"):
        raise InputError("spreadsheet export: --format csv or xlsx")
    with _store(store, backend) as opened:
        sys.stdout.buffer.write(export_memberships(opened, network, fmt))
    sys.stdout.flush()


@app.command()
def template(
    kind: Annotated[str, typer.Argument(help="institutions, memberships or observations.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv or xlsx.")] = "xlsx",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Write the spreadsheet template of KIND, made from the shapes (required columns marked
    '*', allowed values as drop-downs, an example row)."""
    from cancerkg.sheets.templates import template as make_template
    from cancerkg.validation.release import release_gate

    settings = Settings.resolve(store, "oxigraph")
    run_build(settings.store_dir, check=release_gate())
    with _store(store, "oxigraph") as opened:
        data = make_template(kind, fmt, opened)
    _write_bytes(data, output)


def _write_bytes(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as error:
        raise InputError(f"{output}: cannot write ({error.strerror})") from None
    err.print(f"wrote {output}")


@app.command()
def validate(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="Submission files ('-' for stdin); none: the published graph."),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", help="auto, turtle, json-ld, nt, rdfxml, trig."),
    ] = "auto",
    report: Annotated[str, typer.Option("--report", help="text, json, turtle, json-ld.")] = "text",
    fail_on: Annotated[str, typer.Option("--fail-on", help="violation or warning.")] = "violation",
    max_size: Annotated[
        float, typer.Option("--max-size", min=0.001, help="Largest submission file in MiB.")
    ] = 50,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout",
            min=0,
            help="Stop after this many seconds (default: $CANCERKG_VALIDATION_TIMEOUT or 30 "
            "for submissions, no limit for the whole release; 0: no limit).",
        ),
    ] = None,
    annotated: Annotated[
        Path | None,
        typer.Option(
            "--annotated", help="For a spreadsheet: write a copy with the bad cells marked."
        ),
    ] = None,
    store: StoreOption = None,
    release: Annotated[
        bool,
        typer.Option(
            "--release",
            help="Check the published release whole, as it is (no rebuild); the shapes "
            "compiled to SPARQL, pyshacl for any shape they cannot express.",
        ),
    ] = False,
) -> None:
    """Validate submission files against the shapes, with the published graph as context;
    without files (or with --release), the whole published release.

    RDF files, or one spreadsheet (.xlsx, .csv) reported by sheet, row and column.
    Builds the store first when it is missing or out of date (not with --release).
    Exit 0 conforms, 1 does not, 2 bad input.
    """
    from cancerkg.sheets.workbook import is_spreadsheet

    if files and any(is_spreadsheet(str(f), None) for f in files):
        _validate_sheet(files, report, fail_on, max_size, timeout, annotated, store)
        return
    from cancerkg.validation.engine import validate_submission
    from cancerkg.validation.release import release_gate, summary, validate_release
    from cancerkg.validation.report import render
    from cancerkg.validation.submission import read_submission_file

    if release and files:
        raise InputError("give submission files or --release, not both")
    max_bytes = int(max_size * 2**20)
    submission = [
        t for path in files or [] for t in read_submission_file(path, fmt, max_bytes=max_bytes)
    ]
    settings = Settings.resolve(store, "oxigraph")
    if release and releases.current_release(settings.store_dir) is None:
        raise StoreNotFoundError(
            f"no published release at {settings.store_dir}; run `cancerkg build`"
        )
    if not release:
        run_build(settings.store_dir, check=release_gate())
    seconds = timeout if timeout is not None else (settings.validation_timeout if files else 0)
    with _store(store, "oxigraph") as opened, _time_limit(seconds), _working(submission, files):
        if files:
            result = validate_submission(submission, opened)
        else:
            outcome = validate_release(opened)
            result = outcome.report
            err.print(f"validated: {summary(outcome)}", highlight=False)
    sys.stdout.write(render(result, report, fail_on=fail_on))
    sys.stdout.flush()
    if not result.conforms(fail_on):
        raise typer.Exit(1)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    store: StoreOption = None,
    backend: BackendOption = None,
    endpoint: EndpointOption = None,
    timeout: Annotated[
        float | None, typer.Option(help="Per-query time limit in seconds (default 30).")
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            help="Public address that https://w3id.org/cancerkg/ maps to "
            "(default: $CANCERKG_BASE_URL, else the address of each request).",
        ),
    ] = None,
) -> None:
    """Serve the graph over HTTP; builds the store first if there is none yet."""
    from cancerkg.web.app import create_app
    from cancerkg.web.server import serve as serve_app

    settings = Settings.resolve(store, backend, endpoint)
    if timeout is not None:
        settings = replace(settings, query_timeout=timeout)
    if base_url is not None:
        settings = replace(settings, base_url=normalise_base_url(base_url))
    if settings.backend != "remote":
        from cancerkg.validation.release import release_gate

        with _progress() as report:
            result = run_build(settings.store_dir, report=report, check=release_gate())
        if result.rebuilt:
            err.print(f"built {result.triples:,} triples in {result.release.path}")
    _check_free(host, port)
    err.print(f"serving on http://{host}:{port}/ (OpenAPI at /docs)")
    serve_app(create_app(settings), host, port)


def _validate_sheet(
    files: list[Path],
    report: str,
    fail_on: str,
    max_size: float,
    timeout: float | None,
    annotated: Path | None,
    store: Path | None,
) -> None:
    from cancerkg.sheets.annotation import annotated_copy
    from cancerkg.sheets.checking import render_sheet_report, validate_spreadsheet
    from cancerkg.validation.release import release_gate
    from cancerkg.validation.report import render
    from cancerkg.validation.submission import read_submission_bytes

    if len(files) != 1:
        raise InputError("validate one spreadsheet at a time, and without RDF files beside it")
    path = files[0]
    data = read_submission_bytes(path, int(max_size * 2**20))
    settings = Settings.resolve(store, "oxigraph")
    run_build(settings.store_dir, check=release_gate())
    seconds = timeout if timeout is not None else settings.validation_timeout
    with _store(store, "oxigraph") as opened, _time_limit(seconds):
        result = validate_spreadsheet(data, path.name, None, opened)
    if report in ("turtle", "json-ld"):
        sys.stdout.write(render(result.report, report, fail_on=fail_on))
    else:
        sys.stdout.write(render_sheet_report(result, report, fail_on=fail_on))
    sys.stdout.flush()
    if annotated is not None:
        _write_bytes(annotated_copy(data, path.name, None, result), annotated)
    if not result.conforms(fail_on):
        raise typer.Exit(1)


# Inputs from this many triples on take long enough to say what is going on (about 5 s).
PROGRESS_FROM = 20_000


@contextmanager
def _working(submission: list[ox.Triple], files: list[Path] | None) -> Iterator[None]:
    """On long inputs, say what is being validated (a line) and that it is still working (a
    spinner with the elapsed time on a terminal); short ones stay quiet."""
    if files and len(submission) < PROGRESS_FROM:
        yield
        return
    what = f"{len(submission):,} triples" if files else "the whole published release"
    err.print(f"validating {what} against the shapes ...")
    started = time.monotonic()
    columns = (SpinnerColumn(), TextColumn("validating"), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        progress.add_task("validating", total=None)
        yield
    err.print(f"validated in {time.monotonic() - started:.1f} s")


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Stop the validation after `seconds` (0: never). pyshacl is pure Python, so an alarm
    interrupts it between two steps; the process then exits and frees the CPU."""
    if seconds <= 0:
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise QueryTimeoutError(
            f"{VALIDATION_ADVICE[0]} ran past the {seconds:g} s limit and was stopped; "
            f"{VALIDATION_ADVICE[1]}, or raise --timeout"
        )

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _check_free(host: str, port: int) -> None:
    """Say so before "serving on" when the address is taken or cannot be had."""
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as error:
        raise InputError(
            f"cannot listen on {host}:{port} ({error.strerror or error}); is another server "
            "running there? choose another --port or --host"
        ) from None


tokens_app = typer.Typer(help="Tokens of data stewards and reviewers (docs/submissions.md).")
app.add_typer(tokens_app, name="tokens")


@tokens_app.command("create")
def tokens_create(
    name: Annotated[str, typer.Option("--name", help="Whose token: a person or an office.")],
    role: Annotated[str, typer.Option("--role", help="steward or reviewer.")] = "steward",
    scope: Annotated[
        list[str] | None,
        typer.Option(
            "--scope",
            help="A network or organisation the steward speaks for: slug (euracan), "
            "kind/slug or IRI (repeat).",
        ),
    ] = None,
    organisation: Annotated[
        str | None,
        typer.Option(
            "--organisation", help="Who submissions are attributed to (default: the first scope)."
        ),
    ] = None,
    store: StoreOption = None,
) -> None:
    """Create a token; it is printed once and stored only as a hash."""
    settings = Settings.resolve(store)
    with _published_or_none(settings) as published:
        scopes = tuple(resolve_scope(s, published) for s in scope or [])
        attributed = resolve_scope(organisation, published) if organisation else None
    secret, record = create_token(settings.store_dir, name, role, scopes, attributed)
    err.print(f"token {record.id} for {record.name} ({record.role}); shown only now:")
    out.print(secret, highlight=False)


@tokens_app.command("list")
def tokens_list(store: StoreOption = None) -> None:
    """Every token: id, holder, role, scopes, created, revoked (never the secret)."""
    table = Table(show_edge=False)
    for column in ("id", "name", "role", "scopes", "created", "revoked"):
        table.add_column(column)
    for t in list_tokens(Settings.resolve(store).store_dir):
        scopes = ", ".join(compact_iri(s, ID_PREFIXES) or s for s in t.scopes)
        table.add_row(t.id, t.name, t.role, scopes, t.created_at, t.revoked_at or "")
    out.print(table)


@tokens_app.command("revoke")
def tokens_revoke(
    token_id: Annotated[str, typer.Argument(help="The token's id (`cancerkg tokens list`).")],
    store: StoreOption = None,
) -> None:
    """Revoke a token at once; what it sent stays in the inbox."""
    record = revoke_token(Settings.resolve(store).store_dir, token_id)
    err.print(f"token {record.id} ({record.name}) revoked at {record.revoked_at}")


@app.command()
def submit(
    file: Annotated[Path, typer.Argument(help="The RDF file to send.")],
    to: Annotated[str, typer.Option("--to", help="The service, e.g. https://cancerkg.example/")],
    token: Annotated[
        str | None, typer.Option("--token", help="Your token; default $CANCERKG_TOKEN.")
    ] = None,
    note: Annotated[str, typer.Option("--note", help="A note for the reviewer.")] = "",
    wait: Annotated[
        bool, typer.Option("--wait", help="Wait for the validation report; exit 1 if invalid.")
    ] = False,
) -> None:
    """Send a submission to a running cancerkg service's inbox."""
    sent = send_file(file, to, token or os.environ.get(ENV_TOKEN), note)
    err.print(f"received as {sent['id']}: {sent['status']}; follow it at {sent['url']}")
    if not wait:
        return
    final = wait_for_report(sent["url"], token or os.environ.get(ENV_TOKEN))
    counts = final.get("counts") or {}
    err.print(f"{final['status']}: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    if final["status"] != "valid":
        sys.exit(1)


@app.command()
def publish(store: StoreOption = None) -> None:
    """Build the next release with every accepted submission, and record it in the inbox."""
    settings = Settings.resolve(store)
    with _progress() as report:
        result = run_publish(settings.store_dir, report=report)
    verb = "published" if result.rebuilt else "up to date:"
    err.print(
        f"{verb} release {result.version} ({len(result.published)} submission(s) newly in it)"
    )


@contextmanager
def _published_or_none(settings: Settings) -> Iterator[Store | None]:
    if releases.current_release(settings.store_dir) is None:
        yield None
        return
    with _store(settings.store_dir, None) as opened:
        yield opened


@app.command()
def load(
    endpoint: Annotated[str, typer.Option("--endpoint", help="The SPARQL server's query URL.")],
    update_endpoint: Annotated[
        str | None, typer.Option("--update-endpoint", help="Its update URL (default: --endpoint).")
    ] = None,
    graph_store: Annotated[
        str | None,
        typer.Option(
            "--graph-store",
            help="Its Graph Store Protocol URL, preferred where it "
            "exists: keeps blank nodes (Virtuoso: /sparql-graph-crud-auth).",
        ),
    ] = None,
    store: StoreOption = None,
) -> None:
    """Load the built graph (all named graphs) into a SPARQL 1.1 server (GSP or INSERT DATA)."""
    settings = Settings.resolve(store, "remote", endpoint)
    release = releases.current_release(settings.store_dir)
    if release is None:
        raise StoreNotFoundError(f"no built store at {settings.store_dir}; run `cancerkg build`")
    quads = release_quads(release)
    target = open_remote(settings, update_endpoint=update_endpoint, graph_store=graph_store)
    target.load(quads)
    err.print(f"loaded {len(quads):,} quads into {endpoint}")


@app.command()
def diff(
    old: Annotated[
        str | None, typer.Argument(help="A release version in --store, or a dump file.")
    ] = None,
    new: Annotated[
        str | None, typer.Argument(help="A release version in --store, or a dump file.")
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="text, json, or an RDF format (turtle, ...).")
    ] = "text",
    list_all: Annotated[bool, typer.Option("--list", help="List the releases.")] = False,
    store: StoreOption = None,
) -> None:
    """What changed from OLD to NEW (releases or .nq/.nq.gz/.trig/.ttl dumps), offline.

    Only asserted graphs are compared (not graph/inferred or graph/summaries). Exit 0 either
    way; 2 for an unknown version or an unreadable file.
    """
    from cancerkg.graph.changes import changes_between, changeset_triples
    from cancerkg.graph.versions import list_versions, read_side

    settings = Settings.resolve(store)
    if list_all or old is None or new is None:
        if not list_all:
            raise InputError("name OLD and NEW (versions or dump files), or use --list")
        listed_versions = list_versions(settings.store_dir)
        for listed in listed_versions:
            out.print(f"{listed.version}  {listed.built_at}  {listed.triples:,} triples")
        if not listed_versions:
            err.print(f"no releases in {settings.store_dir}; run `cancerkg build`")
        return
    before, after = read_side(old, settings.store_dir), read_side(new, settings.store_dir)
    changes = changes_between(before.quads, after.quads)
    if fmt == "text":
        sys.stdout.write(changes.text(f"Changes from {before.name} to {after.name}"))
    elif fmt == "json":
        sys.stdout.write(json.dumps(changes.as_json(), indent=2, ensure_ascii=False) + "\n")
    else:
        rdf = by_name(fmt, GRAPH_FORMATS).name
        triples = changeset_triples(changes, None, after.iri, None)
        sys.stdout.buffer.write(serialize(triples, rdf))
    sys.stdout.flush()


@app.command()
def assets(
    force: Annotated[
        bool, typer.Option("--force", help="Fetch again even where a copy is present.")
    ] = False,
) -> None:
    """Fetch the pinned browser code of /editor, /docs and /redoc from the npm registry (sha512
    checked); `pip install .` normally bundles it already."""
    from cancerkg.web import browser_assets

    for pin in browser_assets.pins().values():
        found = None if force else browser_assets.locate(pin)
        if found is not None:
            err.print(f"{pin.package}@{pin.version}: present in {found}", soft_wrap=True)
            continue
        folder = browser_assets.cache_root() / pin.name
        browser_assets.fetch(pin, folder)
        err.print(
            f"{pin.package}@{pin.version}: fetched into {folder} (sha512 checked)", soft_wrap=True
        )


@app.command()
def version() -> None:
    """Print the version."""
    out.print(__version__)


@contextmanager
def _store(store: Path | None, backend: str | None) -> Iterator[Store]:
    """Open the configured store for one command and close it afterwards."""
    opened = open_store(Settings.resolve(store, backend))
    try:
        yield opened
    finally:
        opened.close()


@contextmanager
def _progress() -> Iterator[Reporter]:
    """A rich progress display on stderr that the build reports into."""
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        console=err,
        transient=True,
    )
    tasks: dict[str, TaskID] = {}

    def report(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total or None)
        bar.update(tasks[stage], completed=done)

    with bar:
        yield report


def _print_table(result: object) -> None:
    if isinstance(result, ox.QueryBoolean):
        out.print("true" if bool(result) else "false")
        return
    table = Table(show_edge=False)
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        for column in names:
            table.add_column(column)
        solutions = list(result)
        for solution in solutions:
            table.add_row(*(compact(solution[n]) for n in names))
        rows = len(solutions)
    else:
        for column in ("subject", "predicate", "object"):
            table.add_column(column)
        rows = 0
        for triple in result:  # type: ignore[attr-defined]
            table.add_row(
                compact(triple.subject), compact(triple.predicate), compact(triple.object)
            )
            rows += 1
    out.print(table)
    err.print(f"{rows} row{'s' if rows != 1 else ''}")


def main() -> None:
    """Console-script entry point: map typed errors to one line and an exit code."""
    try:
        app()
    except CancerKGError as error:
        if isinstance(error, ReleaseInvalidError) and error.detail:
            sys.stdout.write(error.detail)  # the report of the release that was refused
        err.print(
            f"[red]error:[/red] {error.message}", highlight=False, markup=True, soft_wrap=True
        )
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
