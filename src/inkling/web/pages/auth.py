"""Sign-up, log-in and log-out pages (HTML forms with CSRF tokens)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from inkling.services import accounts
from inkling.services.passwords import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH
from inkling.web.deps import (
    ClientIpDep,
    CsrfProtect,
    CurrentUserDep,
    HasherDep,
    NowDep,
    SessionDep,
    SettingsDep,
)
from inkling.web.security import end_request_session, load_auth, safe_next, start_session
from inkling.web.templating import templates

router = APIRouter(tags=["pages"], include_in_schema=False)

# outer bounds of form fields (the body limit is 64 KB anyway); the rules give clearer messages
FieldText = Annotated[str, Form(max_length=1024)]
OptionalText = Annotated[str, Form(max_length=1024)]


async def captcha_fields(request: Request) -> dict[str, str]:
    """The form fields named ``captcha*``: what the sign-up captcha hook (``verify_captcha``) receives."""
    form = await request.form()
    return {key: value for key, value in form.items() if key.startswith("captcha") and isinstance(value, str)}


CaptchaFields = Annotated[dict[str, str], Depends(captcha_fields)]


def _form(request: Request, name: str, status_code: int = 200, **context: object) -> HTMLResponse:
    context.setdefault("error", None)
    context.setdefault("next", "/")
    context.setdefault("captcha_pass", "")
    context.update(password_min=PASSWORD_MIN_LENGTH, password_max=PASSWORD_MAX_LENGTH)
    context.update(captcha_required=request.app.state.settings.captcha_required)
    headers = context.pop("headers", None)
    return templates.TemplateResponse(
        request, f"auth/{name}.html", context, status_code=status_code, headers=headers
    )


def _refused(request: Request, name: str, error: accounts.AccountError, **context: object) -> HTMLResponse:
    headers = None
    if isinstance(error, accounts.TooManyAttempts):
        headers = {"Retry-After": str(error.retry_after)}
    return _form(request, name, error.status_code, error=str(error), headers=headers, **context)


@router.get("/signup", response_class=HTMLResponse)
def signup_form(request: Request, user: CurrentUserDep, next: str = "/") -> Response:
    """The sign-up form (a guest who signs up keeps its results)."""
    if user is not None and not user.is_guest:
        return RedirectResponse(safe_next(next), status_code=303)
    return _form(request, "signup", next=safe_next(next), username="", email="")


@router.post("/signup", dependencies=[CsrfProtect])
def signup(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    hasher: HasherDep,
    now: NowDep,
    captcha: CaptchaFields,
    username: FieldText = "",
    password: FieldText = "",
    password_confirm: OptionalText = "",
    email: OptionalText = "",
    next: OptionalText = "/",
) -> Response:
    """Create the account (or convert the guest), log in, and go to ``next``."""
    target = safe_next(next)
    echo: dict[str, object] = {"username": username, "email": email, "next": target}
    current = load_auth(request, session, settings, now).user
    guest = current if current is not None and current.is_guest else None
    try:
        if password != password_confirm:
            raise accounts.InvalidInput("The two passwords do not match.")
        user = accounts.signup(
            session,
            hasher,
            username=username,
            password=password,
            email=email,
            guest=guest,
            captcha=captcha,
            captcha_required=settings.captcha_required,
            now=now,
        )
    except accounts.AccountError as error:
        session.rollback()  # an unused captcha pass stays valid: hand it back unless it was the problem
        if not isinstance(error, accounts.CaptchaRefused):
            handed_back = captcha.get(accounts.CAPTCHA_PASS_FIELD, "")
            echo["captcha_pass"] = handed_back if len(handed_back) <= accounts.CAPTCHA_PASS_MAX_LENGTH else ""
        return _refused(request, "signup", error, **echo)
    start_session(request, session, settings, user, now)
    session.commit()
    return RedirectResponse(target, status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, user: CurrentUserDep, next: str = "/") -> Response:
    """The log-in form."""
    if user is not None and not user.is_guest:
        return RedirectResponse(safe_next(next), status_code=303)
    return _form(request, "login", next=safe_next(next), username="")


@router.post("/login", dependencies=[CsrfProtect])
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    hasher: HasherDep,
    now: NowDep,
    client_ip: ClientIpDep,
    username: FieldText = "",
    password: FieldText = "",
    next: OptionalText = "/",
) -> Response:
    """Check the credentials (rate-limited), start a fresh session, and go to ``next``."""
    target = safe_next(next)
    try:
        user = accounts.authenticate(
            session, hasher, username=username, password=password, client_ip=client_ip, now=now
        )
    except accounts.AccountError as error:
        session.commit()  # the failed attempt must count
        return _refused(request, "login", error, username=username, next=target)
    start_session(request, session, settings, user, now)
    session.commit()
    return RedirectResponse(target, status_code=303)


@router.post("/logout", dependencies=[CsrfProtect])
def logout(request: Request, session: SessionDep, settings: SettingsDep, now: NowDep) -> Response:
    """End the session and go home."""
    end_request_session(request, session, settings, now)
    session.commit()
    return RedirectResponse("/", status_code=303)
