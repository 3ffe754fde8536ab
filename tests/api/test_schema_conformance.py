"""Every API operation, fuzzed by schemathesis from the app's own OpenAPI document, keeps its word.

Each operation gets a fixed, derandomised budget of generated requests, valid and invalid, sent
anonymously and from a logged-in account (a fresh session cookie and its ``X-CSRF-Token`` per request,
since fuzzed log-ins, sign-ups and log-outs end the session they run in). No answer may be a 5xx, and
every answer must have a documented status, content type, headers and body shape.

The operations run one after another on one database, so later ones meet the games, rounds and
drawings the earlier ones made. No operation is left out: the restore upload is fuzzed too (the
pictures generated are tiny, so its budget costs little). schemathesis' own ``from_fixture`` runner
needs pytest internals that pytest 9 no longer has, so the loop over operations is written out here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.case import Case
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Engine

from inkling.db.engine import session_scope
from inkling.services import accounts
from inkling.services.models import load_shipped_models
from inkling.services.passwords import hasher_for
from inkling.settings import Settings
from inkling.web.security import CSRF_HEADER, SESSION_COOKIE, session_csrf_token
from tests.api.auth_support import GOOD_PASSWORD

EXAMPLES = 15  # generated requests per operation, mode and caller: the whole run stays under a minute
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,  # the same requests on every run: CI is reproducible
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


Sent = tuple[dict[str, str], dict[str, str]]  # the headers and the cookies a request carries
Credentials = Callable[[], Sent]


def _account_session(engine: Engine, settings: Settings, username: str) -> Sent:
    """A new session of ``username`` (signed up on first use): its CSRF header and its session cookie."""
    now = datetime.now(UTC)
    with session_scope(engine) as session:
        user = accounts.find_user(session, username) or accounts.signup(
            session,
            hasher_for(settings.environment),
            username=username,
            password=GOOD_PASSWORD,
            captcha_required=False,
            now=now,
        )
        issued = accounts.issue_session(session, user, now=now)
        token = session_csrf_token(issued.record, settings)
    return {CSRF_HEADER: token}, {SESSION_COOKIE: issued.token}


def _credentials(caller: str, engine: Engine, settings: Settings) -> Credentials:
    """What each request of ``caller`` carries: nothing, or a fresh session of the account ``fuzzer``."""
    if caller == "anonymous":
        return lambda: ({}, {})
    return lambda: _account_session(engine, settings, "fuzzer")


def _modes(operation: APIOperation) -> list[GenerationMode]:
    """Valid requests, and invalid ones where the operation takes any input to get wrong."""
    takes_input = any(True for _ in operation.iter_parameters()) or len(operation.body) > 0
    return list(GenerationMode) if takes_input else [GenerationMode.POSITIVE]


def _described(error: BaseException) -> str:
    """The error and, for a group (hypothesis' flaky failures, schemathesis' failures), each one in it."""
    if not isinstance(error, BaseExceptionGroup):
        return f"{type(error).__name__}: {error}"
    return f"{error}\n" + "\n".join(_described(inner) for inner in error.exceptions)


def _fuzz(operation: APIOperation, mode: GenerationMode, credentials: Credentials) -> None:
    """Send ``EXAMPLES`` generated requests of ``mode`` to ``operation``; check each answer."""

    @FUZZ
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Case) -> None:
        headers, cookies = credentials()
        case.call_and_validate(headers=headers, cookies=cookies, checks=CHECKS)

    run()


@pytest.mark.parametrize("caller", ["anonymous", "account"])
def test_every_operation_keeps_its_documented_contract(
    client: TestClient, engine: Engine, caller: str
) -> None:
    with session_scope(engine) as session:
        load_shipped_models(session)
    credentials = _credentials(caller, engine, client.app.state.settings)
    api = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) == sum(len(methods) for methods in client.app.openapi()["paths"].values())
    failures = []
    for operation in operations:
        for mode in _modes(operation):
            try:
                _fuzz(operation, mode, credentials)
            except (Exception, FailureGroup) as error:  # every operation runs; all failures are reported
                failures.append(f"{operation.label} ({mode.value}): {_described(error)}")
    assert not failures, "\n\n".join(failures)
