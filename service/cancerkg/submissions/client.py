"""`cancerkg submit`: send a file to a running service's inbox, and follow it.

The standard library's urllib is enough for one POST and a few GETs; the server's JSON errors
({"error", "detail"}) become the same one-line messages the service would show.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from cancerkg.errors import AuthenticationError, ForbiddenError, InputError, RemoteEndpointError
from cancerkg.validation.submission import MAX_BODY_BYTES, format_for_name

ENV_TOKEN = "CANCERKG_TOKEN"  # noqa: S105 - the variable's name, not a secret
POLL_SECONDS = 0.5
WAIT_SECONDS = 600.0


def send_file(path: Path, service: str, token: str | None, note: str = "") -> dict[str, Any]:
    """POST `path` to SERVICE/submissions; the service's answer (id, status, url)."""
    if not token:
        raise InputError(f"no token: pass --token or set {ENV_TOKEN}")
    fmt = format_for_name("auto", path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read the file ({error.strerror})") from None
    if len(data) > MAX_BODY_BYTES:
        limit = MAX_BODY_BYTES // 2**20
        raise InputError(f"{path}: over the service's {limit} MiB limit; split it")
    url = service.rstrip("/") + "/submissions"
    if note:
        url += "?" + urllib.parse.urlencode({"note": note})
    headers = {"Content-Type": fmt.media_type, "Authorization": f"Bearer {token}"}
    return _call(urllib.request.Request(url, data, headers, method="POST"))  # noqa: S310


def wait_for_report(url: str, token: str | None) -> dict[str, Any]:
    """The submission once its validation has finished (or failed)."""
    deadline = time.monotonic() + WAIT_SECONDS
    headers = {"Accept": "application/json", "Authorization": f"Bearer {token}"}
    while True:
        found = _call(urllib.request.Request(url, headers=headers))  # noqa: S310
        if found["status"] not in ("received", "validating") or time.monotonic() > deadline:
            return found
        time.sleep(POLL_SECONDS)


def _call(request: urllib.request.Request) -> dict[str, Any]:
    if not request.full_url.startswith(("http://", "https://")):
        raise InputError(f"--to {request.full_url}: give the service's http(s) URL")
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 - http(s) only
            body: dict[str, Any] = json.loads(answer.read())
            return body
    except urllib.error.HTTPError as error:
        raise _error(error) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise RemoteEndpointError(f"cannot reach {request.full_url}: {reason}") from None


def _error(error: urllib.error.HTTPError) -> Exception:
    try:
        detail = json.loads(error.read()).get("detail", "")
    except ValueError:
        detail = error.reason
    message = f"{error.code} from the service: {detail}"
    if error.code == 401:
        return AuthenticationError(message)
    if error.code == 403:
        return ForbiddenError(message)
    return InputError(message) if error.code < 500 else RemoteEndpointError(message)
