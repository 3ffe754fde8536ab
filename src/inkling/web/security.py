"""Session cookies, CSRF tokens, the current user of a request, and request-body limits.

Sessions: the cookie ``inkling_session`` holds a random token (HttpOnly, SameSite=Lax, Secure in
production); the database keeps only its sha256 (``web_sessions``). Cookies are never set on a
response directly: :func:`queue_cookie` records them on the request and :class:`CookieMiddleware`
adds them to whatever response goes out (a template, a redirect or JSON).

CSRF — how to protect your own POST/PUT/PATCH/DELETE endpoint::

    from inkling.web.deps import CsrfProtect, PlayerDep

    @router.post("/games", dependencies=[CsrfProtect])   # or router-wide: APIRouter(dependencies=[...])
    def start_game(player: PlayerDep, ...): ...

Put it in ``dependencies=[...]`` so it runs before anything else (a refused request stores nothing).
The check (:func:`check_csrf`):

* HTML forms (``application/x-www-form-urlencoded`` or ``multipart/form-data``) must carry the token
  in a hidden field: ``<input type="hidden" name="csrf_token" value="{{ csrf_token }}">`` (every
  template gets ``csrf_token`` and ``current_user``). Without a session the token is tied to a random
  ``inkling_csrf`` cookie instead, so log-in and sign-up forms are protected too.
* Other requests (JSON from our JS) that come with a valid session cookie must send the header
  ``X-CSRF-Token``; JS reads it from ``<meta name="csrf-token">`` in ``base.html``. Requests without
  a session cookie carry no ambient authority and need no token.

A failed check raises :class:`CsrfError` (403): an HTML page for form posts, JSON ``{"detail": ...}``
otherwise. The token is ``HMAC-SHA256(settings.secret_key, session.csrf_secret)``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from fastapi import HTTPException, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from inkling.db.models import User, WebSession
from inkling.services import accounts
from inkling.settings import Settings
from inkling.web.uploads import media_type

SESSION_COOKIE = "inkling_session"
CSRF_COOKIE = "inkling_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
CSRF_MESSAGE = (
    "This form has expired or did not come from Inkling (missing or invalid CSRF token). "
    "Reload the page and try again."
)
_STATE_KEY = "inkling_auth"
_COOKIES_KEY = "inkling_cookies"


class CsrfError(HTTPException):
    """A state-changing request without a valid CSRF token (403)."""

    def __init__(self) -> None:
        super().__init__(status_code=403, detail=CSRF_MESSAGE)


@dataclass
class RequestAuth:
    """What one request knows about its session: the incoming one, and one issued during the request."""

    incoming: WebSession | None = None
    issued: WebSession | None = None
    user: User | None = None
    wrote: bool = False  # loading it wrote its row (expiry slid, or an expired row deleted)


# --- cookies -------------------------------------------------------------------------------------


def queue_cookie(request: Request, name: str, value: str | None, settings: Settings, max_age: int) -> None:
    """Set (or, with ``value=None``, delete) a cookie on this request's response, whatever it is."""
    carrier = Response()
    secure = settings.environment == "production"
    if value is None:
        carrier.delete_cookie(name, path="/", secure=secure, httponly=True, samesite="lax")
    else:
        carrier.set_cookie(
            name, value, max_age=max_age, path="/", secure=secure, httponly=True, samesite="lax"
        )
    header = carrier.headers["set-cookie"]
    request.scope.setdefault("state", {}).setdefault(_COOKIES_KEY, {})[name] = header


def set_session_cookie(request: Request, token: str, settings: Settings) -> None:
    """Give the browser the session token (HttpOnly, SameSite=Lax, Secure in production)."""
    max_age = int(accounts.SESSION_LIFETIME.total_seconds())
    queue_cookie(request, SESSION_COOKIE, token, settings, max_age)


def clear_session_cookie(request: Request, settings: Settings) -> None:
    """Make the browser forget its session token."""
    queue_cookie(request, SESSION_COOKIE, None, settings, 0)


class CookieMiddleware:
    """Adds the cookies queued with :func:`queue_cookie` to the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add queued ``Set-Cookie`` headers when the response starts."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})

        async def send_with_cookies(message: Message) -> None:
            if message["type"] == "http.response.start":
                cookies = state.get(_COOKIES_KEY) or {}
                if cookies:
                    headers = list(message.get("headers", []))
                    headers += [(b"set-cookie", value.encode("latin-1")) for value in cookies.values()]
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_cookies)


class BodyLimitMiddleware:
    """Refuses request bodies over a limit (413) on the listed path prefixes, before they are read."""

    def __init__(self, app: ASGIApp, limits: dict[str, int]) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check ``Content-Length`` up front and count streamed bytes as they arrive."""
        limit = self._limit_for(scope)
        if limit is None:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        length = headers.get(b"content-length", b"").decode("latin-1")
        if length.isdigit() and int(length) > limit:
            await _too_large(limit)(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(status_code=413, detail=_too_large_text(limit))
            return message

        await self.app(scope, counting_receive, send)

    def _limit_for(self, scope: Scope) -> int | None:
        if scope["type"] != "http":
            return None
        path = scope.get("path", "")
        matches = [limit for prefix, limit in self.limits.items() if path.startswith(prefix)]
        return min(matches) if matches else None


def _too_large_text(limit: int) -> str:
    return f"Request body too large (limit {limit // 1024} KB)."


def _too_large(limit: int) -> Response:
    return JSONResponse({"detail": _too_large_text(limit)}, status_code=413)


# --- the session of a request --------------------------------------------------------------------


def request_auth(request: Request) -> RequestAuth | None:
    """The session state loaded for this request so far (``None`` before :func:`load_auth`)."""
    return request.scope.setdefault("state", {}).get(_STATE_KEY)


def load_auth(request: Request, db: Session, settings: Settings, now: datetime) -> RequestAuth:
    """Load (once per request) the session named by the incoming cookie; slide its expiry."""
    auth = request_auth(request)
    if auth is not None:
        return auth
    auth = RequestAuth()
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        record, slid = accounts.load_session(db, token, now=now)
        if record is None:
            clear_session_cookie(request, settings)
            auth.wrote = True  # an expired row may have been deleted
        else:
            auth.incoming, auth.user = record, record.user
            if slid:
                set_session_cookie(request, token, settings)
                auth.wrote = True
    request.scope["state"][_STATE_KEY] = auth
    return auth


def start_session(request: Request, db: Session, settings: Settings, user: User, now: datetime) -> WebSession:
    """Log ``user`` in on this request: drop the old session (no fixation), issue a new one and its cookie.

    A guest who logs in to an account brings along what they played (``accounts.merge_guest``).
    """
    auth = load_auth(request, db, settings, now)
    accounts.end_session(db, auth.issued or auth.incoming)
    if auth.user is not None:  # merge_guest itself only acts on a guest logging in to another account
        accounts.merge_guest(db, auth.user, user)
    accounts.prune_sessions(db, now=now)  # expired rows of everyone, cheap on the expires_at index
    issued = accounts.issue_session(db, user, now=now, user_agent=request.headers.get("user-agent"))
    set_session_cookie(request, issued.token, settings)
    auth.issued, auth.user = issued.record, user
    return issued.record


def end_request_session(request: Request, db: Session, settings: Settings, now: datetime) -> None:
    """Log out: delete this request's session row and clear the cookie."""
    auth = load_auth(request, db, settings, now)
    accounts.end_session(db, auth.issued or auth.incoming)
    auth.incoming = auth.issued = auth.user = None
    clear_session_cookie(request, settings)


def current_session(request: Request) -> WebSession | None:
    """The session in force on this request: one issued during it, else the incoming one."""
    auth = request_auth(request)
    return None if auth is None else auth.issued or auth.incoming


# --- CSRF ----------------------------------------------------------------------------------------


def _sign(secret: str, settings: Settings) -> str:
    return hmac.new(settings.secret_key.encode(), secret.encode(), hashlib.sha256).hexdigest()


def _anonymous_secret(request: Request, settings: Settings, create: bool) -> str | None:
    """The random value of the ``inkling_csrf`` cookie (queued when missing and ``create``)."""
    value = request.cookies.get(CSRF_COOKIE)
    if value and 16 <= len(value) <= 128:
        return value
    state = request.scope.setdefault("state", {})
    if "inkling_csrf_new" in state:
        return state["inkling_csrf_new"]
    if not create:
        return None
    value = secrets.token_urlsafe(32)
    state["inkling_csrf_new"] = value
    queue_cookie(
        request, CSRF_COOKIE, value, settings, max_age=int(accounts.SESSION_LIFETIME.total_seconds())
    )
    return value


def csrf_token(request: Request, settings: Settings) -> str:
    """The CSRF token for forms and the ``X-CSRF-Token`` header on this request's pages."""
    record = current_session(request)
    if record is not None:
        return _sign(record.csrf_secret, settings)
    return _sign("anonymous:" + (_anonymous_secret(request, settings, create=True) or ""), settings)


def session_csrf_token(record: WebSession, settings: Settings) -> str:
    """The CSRF token of a session (what API log-in and sign-up return)."""
    return _sign(record.csrf_secret, settings)


def is_form(request: Request) -> bool:
    """Whether the request body is an HTML form submission."""
    return media_type(request) in FORM_TYPES


async def check_csrf(request: Request, auth: RequestAuth, settings: Settings) -> None:
    """Raise :class:`CsrfError` unless the request may change state (rules in the module docstring).

    ``auth`` is the request's session, loaded beforehand in the thread pool: this coroutine runs on
    the event loop and touches no database.
    """
    if request.method in SAFE_METHODS:
        return
    submitted = request.headers.get(CSRF_HEADER)
    if is_form(request):
        if submitted is None:
            form = await request.form()
            value = form.get(CSRF_FIELD)
            submitted = value if isinstance(value, str) else None
        if auth.incoming is not None:
            expected = _sign(auth.incoming.csrf_secret, settings)
        else:
            secret = _anonymous_secret(request, settings, create=False)
            expected = _sign("anonymous:" + secret, settings) if secret else None
    elif auth.incoming is not None:
        expected = _sign(auth.incoming.csrf_secret, settings)
    else:
        return  # no cookie authority: nothing to forge
    if not submitted or expected is None or not hmac.compare_digest(submitted, expected):
        raise CsrfError


# --- redirects -----------------------------------------------------------------------------------


def safe_next(target: str | None, default: str = "/") -> str:
    """``target`` when it is a local path on this site (``/play?x=1``), else ``default``: no open redirect."""
    if not target or len(target) > 2048:
        return default
    if any(ch in target for ch in "\\\r\n\t") or not target.startswith("/") or target.startswith("//"):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def template_context(request: Request) -> dict[str, Any]:
    """Jinja context for every page: ``current_user`` and ``csrf_token`` (loads the session if needed)."""
    app_state = request.app.state
    settings: Settings = app_state.settings
    if request_auth(request) is None:
        with app_state.sessions() as db:
            load_auth(request, db, settings, now_of(request))
            db.commit()
    auth = request_auth(request)
    return {"current_user": auth.user if auth else None, "csrf_token": csrf_token(request, settings)}


def now_of(request: Request) -> datetime:
    """The time for this request: ``app.state.clock()`` (tests move it), else the real UTC time."""
    clock = getattr(request.app.state, "clock", None)
    return clock() if clock is not None else datetime.now(UTC)
