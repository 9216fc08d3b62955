"""Every API operation tried with every role, checked against its declared roles (`auth.PERMISSIONS` for the spine).

The table is read, not copied: an operation another part adds tomorrow is covered without editing this
file. Allowed roles may be refused for the request's content (422, 404, 409...) but never with 401/403;
other roles always get 401 (no token) or 403.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp.test_utils import TestClient

from server import auth
from server.app import operations
from tests.conftest import DISPLAY, KIOSK, issue, login, staff_at

RATING = {"Authorization": "Bearer demo-rate-1"}
# Operations that end the caller's session or sign them out: tried last, with a fresh sign-in each time.
ENDS_SESSION = {"logout", "signOutCounter"}


def fill(path: str, ticket: dict[str, Any]) -> str:
    values = {"counter_id": "1", "ticket_id": ticket["id"], "token": ticket["status_token"], "step": "receive",
              "day": "2026-12-24", "code": "ABC123", "chart": "by-field"}

    def one(m: re.Match[str]) -> str:
        return values.get(m.group(1), "1")

    return re.sub(r"\{(\w+)(?::[^}]*)?\}", one, path)


async def headers_by_role(client: TestClient) -> dict[str, dict[str, str]]:
    roles = {"admin": await login(client, "admin"), "leader": await login(client, "lanhdao"),
             "staff": await staff_at(client, 1), "kiosk": KIOSK, "display": DISPLAY, "rating": RATING, "public": {}}
    client.session.cookie_jar.clear()  # sign-in also sets a cookie: "public" must carry nothing
    return roles


async def attempt(client: TestClient, op: Any, headers: dict[str, str], ticket: dict[str, Any]) -> tuple[int, str]:
    kwargs: dict[str, Any] = {"headers": headers}
    if op.method in ("POST", "PUT", "PATCH"):
        kwargs["json"] = {}
    r = await client.request(op.method, fill(op.path, ticket), **kwargs)
    code = ""
    if r.content_type == "application/json":
        body = await r.json()
        code = body.get("error", {}).get("code", "") if isinstance(body, dict) else ""
    return r.status, code


async def test_every_operation_with_every_role_matches_the_permission_table(client: TestClient) -> None:
    ticket = await issue(client, 10)  # Chứng thực: counter 1 serves it
    ticket = {**ticket, "status_token": ticket.get("status_token") or ticket.get("token") or "x"}
    roles = await headers_by_role(client)
    wrong: list[str] = []
    ops = sorted(operations(), key=lambda o: o.op_id in ENDS_SESSION)
    assert set(auth.PERMISSIONS) <= {o.op_id for o in ops}, "every row of the spine's table is an operation"
    assert all(o.roles == auth.PERMISSIONS.get(o.op_id, o.roles) for o in ops)
    for op in ops:
        allowed = op.roles
        for role in auth.ROLES:
            if op.op_id in ENDS_SESSION:
                roles = await headers_by_role(client)
            status, code = await attempt(client, op, roles[role], ticket)
            if role in allowed and status in (401, 403) and code in ("auth_required", "forbidden_role", "csrf_failed"):
                wrong.append(f"{op.op_id} refused {role}: {status} {code}")
            if role not in allowed:
                expected = 401 if role == "public" else 403
                if status != expected:
                    wrong.append(f"{op.op_id} let {role} through: {status} {code} (expected {expected})")
            assert status < 500, f"{op.op_id} as {role}: {status} {code}"
    assert not wrong, "\n".join(wrong)


async def test_matrix_covers_all_seven_roles_and_the_document_lists_them(client: TestClient) -> None:
    spec = await (await client.get("/api/openapi.json")).json()
    documented = {op["operationId"]: set(op["x-roles"]) for ops in spec["paths"].values() for op in ops.values()}
    assert documented == {op.op_id: set(op.roles) for op in operations()}
    assert set(auth.ROLES) == {"admin", "leader", "staff", "kiosk", "display", "rating", "public"}
