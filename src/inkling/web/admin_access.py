"""Who may use the console under ``/admin`` and the admin API: accounts with the ``admin`` role only.

* ``AdminApiUser`` — the API: 401 without an account (anonymous or guest), 403 for a player.
* ``AdminPageUser`` — the pages: a redirect to the log-in page without an account, a 403 page for a
  player (:class:`AdminPageRefused`, rendered by :func:`add_admin_refusal_page`).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from inkling.db.models import User
from inkling.services.roles import is_admin
from inkling.web.deps import CurrentUserDep
from inkling.web.templating import templates

FORBIDDEN = "This needs the admin role (granted with `inkling users promote NAME`)."


def require_admin_api(user: CurrentUserDep) -> User:
    """The admin of the request; 401 without an account, 403 for anyone else."""
    if user is None or user.is_guest:
        raise HTTPException(status_code=401, detail="Log in first.")
    if not is_admin(user):
        raise HTTPException(status_code=403, detail=FORBIDDEN)
    return user


class AdminPageRefused(Exception):
    """A console page asked without the role: ``login`` when the visitor has no account."""

    def __init__(self, login: bool) -> None:
        super().__init__(FORBIDDEN)
        self.login = login


def require_admin_page(user: CurrentUserDep) -> User:
    """The admin of the request; otherwise :class:`AdminPageRefused`."""
    if user is None or user.is_guest:
        raise AdminPageRefused(login=True)
    if not is_admin(user):
        raise AdminPageRefused(login=False)
    return user


def _refused(request: Request, error: Exception) -> Response:
    """303 to the log-in page (coming back here after), or a 403 page.

    A plain function, like ``inkling.web.not_found.http_error``: it runs in the thread pool, where the
    page's menu may read the session's user from the database.
    """
    if getattr(error, "login", False):
        back = request.url.path if request.method == "GET" else "/admin"
        return RedirectResponse(f"/login?next={quote(back, safe='/')}", status_code=303)
    return templates.TemplateResponse(request, "admin/refused.html", {"message": FORBIDDEN}, status_code=403)


def add_admin_refusal_page(app: FastAPI) -> None:
    """Answer :class:`AdminPageRefused` with a redirect or a 403 page."""
    app.add_exception_handler(AdminPageRefused, _refused)


AdminApiUser = Annotated[User, Depends(require_admin_api)]
AdminPageUser = Annotated[User, Depends(require_admin_page)]
