"""The captcha: ``POST /api/v1/captcha`` issues a digit to draw, ``.../{id}/solve`` checks the drawing;
``POST /api/v1/captcha/work`` issues a proof of work instead (no drawing), ``.../{id}/work`` checks it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from inkling.registry import ModelNotFoundError
from inkling.services.captcha import CaptchaError, issue_challenge, solve_challenge
from inkling.services.captcha_work import MAX_NONCE_LENGTH, issue_work, solve_work
from inkling.services.digits import digit_predictor
from inkling.web.api.errors import ANY_REQUEST, ErrorPublic, error_responses
from inkling.web.api.fields import StrictBody, UtcDatetime
from inkling.web.deps import CsrfProtect, NowDep, PredictorsDep, SessionDep

# CSRF: with a session cookie (a guest turning into an account) the page sends its X-CSRF-Token
router = APIRouter(
    prefix="/api/v1/captcha",
    tags=["captcha"],
    dependencies=[CsrfProtect],
    responses={**ANY_REQUEST, **error_responses(403)},
)


class CaptchaChallengePublic(BaseModel):
    """A challenge: its id (a secret token, keep it), the digit to draw and when it expires."""

    id: str
    digit: int
    prompt: str
    expires_at: UtcDatetime


class CaptchaSolve(StrictBody):
    """The drawing, as raw ink with times: ``[[xs, ys, ts], ...]``."""

    ink: list[Any]


class WorkChallengePublic(BaseModel):
    """A proof of work: find a ``nonce`` whose SHA-256(``{id}:{nonce}``) starts with ``bits`` zero bits."""

    id: str
    bits: int
    prompt: str
    expires_at: UtcDatetime


class WorkSolve(StrictBody):
    """The nonce the page found."""

    nonce: str = Field(min_length=1, max_length=MAX_NONCE_LENGTH)


class CaptchaPassPublic(BaseModel):
    """A one-time pass for sign-up, and its expiry."""

    captcha_pass: str
    expires_at: UtcDatetime


class CaptchaErrorPublic(ErrorPublic):
    """A refused challenge or solve: the message and a stable ``reason`` code (``rate_limited``, ...)."""

    reason: str


def client_key(request: Request) -> str:
    """Who is asking, for rate limits: the peer address (behind a proxy, the proxy's unless configured)."""
    host = request.client.host if request.client else "unknown"
    return f"ip:{host}"


def _refusal(error: CaptchaError) -> JSONResponse:
    return JSONResponse({"detail": str(error), "reason": error.reason}, status_code=error.status)


@router.post(
    "",
    response_model=CaptchaChallengePublic,
    status_code=201,
    responses={
        **error_responses(413),
        **error_responses(
            429,
            described={429: "Too many challenges or failures from this address"},
            model=CaptchaErrorPublic,
        ),
    },
)
def new_challenge(request: Request, session: SessionDep, now: NowDep) -> Any:
    """Issue a challenge: a random digit to draw within a few minutes."""
    try:
        issued = issue_challenge(session, client_key(request), now=now)
    except CaptchaError as error:
        return _refusal(error)
    return CaptchaChallengePublic(
        id=issued.token,
        digit=issued.digit,
        prompt=f"Draw the digit {issued.digit}",
        expires_at=issued.expires_at,
    )


@router.post(
    "/{challenge_id}/solve",
    response_model=CaptchaPassPublic,
    responses={
        **error_responses(413, 422, described={422: "Invalid request, or a drawing not of the digit"}),
        **error_responses(
            404,
            409,
            410,
            429,
            described={
                404: "No such challenge",
                409: "The challenge was already solved",
                410: "The challenge expired",
                429: "Too many failed attempts on the challenge or from this address",
            },
            model=CaptchaErrorPublic,
        ),
    },
)
def solve(
    challenge_id: str, body: CaptchaSolve, session: SessionDep, provider: PredictorsDep, now: NowDep
) -> Any:
    """Check a timed drawing of the challenge's digit; answer a one-time captcha pass.

    A plain ``def``: FastAPI runs it in the thread pool, so the database and the model stay off the loop.
    """
    try:
        predictor = digit_predictor(session, provider)
    except ModelNotFoundError as error:
        return JSONResponse({"detail": str(error), "reason": "no_model"}, status_code=503)
    try:
        solved = solve_challenge(session, challenge_id, body.ink, predictor, now=now)
    except CaptchaError as error:
        session.commit()  # failed attempts count even though the request fails
        return _refusal(error)
    return CaptchaPassPublic(captcha_pass=solved.pass_token, expires_at=solved.expires_at)


RATE_LIMITED = error_responses(
    429, described={429: "Too many challenges or failures from this address"}, model=CaptchaErrorPublic
)


@router.post(
    "/work",
    response_model=WorkChallengePublic,
    status_code=201,
    responses={**error_responses(413), **RATE_LIMITED},
)
def new_work(request: Request, session: SessionDep, now: NowDep) -> Any:
    """Issue the captcha without drawing: a proof of work the page solves (keyboard and screen readers)."""
    try:
        issued = issue_work(session, client_key(request), now=now)
    except CaptchaError as error:
        return _refusal(error)
    prompt = f"Find a nonce: SHA-256('{issued.token}:' + nonce) must start with {issued.bits} zero bits"
    return WorkChallengePublic(id=issued.token, bits=issued.bits, prompt=prompt, expires_at=issued.expires_at)


@router.post(
    "/{challenge_id}/work",
    response_model=CaptchaPassPublic,
    responses={
        **error_responses(413, 422, described={422: "Invalid request, or a nonce that does not solve it"}),
        **error_responses(
            404,
            409,
            410,
            429,
            described={
                404: "No such challenge",
                409: "The challenge was already solved, or asks for a drawing",
                410: "The challenge expired",
                429: "Too many failed attempts on the challenge or from this address",
            },
            model=CaptchaErrorPublic,
        ),
    },
)
def solve_work_route(challenge_id: str, body: WorkSolve, session: SessionDep, now: NowDep) -> Any:
    """Check the page's proof of work; answer a one-time captcha pass (sign-up takes it like a drawn one)."""
    try:
        solved = solve_work(session, challenge_id, body.nonce, now=now)
    except CaptchaError as error:
        session.commit()  # failed attempts count even though the request fails
        return _refusal(error)
    return CaptchaPassPublic(captcha_pass=solved.pass_token, expires_at=solved.expires_at)
