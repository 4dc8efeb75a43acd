"""Who is asking: the token of a write or of a steward's page.

Programs send `Authorization: Bearer ckg_...`. A browser signs in once on /inbox and holds the
token in a cookie (HttpOnly, SameSite=Strict, Secure over https); a form POST that relies on
that cookie must also come from our own origin (Origin or Referer), so another site cannot make
a signed-in reviewer's browser accept a submission. Tokens are never logged.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request

from cancerkg.errors import ForbiddenError
from cancerkg.settings import Settings
from cancerkg.submissions.tokens import Principal, authenticate

COOKIE = "cancerkg_token"


async def principal(request: Request) -> Principal:
    """The holder of the request's token, or 401 (none, unknown, revoked) / 403 (a cookie
    sent by a form from another origin)."""
    settings: Settings = request.app.state.settings
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value:
        return authenticate(settings.store_dir, value)
    cookie = request.cookies.get(COOKIE)
    if cookie and request.method not in ("GET", "HEAD") and not same_origin(request):
        raise ForbiddenError(
            "this form was sent from another site; open the page on this server and send it again"
        )
    return authenticate(settings.store_dir, cookie)


async def reader(request: Request) -> Principal | None:
    """Like `principal` for reading pages: None when the request carries no token at all, so a
    browser can be sent to the sign-in page instead of an error."""
    has_header = request.headers.get("authorization", "").lower().startswith("bearer ")
    if not has_header and not request.cookies.get(COOKIE):
        return None
    return await principal(request)


def same_origin(request: Request) -> bool:
    """Whether a browser says the request comes from a page of this server."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return False
    sent = urlsplit(origin)
    return (sent.scheme, sent.netloc) == (request.url.scheme, request.url.netloc)
