"""Helpers for tests that need an outside part (Java, Virtuoso, Chromium, the W3C suites).

Locally a missing part skips the test with a loud reason; CI sets CANCERKG_REQUIRE_<PART>=1 so
that the same absence fails instead of passing silently.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def skip_or_fail(part: str, reason: str) -> NoReturn:
    """Skip (locally) or fail (when CANCERKG_REQUIRE_<PART>=1) because `part` is missing."""
    variable = f"CANCERKG_REQUIRE_{part.upper()}"
    if os.environ.get(variable) == "1":
        pytest.fail(f"{reason} ({variable}=1 makes this a failure)")
    pytest.skip(reason=f"{reason} (set {variable}=1 to make this a failure)")
