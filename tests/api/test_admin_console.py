"""Admin console and API: refused without the role, actions audited; players' reports hide drawings."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine, select

from inkling.db.engine import session_scope
from inkling.db.models import Drawing, RegisteredModel
from inkling.db.moderation_models import AdminAudit, DrawingReport
from inkling.registry import get_active
from inkling.services.models import load_shipped_models
from inkling.services.roles import Role, set_role
from inkling.web.api import admin as admin_api
from inkling.web.pages import admin as admin_pages
from tests import play_factories as make
from tests.api.auth_support import TOKEN_FIELD, api_signup, form_token
from tests.api.auth_support import client as client  # the fixture: sign-up without the captcha

ADMIN_PREFIXES = ("/admin", "/api/v1/admin")


class Caller:
    """A browser of one identity: its client and the CSRF token its forms and JSON carry."""

    def __init__(self, client: TestClient, token: str) -> None:
        self.client, self.token = client, token

    def send(self, method: str, path: str, body: dict[str, str]) -> Response:
        """GET, a form POST to a page, or a JSON POST to the API, with this caller's CSRF token."""
        if method == "GET":
            return self.client.get(path, follow_redirects=False)
        if path.startswith("/api/"):
            return self.client.post(
                path, json=body, headers={"X-CSRF-Token": self.token}, follow_redirects=False
            )
        return self.client.post(path, data={**body, "csrf_token": self.token}, follow_redirects=False)


@pytest.fixture
def world(client: TestClient, engine: Engine) -> Iterator[dict[str, object]]:
    """Shipped models, a reported drawing, and three callers: anonymous, a player and an admin."""
    callers = {}
    for name in ("player", "root"):
        browser = TestClient(client.app)
        callers[name] = Caller(browser, api_signup(browser, name).json()["csrf_token"])
    anonymous = TestClient(client.app)
    callers["anonymous"] = Caller(anonymous, form_token(anonymous, "/login"))  # the pre-session token
    with session_scope(engine) as session:
        load_shipped_models(session)
        set_role(session, "root", Role.ADMIN)
        cat = make.word(session, "cat")
        drawing = make.drawing(session, cat, source="collect")
        challenger = session.scalars(
            select(RegisteredModel).where(
                RegisteredModel.task == "doodle", RegisteredModel.is_active.is_(False)
            )
        ).first()
        assert challenger is not None
        ids = {"drawing": drawing.id, "model": challenger.id}
    reported = callers["player"].send("POST", f"/api/v1/drawings/{ids['drawing']}/report", {"reason": "rude"})
    assert reported.status_code == 200 and reported.json() == {
        "drawing_id": ids["drawing"],
        "created": True,
        "hidden": True,
    }
    yield {"callers": callers, **ids}


# one request for every admin route (promote before rollback, so there is a champion to return to)
REQUESTS = [
    ("GET", "/admin", {}),
    ("GET", "/admin/moderation", {}),
    ("GET", "/admin/audit", {}),
    ("POST", "/admin/models/{model_id}/promote", {"reason": "page"}),
    ("POST", "/admin/models/rollback", {"task": "doodle"}),
    ("POST", "/admin/drawings/{drawing_id}/{action}", {"word": "cat"}),
    ("GET", "/api/v1/admin/models", {}),
    ("GET", "/api/v1/admin/data", {}),
    ("GET", "/api/v1/admin/moderation", {}),
    ("GET", "/api/v1/admin/audit", {}),
    ("POST", "/api/v1/admin/models/{model_id}/promote", {"reason": "api"}),
    ("POST", "/api/v1/admin/models/rollback", {"task": "doodle"}),
    ("POST", "/api/v1/admin/drawings/{drawing_id}/moderate", {"action": "keep"}),
]


def _admin_routes() -> set[tuple[str, str]]:
    """Every (method, path) of the console's and the admin API's routers."""
    return {
        (method, route.path)
        for router in (admin_pages.router, admin_api.router)
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    }


def test_every_admin_route_refuses_anyone_without_the_role(world: dict, engine: Engine) -> None:
    callers, drawing = world["callers"], world["drawing"]
    assert {(method, path) for method, path, _ in REQUESTS} == _admin_routes()  # no admin route untested
    ids = {"model_id": world["model"], "drawing_id": drawing, "action": "relabel"}
    requests = [(method, path.format(**ids), body) for method, path, body in REQUESTS]
    documented = {
        p for p in callers["root"].client.get("/openapi.json").json()["paths"] if p.startswith(ADMIN_PREFIXES)
    }
    assert documented == {path for _, path, _ in REQUESTS if path.startswith("/api/")}
    for method, path, body in requests:
        anonymous = callers["anonymous"].send(method, path, body)
        player = callers["player"].send(method, path, body)
        if path.startswith("/api/"):
            assert anonymous.status_code == 401, (path, anonymous.text)
        else:
            assert anonymous.status_code == 303, (path, anonymous.status_code)
            assert anonymous.headers["location"].startswith("/login?next=/admin")
        assert player.status_code == 403, (path, player.status_code)
        if not path.startswith("/api/"):
            assert "Admins only" in player.text
    with session_scope(engine) as session:  # the refusals changed nothing
        assert session.scalars(select(AdminAudit.action)).all() == ["promote_user"]  # root's, by the CLI
        assert session.get(Drawing, drawing).moderation == "reported"
    for method, path, body in requests:
        answer = callers["root"].send(method, path, body)
        if method == "POST" and not path.startswith("/api/"):
            assert answer.status_code == 303 and "error" not in answer.headers["location"], path
            answer = callers["root"].client.get(answer.headers["location"])
        assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
    with session_scope(engine) as session:
        actions = session.execute(select(AdminAudit.actor, AdminAudit.action).order_by(AdminAudit.id)).all()
        assert actions == [
            ("cli", "promote_user"),
            ("root", "promote_model"),
            ("root", "rollback_model"),
            ("root", "relabel_drawing"),
            ("root", "promote_model"),
            ("root", "rollback_model"),
            ("root", "keep_drawing"),
        ]
        assert session.get(Drawing, drawing).moderation == "kept"
        assert get_active(session, "doodle").id != world["model"]  # rolled back


def test_the_console_shows_lineage_data_runs_queue_and_audit(world: dict, engine: Engine) -> None:
    root = world["callers"]["root"]
    page = root.client.get("/admin")
    assert page.status_code == 200
    assert "Model lineage" in page.text and "<svg" in page.text and "strokes_top1" in page.text
    assert "No learning runs yet" in page.text and "champion" in page.text
    assert "1 drawing waiting" in page.text
    queue = root.client.get("/admin/moderation")
    assert f"drawing {world['drawing']}" in queue.text and "“rude”" in queue.text
    assert root.client.get("/api/v1/admin/data").json()["pending_review"] == 1
    token = TOKEN_FIELD.search(page.text).group(1)
    promoted = root.client.post(f"/admin/models/{world['model']}/promote", data={"csrf_token": token})
    assert promoted.status_code == 200 and "Promote" in promoted.text
    assert "promote_model" in root.client.get("/admin/audit").text
    lineage = root.client.get("/api/v1/admin/models").json()
    assert [m["decision"] for m in lineage if m["serving"]] == ["promoted"]
    refused = root.client.post("/admin/models/rollback", data={"csrf_token": token, "task": "digit"})
    assert "no earlier champion" in refused.text.lower() or "There is no earlier champion" in refused.text
    assert root.client.post("/admin/models/1/promote", data={}).status_code == 403  # no CSRF token


def test_a_report_from_the_gallery_form_hides_the_drawing(client: TestClient, engine: Engine) -> None:
    with session_scope(engine) as session:
        cat = make.word(session, "cat")
        shown, reported = (
            make.drawing(session, cat, source="collect"),
            make.drawing(session, cat, source="collect"),
        )
        ids = (shown.id, reported.id)
    page = client.get("/words/cat")
    assert (
        page.text.count('class="report-button"') == 2 and f'aria-label="Report drawing {ids[1]}' in page.text
    )
    token = TOKEN_FIELD.search(page.text).group(1)
    answer = client.post(f"/drawings/{ids[1]}/report", data={"csrf_token": token, "next": "/words/cat"})
    assert answer.status_code == 200 and answer.url.path == "/words/cat"
    assert f"Report drawing {ids[1]}:" not in answer.text and f"Report drawing {ids[0]}:" in answer.text
    assert client.post(f"/drawings/{ids[1]}/report", data={"next": "/words/cat"}).status_code == 403  # CSRF
    token = TOKEN_FIELD.search(answer.text).group(1)  # a guest session began with the report
    again = client.post(f"/api/v1/drawings/{ids[1]}/report", json={}, headers={"X-CSRF-Token": token})
    assert again.json() == {"drawing_id": ids[1], "created": False, "hidden": True}
    missing = client.post("/api/v1/drawings/999999/report", json={}, headers={"X-CSRF-Token": token})
    assert missing.status_code == 404
    with session_scope(engine) as session:
        assert len(session.scalars(select(DrawingReport)).all()) == 1
