"""Virtuoso for the remote-backend tests: the starter is cancerkg.testing's; here only the loud
skip where Virtuoso is not installed (a failure with CANCERKG_REQUIRE_VIRTUOSO=1, as in CI)."""

from __future__ import annotations

from cancerkg.testing import find_virtuoso
from support import skip_or_fail


def require_virtuoso() -> str:
    """The virtuoso-t binary, or a loud skip (a failure where CI requires it)."""
    binary = find_virtuoso()
    if binary:
        return binary
    skip_or_fail(
        "virtuoso",
        "Virtuoso is not installed: the remote-backend tests against a real server did not run "
        "(install it with .ci/install-virtuoso.sh)",
    )
