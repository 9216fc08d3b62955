"""Every figure of the report, computed on a small hand-made day driven through the real API.

The day (Monday 2026-11-23, local times), procedure 4 = xác nhận tình trạng hôn nhân (HT, target 10 min),
procedure 10 = chứng thực bản sao (CT), procedure 1 = khai sinh (HT, same-day, 4 steps, letter):
  A 09:00 p4  called 09:06 at counter 3, served 09:07-09:15, dossier received, rated 4
  B 09:02 p4  called 09:16, recalled 09:17, no-show 09:18
  C 09:04 p10 called 09:18 at counter 1, started 09:19, transferred to p4 (HT) at 09:19,
              called again 09:20 at counter 3, served 09:21-09:33, guidance only, rated 3
  D 09:05 p4  called 09:34, served 09:35-09:40, dossier received, rated 2
  E 09:41 p4  cancelled 09:45
  F 11:20 p1  called 11:22 at counter 4, served 11:23-13:46 with its four steps; approval spans lunch
              (11:29-13:40), result returned (a congratulation letter), rated 4
  G 14:00 p10 still waiting
The answers are worked out by hand in each test.
"""

from __future__ import annotations

import io
import sqlite3
from datetime import datetime
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from openpyxl import load_workbook

from server.config import Config
from server.domain.clock import FakeClock
from server.reports import charts as chart_lib
from server.store.sql.report import report_queries
from tests.conftest import TZ, issue, login, staff_at

DAY = "2026-11-23"


async def act(client: TestClient, headers: dict[str, str], path: str, body: dict[str, Any] | None = None) -> Any:
    r = await client.post(path, json=body or {}, headers=headers)
    assert r.status in (200, 201), await r.text()
    return await r.json()


async def rate(client: TestClient, counter: int, ticket_id: str, score: int) -> None:
    body: dict[str, Any] = {"ticket_id": ticket_id, "score": score}
    if score <= 2:
        body["reason"] = "Chờ lâu"
    await act(client, {"Authorization": f"Bearer demo-rate-{counter}"}, "/api/ratings", body)


def at(clock: FakeClock, hh: int, mm: int) -> None:
    clock.set(datetime(2026, 11, 23, hh, mm, tzinfo=TZ))


async def serve(client: TestClient, h: dict[str, str], counter: int, tid: str, clock: FakeClock,
                start: tuple[int, int], end: tuple[int, int], outcome: str, receipt: str | None = None) -> None:
    at(clock, *start)
    await act(client, h, f"/api/counters/{counter}/tickets/{tid}/start")
    at(clock, *end)
    body: dict[str, Any] = {"outcome": outcome}
    if receipt:
        body["receipt_no"] = receipt
    await act(client, h, f"/api/counters/{counter}/tickets/{tid}/finish", body)


async def play_day(client: TestClient, clock: FakeClock) -> dict[str, str]:
    """Plays the day above through the API; returns the ticket ids by letter."""
    ids: dict[str, str] = {}
    for name, hm, proc in (("A", (9, 0), 4), ("B", (9, 2), 4), ("C", (9, 4), 10), ("D", (9, 5), 4)):
        at(clock, *hm)
        ids[name] = (await issue(client, proc))["id"]
    c1, c3, c4 = await staff_at(client, 1), await staff_at(client, 3), await staff_at(client, 4)
    at(clock, 9, 6)
    assert (await act(client, c3, "/api/counters/3/call-next"))["ticket"]["id"] == ids["A"]
    await serve(client, c3, 3, ids["A"], clock, (9, 7), (9, 15), "dossier_received", "HS-001")
    await rate(client, 3, ids["A"], 4)
    at(clock, 9, 16)
    assert (await act(client, c3, "/api/counters/3/call-next"))["ticket"]["id"] == ids["B"]
    at(clock, 9, 17)
    await act(client, c3, f"/api/counters/3/tickets/{ids['B']}/recall")
    at(clock, 9, 18)
    await act(client, c3, f"/api/counters/3/tickets/{ids['B']}/no-show")
    assert (await act(client, c1, "/api/counters/1/call-next"))["ticket"]["id"] == ids["C"]
    at(clock, 9, 19)
    await act(client, c1, f"/api/counters/1/tickets/{ids['C']}/start")
    await act(client, c1, f"/api/counters/1/tickets/{ids['C']}/transfer", {"to_procedure_id": 4})
    at(clock, 9, 20)
    assert (await act(client, c3, "/api/counters/3/call-next"))["ticket"]["id"] == ids["C"]  # kept its arrival
    await serve(client, c3, 3, ids["C"], clock, (9, 21), (9, 33), "guidance_only")
    await rate(client, 3, ids["C"], 3)
    at(clock, 9, 34)
    assert (await act(client, c3, "/api/counters/3/call-next"))["ticket"]["id"] == ids["D"]
    await serve(client, c3, 3, ids["D"], clock, (9, 35), (9, 40), "dossier_received", "HS-002")
    await rate(client, 3, ids["D"], 2)
    at(clock, 9, 41)
    ids["E"] = (await issue(client, 4))["id"]
    at(clock, 9, 45)
    await act(client, c3, f"/api/tickets/{ids['E']}/cancel", {"reason": "về trước"})
    at(clock, 11, 20)
    ids["F"] = (await issue(client, 1))["id"]
    at(clock, 11, 22)
    assert (await act(client, c4, "/api/counters/4/call-next"))["ticket"]["id"] == ids["F"]
    at(clock, 11, 23)
    f = f"/api/counters/4/tickets/{ids['F']}"
    await act(client, c4, f + "/start")
    await act(client, c4, f + "/steps/receive/start")
    at(clock, 11, 26)
    await act(client, c4, f + "/steps/receive/end")
    await act(client, c4, f + "/steps/appraise/start")
    at(clock, 11, 29)
    await act(client, c4, f + "/steps/appraise/end")
    await act(client, c4, f + "/steps/approve/start")
    at(clock, 13, 40)  # the leader approves after lunch
    await act(client, await login(client, "lanhdao"), f"/api/tickets/{ids['F']}/approve")
    await act(client, c4, f + "/steps/return/start")
    at(clock, 13, 45)
    await act(client, c4, f + "/steps/return/end")
    at(clock, 13, 46)
    await act(client, c4, f + "/finish", {"outcome": "result_returned"})
    await rate(client, 4, ids["F"], 4)
    at(clock, 14, 0)
    ids["G"] = (await issue(client, 10))["id"]
    return ids


async def report(client: TestClient, h: dict[str, str], start: str = DAY, end: str = DAY,
                 group: str = "field") -> dict[str, Any]:
    r = await client.get("/api/reports", params={"from": start, "to": end, "group": group}, headers=h)
    assert r.status == 200, await r.text()
    return await r.json()


async def test_every_figure_on_a_hand_made_day(client: TestClient, clock: FakeClock) -> None:
    """One play of the day (sign-ins hash passwords: slow), then each check below on its reports."""
    await play_day(client, clock)
    leader = await login(client, "lanhdao")
    for check in (counts_of_the_day, wait_is_first_call_minus_arrival_and_transfer_keeps_the_first_wait,
                  service_time_is_done_minus_last_start, outcomes_and_satisfaction_as_the_province_asks,
                  steps_with_approval_over_lunch, breakdowns, a_day_with_no_tickets, charts_series, letters_report,
                  xlsx_export_matches_json):
        await check(client, leader)


async def counts_of_the_day(client: TestClient, h: dict[str, str]) -> None:
    t = (await report(client, h))["total"]
    assert (t["issued"], t["served"], t["no_show"], t["cancelled"], t["open"]) == (7, 4, 1, 1, 1)
    assert t["served_share"] == pytest.approx(4 / 7)
    assert t["no_show_share"] == pytest.approx(1 / 7)
    assert (t["recalls"], t["transfers"]) == (1, 1)  # counted from the event log


async def wait_is_first_call_minus_arrival_and_transfer_keeps_the_first_wait(client: TestClient,
                                                                            h: dict[str, str]) -> None:
    t = (await report(client, h))["total"]
    # Waits in seconds: F 120, A 360, B 840 (its recall does not move the first call), C 840 (its second wait
    # after the transfer is not a new wait), D 1740. E was cancelled before a call, G is still waiting.
    assert t["called"] == 5
    assert t["wait_mean"] == pytest.approx((120 + 360 + 840 + 840 + 1740) / 5)
    assert t["wait_median"] == pytest.approx(840)  # nearest rank: the 3rd of 5
    assert t["wait_p90"] == pytest.approx(1740)  # the ceil(4.5) = 5th of 5
    assert t["wait_max"] == pytest.approx(1740)
    assert t["within_wait_target"] == 4  # <= 15 min; D waited 29 min
    assert t["within_wait_target_share"] == pytest.approx(0.8)


async def service_time_is_done_minus_last_start(client: TestClient, h: dict[str, str]) -> None:
    t = (await report(client, h))["total"]
    # A 480, C 720 (from its start at the second counter), D 300, F 8580 (11:23-13:46, lunch included).
    assert t["service_n"] == 4
    assert t["service_mean"] == pytest.approx((480 + 720 + 300 + 8580) / 4)
    assert t["service_median"] == pytest.approx(480)  # 2nd of 4
    assert t["service_p90"] == pytest.approx(8580)  # ceil(3.6) = 4th of 4
    assert t["service_max"] == pytest.approx(8580)
    # Targets: procedure 4 is 10 min (A yes, C no, D yes); khai sinh is 15 min (F no).
    assert t["within_service_target"] == 2
    assert t["within_service_target_share"] == pytest.approx(0.5)


async def outcomes_and_satisfaction_as_the_province_asks(client: TestClient, h: dict[str, str]) -> None:
    t = (await report(client, h))["total"]
    assert t["outcomes"] == {"dossier_received": 2, "guidance_only": 1, "result_returned": 1}
    assert (t["ratings"], t["score_4"], t["score_3"], t["score_2"], t["score_1"]) == (4, 2, 1, 1, 0)
    assert t["satisfied"] == 3
    assert t["satisfied_share"] == pytest.approx(0.75)  # đạt yêu cầu: hài lòng or rất hài lòng
    assert t["good_share"] == pytest.approx(0.5)  # trong đó mức độ tốt: rất hài lòng
    assert t["score_mean"] == pytest.approx(3.2, abs=0.06)  # 13 / 4 = 3.25, rounded to 0.1 in the JSON


async def steps_with_approval_over_lunch(client: TestClient, h: dict[str, str]) -> None:
    steps = {s["step"]: s for s in (await report(client, h))["total"]["steps"]}
    assert {k: v["mean"] for k, v in steps.items()} == {
        "receive": 180, "appraise": 180, "approve": 7860, "return": 300}  # wall clock: lunch counts
    assert {k: v["overdue"] for k, v in steps.items()} == {"receive": 0, "appraise": 0, "approve": 1, "return": 0}
    assert all(v["n"] == 1 and v["median"] == v["p90"] == v["max"] == v["mean"] for v in steps.values())


async def breakdowns(client: TestClient, h: dict[str, str]) -> None:
    by_field = {r["label"]: r for r in (await report(client, h, group="field"))["rows"]}
    assert {k: v["issued"] for k, v in by_field.items()} == {"Hộ tịch": 6, "Chứng thực": 1}  # C moved to HT
    by_counter = {r["key"]: r for r in (await report(client, h, group="counter"))["rows"]}
    assert {k: v["issued"] for k, v in by_counter.items()} == {None: 2, 3: 4, 4: 1}
    assert by_counter[3]["ratings"] == 3 and by_counter[3]["satisfied_share"] == pytest.approx(2 / 3)
    by_hour = {r["key"]: r["issued"] for r in (await report(client, h, group="hour"))["rows"]}
    assert by_hour == {9: 5, 11: 1, 14: 1}
    staff = {r["label"]: r["served"] for r in (await report(client, h, group="staff"))["rows"]}
    assert staff == {"(không có)": 0, "Lê Thị Hồng": 3, "Phạm Văn Hùng": 1}
    sessions = {r["key"]: r["issued"] for r in (await report(client, h, group="session_type"))["rows"]}
    assert sessions == {"regular": 7}
    total = sum(r["issued"] for r in (await report(client, h, group="procedure"))["rows"])
    assert total == 7


async def a_day_with_no_tickets(client: TestClient, h: dict[str, str]) -> None:
    rep = await report(client, h, "2026-11-24", "2026-11-24")
    t = rep["total"]
    assert rep["rows"] == [] and t["issued"] == 0 and t["ratings"] == 0
    assert t["wait_mean"] is None and t["served_share"] is None and t["satisfied_share"] is None
    both = (await report(client, h, DAY, "2026-11-24"))["total"]
    assert both["issued"] == 7 and both["wait_median"] == 840


async def charts_series(client: TestClient, h: dict[str, str]) -> None:
    charts = (await report(client, h))["charts"]
    assert [(r["key"], r["issued"]) for r in charts["by_hour"]] == [(9, 5), (11, 1), (14, 1)]
    assert [(r["key"], r["issued"]) for r in charts["by_weekday"]] == [(1, 7)]
    # One day: the trend goes hour by hour (a single day's point said nothing), two days and more by day.
    assert charts["trend_unit"] == "hour" and charts["trend"] == charts["by_hour"]
    assert charts["trend"][0]["satisfied_share"] == pytest.approx(2 / 3)  # 9h: A rated 4, C 3, D 2
    two = (await report(client, h, DAY, "2026-11-24"))["charts"]
    assert two["trend_unit"] == "day" and two["trend"][0]["satisfied_share"] == pytest.approx(0.75)
    # The hours of arrival cover the office's day (7h-17h: the demo sets no opening hours) with empty hours as 0, so one
    # busy hour is one bar among the day's, not one bar filling the chart.
    names, values = chart_lib.hour_bars(await report(client, h))
    assert names[0] == "7h" and names[-1] == "16h" and len(names) == 10
    assert dict(zip(names, values, strict=True)) == {**{f"{k}h": 0 for k in range(7, 17)}, "9h": 5, "11h": 1,
                                                     "14h": 1}


async def letters_report(client: TestClient, h: dict[str, str]) -> None:
    r = await client.get("/api/reports/letters", params={"from": DAY, "to": DAY}, headers=h)
    letters = await r.json()
    assert letters["total"] == {"total": 1, "congratulation": 1, "birth": 1, "marriage": 0, "death": 0}
    assert letters["by_procedure"][0]["procedure"] == "Đăng ký khai sinh"
    assert letters["numbers"][3] == "(4)=(5)+(8)"


async def xlsx_export_matches_json(client: TestClient, h: dict[str, str]) -> None:
    rep = await report(client, h)
    r = await client.get("/api/reports/export", params={"from": DAY, "to": DAY, "format": "xlsx"}, headers=h)
    assert r.status == 200 and r.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(await r.read()))
    summary = {row[0]: row[1] for row in wb["Tổng hợp"].iter_rows(min_row=5, values_only=True)}
    assert summary["Số vé đã cấp"] == 7 and isinstance(summary["Số vé đã cấp"], int)
    assert summary["Thời gian chờ trung bình (phút)"] == pytest.approx(rep["total"]["wait_mean"] / 60)
    assert summary["Tỷ lệ đạt yêu cầu (hài lòng trở lên) (%)"] == pytest.approx(0.75)
    assert wb["Tổng hợp"]["B5"].number_format == "#,##0"


def at_s(clock: FakeClock, hh: int, mm: int, ss: float) -> None:
    """Like `at`, to a fraction of a second (the times staff really press buttons at)."""
    clock.set(datetime(2026, 11, 23, hh, mm, int(ss), round(ss % 1 * 1_000_000), tzinfo=TZ))


async def test_percentiles_never_exceed_the_longest_time(client: TestClient, clock: FakeClock, config: Config) -> None:
    """Percentiles rank times rounded up to whole seconds; the longest time is exact. One ticket waiting
    100.4 s has a median and a p90 of 100.4 s, not 101 s (a p90 above the longest wait reads as an error)."""
    at_s(clock, 9, 0, 0)
    tid = (await issue(client, 1))["id"]
    c4 = await staff_at(client, 4)
    at_s(clock, 9, 1, 40.4)
    assert (await act(client, c4, "/api/counters/4/call-next"))["ticket"]["id"] == tid
    f = f"/api/counters/4/tickets/{tid}"
    at_s(clock, 9, 2, 0)
    await act(client, c4, f + "/start")
    await act(client, c4, f + "/steps/receive/start")
    at_s(clock, 9, 5, 0.4)
    await act(client, c4, f + "/steps/receive/end")
    at_s(clock, 9, 10, 0.3)
    await act(client, c4, f + "/finish", {"outcome": "guidance_only"})
    t = (await report(client, await login(client, "lanhdao")))["total"]
    assert t["wait_max"] == pytest.approx(100.4)
    assert t["wait_median"] == t["wait_p90"] == t["wait_max"]
    assert t["service_max"] == pytest.approx(480.3)
    assert t["service_median"] == t["service_p90"] == t["service_max"]
    step = {s["step"]: s for s in t["steps"]}["receive"]
    assert step["max"] == pytest.approx(180.4) and step["median"] == step["p90"] == step["max"]
    # The direct statements (the hub's comparison, `report_queries`) clamp the same way.
    conn = sqlite3.connect(f"file:{config.db_file}?mode=ro", uri=True)
    try:
        for name, keys in (("summary", ("wait_median", "wait_p90", "service_median", "service_p90")),
                           ("steps", ("median", "p90"))):
            sql = report_queries("sqlite", "all")[name]
            cur = conn.execute(sql.for_dialect(), sql.bind({"from_day": DAY, "to_day": DAY, "wait_target_s": 900}))
            row = dict(zip([c[0] for c in cur.description], cur.fetchone(), strict=True))
            top = {"summary": {"wait": row.get("wait_max"), "service": row.get("service_max")}}.get(name, {})
            for k in keys:
                bound = row["max"] if name == "steps" else top[k.split("_")[0]]
                assert row[k] == pytest.approx(bound), (name, k)
    finally:
        conn.close()


async def test_a_transferred_ticket_counts_at_a_counter(client: TestClient, clock: FakeClock) -> None:
    """A ticket sent on to another counter waits there: it counts at that counter, not at "(không có)"; one sent
    on to another procedure (no counter named) counts at the counter that had it, until another one calls it."""
    at(clock, 9, 0)
    to_counter, to_procedure, _never_called = [(await issue(client, 4))["id"] for _ in range(3)]
    c3 = await staff_at(client, 3)
    at(clock, 9, 5)
    for tid, body in ((to_counter, {"to_counter_id": 1}), (to_procedure, {"to_procedure_id": 10})):
        assert (await act(client, c3, "/api/counters/3/call-next"))["ticket"]["id"] == tid
        await act(client, c3, f"/api/counters/3/tickets/{tid}/start")
        await act(client, c3, f"/api/counters/3/tickets/{tid}/transfer", body)
    rows = {r["label"]: r for r in (await report(client, await login(client, "lanhdao"), group="counter"))["rows"]}
    assert {k: (v["issued"], v["transfers"]) for k, v in rows.items()} == {
        "(không có)": (1, 0), "Quầy số 1": (1, 1), "Quầy số 3": (1, 1)}


def test_the_arrivals_chart_spans_the_calendars_opening_hours() -> None:
    from server.store.reports import open_hours

    conn = sqlite3.connect(":memory:")
    conn.execute('CREATE TABLE calendar_hours (weekday INTEGER, start TEXT, "end" TEXT)')
    assert open_hours(conn) == (7, 16)  # none set: a commune office's usual 7:00-17:00
    conn.executemany('INSERT INTO calendar_hours VALUES (?, ?, ?)', [(1, "07:30", "11:30"), (1, "13:30", "17:00"),
                                                                     (6, "07:30", "11:30")])
    assert open_hours(conn) == (7, 16)  # closing at 17:00: the last hour anyone arrives in is 16h
    conn.execute("INSERT INTO calendar_hours VALUES (3, '13:00', '17:30')")
    assert open_hours(conn) == (7, 17)
