"""The OpenAPI document matches the real routes, declares every body, and names the required operations."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient

REQUIRED = {"issueTicket", "getTicket", "listQueue", "callNext", "callTicket", "recallTicket", "markNoShow",
            "transferTicket", "startService", "finishService", "cancelTicket", "listCounters", "listProcedures",
            "login"}


async def test_document_lists_required_operations_and_matches_routes(client: TestClient) -> None:
    doc = await (await client.get("/api/openapi.json")).json()
    assert doc["openapi"].startswith("3.")
    ops = {}
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            ops[op["operationId"]] = (method.upper(), path, op)
    assert set(ops) >= REQUIRED
    routes = set()
    for route in client.app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        raw = info.get("formatter") or info.get("path")
        if raw and raw.startswith("/api/") and route.method != "HEAD":
            routes.add((route.method, re.sub(r"\{(\w+)(:[^}]*)?\}", r"{\1}", raw)))
    documented = {(m, p) for m, p, _ in ops.values()}
    assert documented <= routes, documented - routes
    undocumented = {r for r in routes if r not in documented and r[1] != "/api/openapi.json"}
    assert not undocumented, f"routes missing from the OpenAPI document: {undocumented}"


async def test_every_body_is_declared_and_required_fields_are_listed(client: TestClient) -> None:
    doc = await (await client.get("/api/openapi.json")).json()
    schemas = doc["components"]["schemas"]
    issue = doc["paths"]["/api/tickets"]["post"]
    ref = issue["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    assert schemas[ref]["required"] == ["procedure_id"]
    assert schemas[ref]["additionalProperties"] is False
    login = doc["paths"]["/api/login"]["post"]
    lref = login["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    assert set(schemas[lref]["required"]) == {"username", "password"}
    assert "security" not in login and "security" in issue
    for methods in doc["paths"].values():
        for op in methods.values():
            assert "422" in op["responses"] and op["summary"]


async def test_issue_ticket_answer_matches_the_documented_fields(client: TestClient) -> None:
    from tests.conftest import issue

    doc = await (await client.get("/api/openapi.json")).json()
    required = doc["paths"]["/api/tickets"]["post"]["responses"]["201"]["content"]["application/json"]["schema"][
        "required"]
    body = await issue(client, 1)
    assert set(required) <= set(body)
