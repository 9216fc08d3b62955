"""The report API's doors: who may ask, what a wrong question gets back, and the files it serves."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.conftest import issue, login

Q = {"from": "2026-11-23", "to": "2026-11-23"}


async def test_only_leaders_and_admins_and_clear_refusals(client: TestClient) -> None:
    await issue(client, 4)
    r = await client.get("/api/reports", params=Q)
    assert r.status == 401 and (await r.json())["error"]["message"] == "Cần đăng nhập."
    r = await client.get("/api/reports", params=Q, headers=await login(client, "canbo1"))
    assert r.status == 403 and "staff" in (await r.json())["error"]["message"]
    admin = await login(client, "admin")
    r = await client.get("/api/reports", params={"from": "2026-11-30", "to": "2026-11-01"}, headers=admin)
    err = (await r.json())["error"]
    assert r.status == 422 and err["code"] == "report_period_order"
    assert err["message"] == "Ngày bắt đầu (2026-11-30) phải trước hoặc bằng ngày kết thúc (2026-11-01)."
    r = await client.get("/api/reports", params={"from": "2026-01-01", "to": "2029-12-31"}, headers=admin)
    assert r.status == 422 and "quá dài" in (await r.json())["error"]["message"]
    r = await client.get("/api/reports", params={**Q, "group": "colour"}, headers=admin)
    assert r.status == 422 and "group" in (await r.json())["error"]["message"]
    r = await client.get("/api/reports", params={"from": "23/11/2026", "to": "2026-11-23"}, headers=admin)
    assert r.status == 422 and "from" in (await r.json())["error"]["message"]
    r = await client.get("/api/reports/charts/pie", params=Q, headers=admin)
    assert r.status == 422 and "arrivals_hour" in (await r.json())["error"]["message"]
    r = await client.get("/api/reports", params=Q, headers=admin)
    assert r.status == 200 and (await r.json())["total"]["issued"] == 1


async def test_charts_exports_and_the_page(client: TestClient) -> None:
    await issue(client, 4)
    leader = await login(client, "lanhdao")
    r = await client.get("/api/reports/charts/arrivals_hour", params=Q, headers=leader)
    assert r.status == 200 and r.content_type == "image/png" and (await r.read()).startswith(b"\x89PNG")
    r = await client.get("/api/reports/charts/waits", params={**Q, "format": "svg"}, headers=leader)
    assert r.content_type == "image/svg+xml" and b"<svg" in await r.read()
    r = await client.get("/api/reports/export", params={**Q, "format": "csv"}, headers=leader)
    assert r.status == 200 and 'filename="bao-cao-2026-11-23_2026-11-23.csv"' in r.headers["Content-Disposition"]
    assert (await r.read()).decode("utf-8-sig").startswith("Lĩnh vực;Số vé đã cấp")
    r = await client.get("/api/reports/letters", params={**Q, "format": "xlsx"}, headers=leader)
    assert r.status == 200 and (await r.read())[:2] == b"PK"
    page = await client.get("/reports")
    html = await page.text()
    assert page.status == 200 and "<script>" not in html and "style=" not in html
    assert "/reports-static/reports.js" in html
    doc = await (await client.get("/api/openapi.json")).json()
    ops = {op["operationId"] for p in doc["paths"].values() for op in p.values()}
    assert {"getReport", "exportReport", "getReportChart", "getLettersReport"} <= ops
