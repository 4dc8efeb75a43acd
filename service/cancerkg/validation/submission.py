"""Read a submission safely: pick the RDF format, refuse what could make the parser fetch or
explode, and turn every problem into one located line (exit 2 / HTTP 4xx).

pyoxigraph never fetches a remote JSON-LD @context and refuses external XML entities, but it does
expand internal XML entities, so RDF/XML with entity declarations is refused here before parsing.
"""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pyoxigraph as ox

from cancerkg.errors import InputError, SourceSyntaxError, UnsupportedMediaTypeError
from cancerkg.rdf.formats import GRAPH_FORMATS, by_media_type
from cancerkg.rdf.parsing import format_for_path, parse_bytes, rdf_format

# A submission larger than this is a mistake more often than a member list (--max-size).
MAX_FILE_BYTES = 50 * 2**20
# What the service reads of a request body: POST /validate, POST /submissions, the forms; and so
# what `cancerkg submit` refuses to send.
MAX_BODY_BYTES = 5 * 2**20
FORMAT_NAMES = ("auto", "turtle", "json-ld", "nt", "rdfxml", "trig", "nquads")


def format_for_media_type(content_type: str | None) -> ox.RdfFormat:
    """The RDF format of an HTTP body from its Content-Type (parameters ignored)."""
    found = by_media_type(content_type, GRAPH_FORMATS)
    if found is None or found.rdf is None:
        media = (content_type or "").split(";", 1)[0].strip().lower()
        known = ", ".join(f.media_type for f in GRAPH_FORMATS)
        raise UnsupportedMediaTypeError(
            f"cannot validate a body of type {media or '(none)'!r}; send one of: {known}"
        )
    return found.rdf


def format_for_name(name: str, path: Path | None = None) -> ox.RdfFormat:
    """The format a user named, or the one the file extension implies for 'auto'."""
    if name == "auto":
        if path is None:
            raise InputError("cannot guess the RDF format of standard input; pass --format")
        return format_for_path(path)
    return rdf_format(name)


def read_submission_bytes(path: Path, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a submitted file, checked to be a regular file of at most `max_bytes`."""
    _check_regular(path, max_bytes)
    try:
        return path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read the file ({error.strerror})") from None


def read_submission_file(
    path: Path, fmt: str = "auto", *, max_bytes: int = MAX_FILE_BYTES
) -> list[ox.Triple]:
    """The triples of one submitted file ('-' reads standard input), at most `max_bytes` long:
    a directory, a device or a pipe given by mistake is refused before anything is read."""
    stdin = str(path) == "-"
    if not stdin:
        _check_regular(path, max_bytes)
    chosen = format_for_name(fmt, None if stdin else path)
    try:
        data = _read_stdin(max_bytes) if stdin else path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read the file ({error.strerror})") from None
    return parse_submission(data, chosen, name=str(path))


def _check_regular(path: Path, max_bytes: int) -> None:
    try:
        status = path.stat()
    except OSError as error:
        raise InputError(f"{path}: cannot read the file ({error.strerror})") from None
    if not stat.S_ISREG(status.st_mode):
        raise InputError(f"{path}: not a regular file; give the submission file itself")
    if status.st_size > max_bytes:
        raise InputError(
            f"{path}: {status.st_size / 2**20:.1f} MiB is over the {max_bytes / 2**20:.0f} MiB "
            "limit for a submission; raise it with --max-size (MiB) if this is intended"
        )


def parse_submission(data: bytes, fmt: ox.RdfFormat, *, name: str = "<body>") -> list[ox.Triple]:
    """The triples of a submitted document; named graphs are merged into one submission."""
    if not data.strip():
        raise InputError(f"{name}: the submission is empty (no RDF triples)")
    if fmt == ox.RdfFormat.RDF_XML and b"<!ENTITY" in data:
        raise SourceSyntaxError(
            "RDF/XML with <!ENTITY> declarations is refused (no entity expansion)", path=name
        )
    try:
        quads = parse_bytes(data, fmt, name=name)
    except SourceSyntaxError as error:
        if "LoadDocumentCallback" in error.message:
            raise SourceSyntaxError(
                "remote JSON-LD @context is never fetched; put the context inline", path=name
            ) from None
        raise
    if not quads:
        raise InputError(f"{name}: the submission holds no RDF triples")
    return [quad.triple for quad in quads]


def _read_stdin(max_bytes: int) -> bytes:
    data: bytes = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(
            f"standard input is over the {max_bytes / 2**20:.0f} MiB limit for a submission; "
            "raise it with --max-size (MiB) if this is intended"
        )
    return data
