"""Typed errors of the core library.

Each error knows its CLI exit code and HTTP status, so the shells map them in one place and never
show a traceback for bad input.
"""

from __future__ import annotations


class CancerKGError(Exception):
    """Base class: a problem the user can fix, with a one-line message."""

    exit_code = 2
    http_status = 400
    kind = "error"

    def __init__(self, message: str, *, detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class InputError(CancerKGError):
    """Bad input or usage: exit 2, HTTP 400."""

    kind = "bad input"


class SourceSyntaxError(InputError):
    """An RDF source or submission that does not parse; the message holds file:line:col."""

    kind = "syntax error"

    def __init__(
        self, message: str, *, path: str, line: int | None = None, column: int | None = None
    ) -> None:
        where = path if line is None else f"{path}:{line}:{column or 1}"
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line
        self.column = column


class QuerySyntaxError(InputError):
    """A SPARQL query that does not parse."""

    kind = "query syntax error"


class ParameterError(InputError):
    """A named-query parameter that is unknown, missing or not of its type."""

    kind = "bad parameter"


class UnknownQueryError(InputError):
    """A named query that does not exist."""

    kind = "unknown query"
    http_status = 404


class StoreNotFoundError(CancerKGError):
    """No built store where one was expected."""

    kind = "no store"
    http_status = 503


class BuildError(CancerKGError):
    """The build cannot go on (e.g. a source folder is missing)."""

    kind = "build failed"
    exit_code = 1
    http_status = 500


class UpdateRefusedError(InputError):
    """A SPARQL Update sent to the read-only endpoint."""

    kind = "read-only endpoint"
    http_status = 403


class ServiceNotAllowedError(InputError):
    """A SERVICE clause naming a host outside the allow-list (it would let clients make the
    server fetch any URL)."""

    kind = "service not allowed"
    http_status = 403


class FederationError(CancerKGError):
    """An allowed SERVICE call that failed; the remote answer is never passed on."""

    kind = "remote endpoint error"
    exit_code = 1
    http_status = 502


class MethodNotAllowedError(InputError):
    """An HTTP method the SPARQL protocol's query operation does not define."""

    kind = "method not allowed"
    http_status = 405


class NotAcceptableError(InputError):
    """No result format fits what the client accepts."""

    kind = "not acceptable"
    http_status = 406


class QueryTooLongError(InputError):
    """A query (or request body) longer than the configured maximum."""

    kind = "query too long"
    http_status = 413


class PayloadTooLargeError(InputError):
    """A request body (e.g. a submission) over the size limit."""

    kind = "payload too large"
    http_status = 413


class NotFoundError(InputError):
    """An IRI, dump or page the service does not have."""

    kind = "not found"
    http_status = 404


class UnsupportedMediaTypeError(InputError):
    """A body whose media type or charset we do not read (SPARQL protocol, submissions)."""

    kind = "unsupported media type"
    http_status = 415


class QueryTimeoutError(CancerKGError):
    """A query that ran past the time limit; its worker was stopped."""

    kind = "query timeout"
    http_status = 503


class QueryMemoryError(CancerKGError):
    """A query that needed more memory than a worker may use; its worker was replaced."""

    kind = "query out of memory"
    exit_code = 1
    http_status = 503


class QueryFailedError(CancerKGError):
    """A query that parsed but could not be evaluated (e.g. a SERVICE call failed)."""

    kind = "query failed"
    exit_code = 1
    http_status = 500


class RemoteEndpointError(CancerKGError):
    """The remote SPARQL server refused the request or could not be reached."""

    kind = "remote endpoint error"
    exit_code = 1
    http_status = 502


class ValidationEngineError(CancerKGError):
    """The SHACL engine could not run the shapes (e.g. an invalid SHACL-SPARQL query)."""

    kind = "validation failed"
    exit_code = 2
    http_status = 500


class AuthenticationError(InputError):
    """A write without a valid token (none, unknown, malformed or revoked)."""

    kind = "unauthorised"
    http_status = 401


class ForbiddenError(InputError):
    """A token that is valid but may not do this (outside its scope, or not a reviewer)."""

    kind = "forbidden"
    http_status = 403


class ConflictError(InputError):
    """A change that does not fit the current state (e.g. accepting an invalid submission)."""

    kind = "conflict"
    http_status = 409


class AssetError(CancerKGError):
    """A browser asset (the SPARQL editor, the API docs) could not be fetched or failed its
    integrity check."""

    kind = "browser asset unavailable"
    exit_code = 1
    http_status = 503


class ReleaseInvalidError(CancerKGError):
    """A built release that breaks the shapes; it was not published. `detail` holds the report."""

    kind = "release does not conform"
    exit_code = 1
    http_status = 500
