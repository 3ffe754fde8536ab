"""Accounts over JSON: sign up, log in, log out, who am I, start a guest session."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from inkling.db.models import User
from inkling.services import accounts
from inkling.web.api.errors import ANY_REQUEST, error_responses
from inkling.web.api.fields import StrictBody, UtcDatetime
from inkling.web.deps import (
    ClientIpDep,
    CsrfProtect,
    CurrentUserDep,
    HasherDep,
    NowDep,
    SessionDep,
    SettingsDep,
)
from inkling.web.security import end_request_session, load_auth, session_csrf_token, start_session

router = APIRouter(prefix="/api/v1/auth", tags=["auth"], dependencies=[CsrfProtect], responses=ANY_REQUEST)
# every POST here: the CSRF check (403) and the account routes' body limit (413)
POST_ERRORS = error_responses(403, 413)

# generous outer bounds (422 past them); the real rules answer 400 with a message
NAME_LIMIT = 256
SECRET_LIMIT = 1024


class CaptchaAnswer(StrictBody):
    """A solved sign-up captcha: the one-time ``captcha_pass`` from ``POST /api/v1/captcha/{id}/solve``."""

    model_config = ConfigDict(extra="forbid")

    captcha_pass: str = Field(max_length=accounts.CAPTCHA_PASS_MAX_LENGTH)


class UserCreate(StrictBody):
    """A sign-up: username (3 to 32 of ``A-Za-z0-9_.-``), password (8 to 128), optional email, captcha."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(max_length=NAME_LIMIT)
    password: str = Field(max_length=SECRET_LIMIT)
    email: str | None = Field(default=None, max_length=NAME_LIMIT)
    # required unless INKLING_CAPTCHA_REQUIRED=false: {"captcha_pass": "..."} from a solved challenge
    captcha: CaptchaAnswer | None = Field(
        default=None,
        description='A solved captcha: `{"captcha_pass": ...}` from `POST /api/v1/captcha/{id}/solve`; '
        "required unless the server runs with INKLING_CAPTCHA_REQUIRED=false. A pass is single-use.",
    )


class UserLogin(StrictBody):
    """Log-in credentials."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(max_length=NAME_LIMIT)
    password: str = Field(max_length=SECRET_LIMIT)


class UserPublic(BaseModel):
    """A user as the outside world sees it (never the password hash or email)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    is_guest: bool
    created_at: UtcDatetime


class SessionPublic(BaseModel):
    """A started session: the user and the CSRF token to send as ``X-CSRF-Token``."""

    user: UserPublic
    csrf_token: str


def _refusal(error: accounts.AccountError) -> HTTPException:
    headers: dict[str, Any] | None = None
    if isinstance(error, accounts.TooManyAttempts):
        headers = {"Retry-After": str(error.retry_after)}
    return HTTPException(status_code=error.status_code, detail=str(error), headers=headers)


def _session_public(
    request: Request, session: SessionDep, settings: SettingsDep, user: User, now: datetime
) -> SessionPublic:
    record = start_session(request, session, settings, user, now)
    session.commit()
    return SessionPublic(
        user=UserPublic.model_validate(user), csrf_token=session_csrf_token(record, settings)
    )


@router.post(
    "/signup",
    response_model=SessionPublic,
    status_code=status.HTTP_201_CREATED,
    responses={
        **POST_ERRORS,
        **error_responses(
            400,
            409,
            422,
            described={
                400: "A rule is broken, the captcha pass is missing, invalid, expired or used, "
                "or a NUL character",
                409: "Username or email taken",
            },
        ),
    },
)
def signup(
    body: UserCreate,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    hasher: HasherDep,
    now: NowDep,
) -> SessionPublic:
    """Create an account and log in; from a guest session the guest (same id, same results) becomes it.

    Needs ``captcha`` (a pass from solving ``POST /api/v1/captcha``) unless the captcha is turned off.
    """
    current = load_auth(request, session, settings, now).user
    guest = current if current is not None and current.is_guest else None
    try:
        user = accounts.signup(
            session,
            hasher,
            username=body.username,
            password=body.password,
            email=body.email,
            guest=guest,
            captcha=body.captcha.model_dump() if body.captcha is not None else None,
            captcha_required=settings.captcha_required,
            now=now,
        )
    except accounts.AccountError as error:
        session.rollback()
        raise _refusal(error) from error
    return _session_public(request, session, settings, user, now)


@router.post(
    "/login",
    response_model=SessionPublic,
    responses={
        **POST_ERRORS,
        **error_responses(401, 422, 429, described={401: "Wrong username or password"}),
    },
)
def login(
    body: UserLogin,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    hasher: HasherDep,
    now: NowDep,
    client_ip: ClientIpDep,
) -> SessionPublic:
    """Log in (5 failures per username, 20 per address in 15 minutes, then 429 with Retry-After)."""
    try:
        user = accounts.authenticate(
            session, hasher, username=body.username, password=body.password, client_ip=client_ip, now=now
        )
    except accounts.AccountError as error:
        session.commit()  # the failed attempt must count
        raise _refusal(error) from error
    return _session_public(request, session, settings, user, now)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, responses=POST_ERRORS)
def logout(request: Request, session: SessionDep, settings: SettingsDep, now: NowDep) -> Response:
    """End the session (its row is deleted) and clear the cookie."""
    end_request_session(request, session, settings, now)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=UserPublic, responses=error_responses(401, described={401: "No session"}))
def me(user: CurrentUserDep) -> UserPublic:
    """The user of the session cookie (an account or a guest)."""
    if user is None:
        raise HTTPException(status_code=401, detail="Not logged in.")
    return UserPublic.model_validate(user)


@router.post(
    "/guest",
    response_model=SessionPublic,
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"model": SessionPublic, "description": "A session was already there: its user and token"},
        **POST_ERRORS,
    },
)
def guest(
    request: Request, response: Response, session: SessionDep, settings: SettingsDep, now: NowDep
) -> SessionPublic:
    """Start a guest session (201); with a session already, answer its user and token (200)."""
    auth = load_auth(request, session, settings, now)
    if auth.user is not None and auth.incoming is not None:
        response.status_code = status.HTTP_200_OK
        return SessionPublic(
            user=UserPublic.model_validate(auth.user), csrf_token=session_csrf_token(auth.incoming, settings)
        )
    user = accounts.create_guest(session, now=now)
    return _session_public(request, session, settings, user, now)
