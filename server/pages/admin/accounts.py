"""The admin pages of staff accounts: list, create, edit, set a new password (shown once)."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

from aiohttp import web

from server import auth, passwords
from server.domain.errors import DomainError
from server.keys import READER, SESSIONS
from server.pages.admin.site import admin_only, choice_sets, choices, decide, error_text, form_of, render
from server.services import admin as svc
from server.store import accounts
from server.store import admin as store


async def _password(form: dict[str, str]) -> tuple[str, str]:
    """(password, hash): the one typed, or a generated one; hashed off the event loop (argon2 is slow)."""
    password = form.get("password", "").strip() or secrets.token_urlsafe(9)
    passwords.check_new_password(password)  # the one rule, as for `motcua init`
    return password, await asyncio.to_thread(auth.hash_password, password)


async def users_page(request: web.Request, *, status: int = 200, error: dict[str, str] | None = None,
                     values: dict[str, Any] | None = None) -> web.Response:
    return await render(request, "users.html", status=status, users=accounts.users(request.app[READER]),
                        cols=svc.USER_NEW, choices=choices(request), values=values or {"role": "staff"}, error=error)


async def user_create(request: web.Request) -> web.StreamResponse:
    form = await form_of(request)
    try:
        values = svc.parse(svc.USER_NEW, form, choice_sets(request))
        password, hashed = await _password(form)
        await decide(request, svc.create_user, values, hashed)
    except DomainError as exc:
        return await users_page(request, status=exc.status, error=error_text(exc), values=form)
    return await render(request, "password_once.html", username=values["username"], password=password)


async def user_page(request: web.Request, *, status: int = 200, error: dict[str, str] | None = None,
                    values: dict[str, Any] | None = None) -> web.Response:
    user = store.user(request.app[READER], int(request.match_info["user_id"]))
    if user is None:
        return await render(request, "not_found.html", status=404)
    return await render(request, "user_edit.html", status=status, user=user, cols=svc.USER_EDIT,
                        choices=choices(request), values=values or user, error=error)


async def user_save(request: web.Request) -> web.StreamResponse:
    form = await form_of(request)
    try:
        values = svc.parse(svc.USER_EDIT, form, choice_sets(request))
        await decide(request, svc.update_user, int(request.match_info["user_id"]), values)
    except DomainError as exc:
        return await user_page(request, status=exc.status, error=error_text(exc), values=form)
    request.app[SESSIONS].forget_all()  # a deactivated or demoted account's cached sign-in must not linger
    raise web.HTTPSeeOther("/admin/users?saved=1")


async def user_password(request: web.Request) -> web.StreamResponse:
    form = await form_of(request)
    user_id = int(request.match_info["user_id"])
    try:
        password, hashed = await _password(form)
        await decide(request, svc.reset_password, user_id, hashed)
    except DomainError as exc:
        return await user_page(request, status=exc.status, error=error_text(exc))
    request.app[SESSIONS].forget_all()
    user = store.user(request.app[READER], user_id) or {"username": "?"}
    return await render(request, "password_once.html", username=user["username"], password=password)


def setup(app: web.Application) -> None:
    r = app.router
    r.add_get("/admin/users", admin_only(users_page))
    r.add_post("/admin/users", admin_only(user_create))
    r.add_get(r"/admin/users/{user_id:\d{1,9}}", admin_only(user_page))
    r.add_post(r"/admin/users/{user_id:\d{1,9}}", admin_only(user_save))
    r.add_post(r"/admin/users/{user_id:\d{1,9}}/password", admin_only(user_password))
