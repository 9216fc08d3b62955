"""Input checks at the edge (issue 19, items 9 and 22): bytes that are not UTF-8 in the headers that carry a
token, ids beyond what SQLite holds, JSON `true`/`10.0` for integers, `day=0` for a date, and the OpenAPI
document saying what the checks do (booking codes, export media types, 405 with `Allow`)."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from server.app import operations
from server.domain import appointments as rules
from server.domain.errors import DomainError
from tests.conftest import KIOSK, login

HUGE = str(2**63)  # one past SQLite's largest integer


async def _raw(client: TestClient, request: bytes) -> tuple[int, bytes]:
    """Send bytes as they are (aiohttp's client would refuse a header that is not text) and read the answer."""
    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    try:
        writer.write(request)
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
        length = re.search(rb"(?i)content-length: *(\d+)", head)
        body = await reader.readexactly(int(length.group(1))) if length else b""
    finally:
        writer.close()
    return int(head.split(b" ", 2)[1]), body


@pytest.mark.parametrize("header", [
    b"Authorization: Bearer \xff\xfe\xc3(",
    b"Cookie: motcua_token=\xff\xfe\xc3(",
    b"Authorization: Bearer caf\xc3\xa9",  # valid UTF-8, but no token is ever outside ASCII
])
async def test_a_token_header_that_is_not_utf8_is_refused_with_a_4xx_not_a_500(client: TestClient,
                                                                             header: bytes) -> None:
    for path in (b"/api/queue", b"/api/me", b"/admin"):
        status, body = await _raw(client, b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                  + header + b"\r\n\r\n")
        assert status < 500 and b"Traceback" not in body, (path, status, body[:300])
        if path == b"/api/me":  # a bad cookie is no cookie (public, as an expired one); a bad bearer is a 401
            assert status == (200 if header.startswith(b"Cookie") else 401), body[:300]
            assert status == 401 or b'"role":"public"' in body
        else:
            assert status in (302, 303, 401), (path, status)


async def test_a_csrf_header_that_is_not_ascii_is_a_403_not_a_500(client: TestClient) -> None:
    token = (await login(client, "admin"))["Authorization"].split()[1]
    status, body = await _raw(client, b"POST /api/logout HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                              b"Cookie: motcua_token=" + token.encode() + b"\r\n"
                              b"X-CSRF-Token: \xc3\xa9\xff\r\nContent-Length: 0\r\n\r\n")
    assert status == 403, body[:300]


@pytest.mark.parametrize("method,path", [
    ("DELETE", "/api/slogans/{id}"), ("PUT", "/api/slogans/{id}"), ("DELETE", "/api/calendar/special-days/{id}"),
    ("DELETE", "/api/calendar/mobile-sessions/{id}"), ("POST", "/api/counters/{id}/call-next"),
])
async def test_an_id_beyond_a_database_integer_is_a_4xx_on_every_route(client: TestClient, method: str,
                                                                      path: str) -> None:
    admin = await login(client, "admin")
    body = {"text": "Xin chào", "every_n_minutes": 5} if method == "PUT" else {}
    for value in (HUGE, "9" * 40, "0"):
        r = await client.request(method, path.format(id=value), json=body, headers=admin)
        assert 400 <= r.status < 500, (path, value, r.status, await r.text())
        error = (await r.json())["error"]
        assert error["message"] and error["message_en"] and "Overflow" not in error["message"]


@pytest.mark.parametrize("body", ['{"procedure_id": true}', '{"procedure_id": 1.0}', '{"procedure_id": 10.0}',
                                  '{"procedure_id": "1.0"}', '{"procedure_id": false}'])
async def test_an_integer_id_must_be_a_json_integer(client: TestClient, body: str) -> None:
    r = await client.post("/api/tickets", data=body, headers={**KIOSK, "Content-Type": "application/json"})
    assert r.status == 422, await r.text()
    assert (await r.json())["error"]["code"] == "invalid_input"


async def test_a_list_of_ids_refuses_booleans_and_fractions(client: TestClient) -> None:
    admin = await login(client, "admin")
    for weekdays in ([1, True], [1, 2.0]):
        r = await client.post("/api/slogans", json={"text": "Xin chào", "every_n_minutes": 5, "weekdays": weekdays},
                              headers=admin)
        assert r.status == 422, (weekdays, await r.text())


@pytest.mark.parametrize("day", ["0", "1", "1700000000", "2026-11-23T00:00", "23/11/2026"])
async def test_a_date_must_be_written_yyyy_mm_dd(client: TestClient, day: str) -> None:
    staff = await login(client, "admin")
    r = await client.get("/api/appointments", params={"day": day}, headers=staff)
    assert r.status == 422, (day, await r.text())
    ok = await client.get("/api/appointments", params={"day": "2026-11-23"}, headers=staff)
    assert ok.status == 200 and (await ok.json())["day"] == "2026-11-23"


async def test_a_query_integer_must_be_written_as_digits(client: TestClient) -> None:
    for value in ("10.0", "true", "1e1"):
        r = await client.get("/api/appointments/slots", params={"days": value})
        assert r.status == 422, (value, await r.text())
    assert (await client.get("/api/appointments/slots", params={"days": "10"})).status == 200


async def _doc(client: TestClient) -> dict[str, Any]:
    return await (await client.get("/api/openapi.json")).json()


async def test_integer_path_ids_are_documented_with_the_range_the_check_enforces(client: TestClient) -> None:
    doc = await _doc(client)
    seen = 0
    for path, methods in doc["paths"].items():
        for op in methods.values():
            for p in op["parameters"]:
                if p["in"] == "path" and p["schema"].get("type") == "integer":
                    seen += 1
                    assert p["schema"]["minimum"] == 1 and p["schema"]["maximum"] == 2**63 - 1, (path, p)
    assert seen >= 8


async def test_booking_codes_are_documented_as_the_check_reads_them(client: TestClient) -> None:
    doc = await _doc(client)
    code = next(p for p in doc["paths"]["/api/appointments/{code}"]["get"]["parameters"] if p["name"] == "code")
    pattern = re.compile(code["schema"]["pattern"])
    for good in ("ACD234", "acd234"):
        assert pattern.search(good) and rules.normalize_code(good)
    for bad in ("ACD23", "ACD2345", "ACD230", "ABCDEF"):
        assert not pattern.search(bad)
        with pytest.raises(DomainError):
            rules.normalize_code(bad)
    ref = doc["paths"]["/api/appointments/check-in"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    body = doc["components"]["schemas"][ref["$ref"].split("/")[-1]]["properties"]["code"]
    typed = re.compile(body["pattern"])
    for good in ("ACD234", "acd-234", " ACD 234 ", "http://x/book?code=ACD234", "http://x/b/ACD234/"):
        assert typed.search(good) and rules.normalize_code(good) == "ACD234", good
    for bad in ("ACD23", "ACD2345", "0000000", "http://x/book?code=ACD2"):
        assert not typed.search(bad), bad
        with pytest.raises(DomainError):
            rules.normalize_code(bad)


async def test_file_exports_document_the_media_types_they_answer(client: TestClient) -> None:
    doc = await _doc(client)
    ops = {op["operationId"]: op for methods in doc["paths"].values() for op in methods.values()}
    media = {name: set(ops[name]["responses"]["200"]["content"]) for name in
             ("exportReport", "getLettersReport", "exportMobileSession", "getReportChart")}
    assert media["exportReport"] == {"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    assert media["getLettersReport"] == media["exportReport"] | {"application/json"}
    assert media["exportMobileSession"] == {"application/x-ndjson"}
    assert media["getReportChart"] == {"image/png", "image/svg+xml"}
    admin = await login(client, "admin")
    period = {"from": "2026-11-01", "to": "2026-11-23"}
    for fmt in ("csv", "xlsx"):
        r = await client.get("/api/reports/export", params={**period, "format": fmt}, headers=admin)
        assert r.status == 200 and r.content_type in media["exportReport"], r.content_type
    r = await client.get("/api/reports/charts/waits", params={**period, "format": "svg"}, headers=admin)
    assert r.status == 200 and r.content_type in media["getReportChart"]


async def test_a_405_names_the_allowed_methods(client: TestClient) -> None:
    r = await client.delete("/api/tickets", headers=KIOSK)
    assert r.status == 405
    assert set(re.split(r",\s*", r.headers["Allow"])) >= {"POST"}
    assert (await r.json())["error"]["code"] == "method_not_allowed"


def test_every_declared_integer_path_parameter_is_an_integer_route() -> None:
    """The route's pattern and the document's type come from one place: `\\d+` in the path."""
    for op in operations():
        for name, pattern in re.findall(r"\{(\w+)(?::([^}]*))?\}", op.path):
            if name.endswith("_id") and name != "ticket_id":
                assert pattern == r"\d+", (op.op_id, name)


async def test_a_body_is_documented_as_required_only_when_an_empty_one_is_refused(client: TestClient) -> None:
    doc = await _doc(client)
    admin = await login(client, "admin")
    holiday = doc["paths"]["/api/calendar/holidays/{day}"]["put"]["requestBody"]
    assert holiday["required"] is False  # every field has a default: no body is {}
    r = await client.put("/api/calendar/holidays/2026-12-24", headers=admin)
    assert r.status == 200
    assert doc["paths"]["/api/tickets"]["post"]["requestBody"]["required"] is True
    r = await client.post("/api/tickets", headers=KIOSK)
    assert r.status == 422
