"""Dependencies shared by routers: settings, a database session, the clock, the current user, CSRF.

* ``SessionDep`` — the database session of the request (committed when the handler succeeds).
* ``CurrentUserDep`` — the user of the session cookie (account or guest), or ``None``.
* ``CurrentUser`` — a logged-in account; 401 for anonymous requests and guests.
* ``PlayerDep`` — whoever plays: the logged-in user, or a guest created on first need (its session
  cookie is set on the response and the guest row is committed at once). Results stored under
  ``player.id`` follow the guest into the account when it signs up.
* ``AuthDep`` — the request's session state (``RequestAuth``), loaded in the thread pool.
* ``CsrfProtect`` — put in ``dependencies=[CsrfProtect]`` of every state-changing route (or
  ``CsrfDep`` as a parameter); rules in :mod:`inkling.web.security`.
* ``NowDep`` — the request's time (tests replace ``app.state.clock``); ``ClientIpDep``; ``HasherDep``.
* ``PredictorsDep`` — the app's ``PredictorProvider``: ``.get("doodle", name=None)`` gives the active
  (or a named) model's predictor, swapped without a restart when another model is activated.

Dependencies that only read the request or the app's state are ``async def``: they run on the event
loop without a hop to the thread pool (a live-ink request took eight hops; each costs a queue hand-off
and a fight for the GIL). Anything that touches the database stays a plain ``def``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from argon2 import PasswordHasher
from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from inkling.db.models import User
from inkling.services import accounts
from inkling.services.models import PredictorProvider
from inkling.services.passwords import hasher_for
from inkling.settings import Settings
from inkling.web.security import RequestAuth, check_csrf, load_auth, now_of, start_session


async def get_app_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    """A database session for one request, committed when the handler succeeds."""
    with request.app.state.sessions() as session:
        yield session
        session.commit()


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
# scope="function": the commit runs before the response is sent, so a failed commit answers 503
# (inkling.web.outage) instead of a 200 for data that was never stored
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


async def get_now(request: Request) -> datetime:
    """The time of this request, from the app's clock."""
    return now_of(request)


async def get_password_hasher(settings: SettingsDep) -> PasswordHasher:
    """argon2id; cheap parameters only when ``environment`` is ``test``."""
    return hasher_for(settings.environment)


async def get_predictors(request: Request) -> PredictorProvider:
    """The app's cache of predictors (``app.state.predictors``, bound to the app's database)."""
    return request.app.state.predictors


async def get_restore_predictors(request: Request) -> PredictorProvider:
    """The app's cache of restore predictors (``app.state.restore_predictors``: more threads per call)."""
    return request.app.state.restore_predictors


NowDep = Annotated[datetime, Depends(get_now)]
PredictorsDep = Annotated[PredictorProvider, Depends(get_predictors)]
RestorePredictorsDep = Annotated[PredictorProvider, Depends(get_restore_predictors)]
HasherDep = Annotated[PasswordHasher, Depends(get_password_hasher)]


async def get_client_ip(request: Request) -> str:
    """The client's address: the peer's (behind a proxy, see ``inkling serve --forwarded-allow-ips``)."""
    return request.client.host if request.client else "unknown"


def get_request_auth(
    request: Request, session: SessionDep, settings: SettingsDep, now: NowDep
) -> RequestAuth:
    """The request's session (a plain ``def``: FastAPI runs it in the thread pool, off the event loop).

    When loading it wrote the session row (a slid expiry, every few minutes), the transaction is
    committed at once, so the row's lock is not held for the rest of the request. Otherwise the
    request goes on in the same transaction and connection: no second pool check-out (and ping).
    """
    auth = load_auth(request, session, settings, now)
    if auth.wrote:
        session.commit()
    return auth


AuthDep = Annotated[RequestAuth, Depends(get_request_auth)]


async def verify_csrf(request: Request, auth: AuthDep, settings: SettingsDep) -> None:
    """403 unless the request carries a valid CSRF token (see ``inkling.web.security``); no database."""
    await check_csrf(request, auth, settings)


async def get_current_user(auth: AuthDep) -> User | None:
    """The user (account or guest) of the request's session cookie, or ``None``."""
    return auth.user


async def require_account(user: Annotated[User | None, Depends(get_current_user)]) -> User:
    """The logged-in account; 401 for guests and anonymous requests."""
    if user is None or user.is_guest:
        raise HTTPException(status_code=401, detail="Log in first.")
    return user


def get_player(request: Request, session: SessionDep, settings: SettingsDep, now: NowDep) -> User:
    """The logged-in user, or a guest created now (with its session cookie) and committed at once."""
    auth = load_auth(request, session, settings, now)
    if auth.user is not None:
        return auth.user
    guest = accounts.create_guest(session, now=now)
    start_session(request, session, settings, guest, now)
    session.commit()
    return guest


CsrfProtect = Depends(verify_csrf)
CsrfDep = Annotated[None, CsrfProtect]
ClientIpDep = Annotated[str, Depends(get_client_ip)]
CurrentUserDep = Annotated[User | None, Depends(get_current_user)]
CurrentUser = Annotated[User, Depends(require_account)]
PlayerDep = Annotated[User, Depends(get_player)]
