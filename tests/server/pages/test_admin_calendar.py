"""/admin/calendar and /admin/appointments: the forms run the API's operations (same checks, same decisions,
audit lines); the kiosk sees the result at once; a refusal says why next to the form and writes nothing."""

from __future__ import annotations

import re
from typing import Any

from aiohttp.test_utils import TestClient

from server.domain.clock import FakeClock
from server.keys import CONFIG, READER, WRITER
from server.services import calendar as calendar_service
from tests.conftest import KIOSK
from tests.server.pages.test_admin import CSRF, admin_session, db_rows

STANDARD = [("weekday", "1"), ("start", "07:00"), ("end", "11:30"), ("weekday", "1"), ("start", "13:30"),
            ("end", "17:00")]


def week_form(csrf: str, rows: list[tuple[int, str, str]]) -> list[tuple[str, str]]:
    form = [("csrf", csrf)]
    for day, start, end in rows:
        form += [("weekday", str(day)), ("start", start), ("end", end), ("session_type", "regular"),
                 ("procedures", ""), ("counters", "")]
    return form


def standard_week(csrf: str) -> list[tuple[str, str]]:
    return week_form(csrf, [(d, a, b) for d in range(1, 6) for a, b in (("07:00", "11:30"), ("13:30", "17:00"))])


async def post(client: TestClient, path: str, data: Any) -> tuple[int, str, str]:
    r = await client.post(path, data=data, allow_redirects=False)
    return r.status, r.headers.get("Location", ""), await r.text()


async def now(client: TestClient) -> dict[str, Any]:
    r = await client.get("/api/calendar/now")
    assert r.status == 200
    return await r.json()


async def test_standard_week_then_a_holiday_closes_the_kiosk(client: TestClient, clock: FakeClock) -> None:
    csrf = await admin_session(client)
    preset = await (await client.get("/admin/calendar?preset=standard")).text()
    assert preset.count('name="start" value="07:00"') == 6 and "chưa lưu" in preset  # shown, not saved
    assert db_rows(client, "SELECT COUNT(*) FROM calendar_hours") == [(0,)]
    status, location, _ = await post(client, "/admin/calendar/hours", standard_week(csrf))
    assert status == 303 and location == "/admin/calendar?saved=1#hours"
    assert (await now(client))["open"] is True
    clock.advance(minutes=3 * 60 + 15)  # 12:15, the lunch break
    page = await (await client.get("/admin/calendar")).text()
    assert "Đang đóng cửa" in page and "13:30 23/11/2026" in page

    status, _, _ = await post(client, "/admin/calendar/holidays", {"csrf": csrf, "day": "2026-11-23",
                                                                   "name": "Ngày nghỉ bù"})
    assert status == 303
    clock.advance(minutes=90)  # 13:45: open on a normal Monday, but today is now a holiday
    state = await now(client)
    assert state["open"] is False and state["opens_at"] == "2026-11-24T07:00+07:00"
    r = await client.post("/api/tickets", json={"procedure_id": 1}, headers=KIOSK)
    assert r.status == 409 and "07:00 24/11/2026" in (await r.json())["error"]["message"]
    actions = [a for (a,) in db_rows(client, "SELECT action FROM audit_log WHERE action LIKE 'calendar.%'")]
    assert actions == ["calendar.hours", "calendar.holiday"]

    status, _, _ = await post(client, "/admin/calendar/holidays/2026-11-23/delete", {"csrf": csrf})
    assert status == 303 and (await now(client))["open"] is True


async def test_an_end_before_the_start_says_which_row_keeps_the_typing_and_writes_nothing(client: TestClient) -> None:
    csrf = await admin_session(client)
    form = week_form(csrf, [(1, "07:00", "11:30"), (2, "11:00", "07:00")])
    status, _, page = await post(client, "/admin/calendar/hours", form)
    assert status == 422
    assert "giờ bắt đầu phải trước giờ kết thúc" in page and "dòng 2 (Thứ Ba 11:00–07:00)" in page
    assert "start must be before end" not in page  # the API's own English sentence: behind the switch
    assert 'value="11:00"' in page and 'value="07:00"' in page  # what was typed is still in the form
    assert db_rows(client, "SELECT COUNT(*) FROM calendar_hours") == [(0,)]
    assert db_rows(client, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'calendar.%'") == [(0,)]

    status, _, page = await post(client, "/admin/calendar/mobile-sessions", {
        "csrf": csrf, "place": "Nhà văn hóa khu vực 4", "weekday": "5", "day": "2026-11-27", "start": "07:30",
        "end": "11:00"})
    assert status == 422 and "không chọn cả hai" in page and 'value="Nhà văn hóa khu vực 4"' in page
    status, _, page = await post(client, "/admin/calendar/special-days", {
        "csrf": csrf, "name": "Thứ Tư", "weekday": "3", "start1": "07:00", "end1": "11:00"})
    assert status == 422 and "giờ riêng chỉ dùng cho một ngày cụ thể" in page
    status, _, page = await post(client, "/admin/calendar/mobile-sessions", {
        "csrf": csrf, "place": "NVH", "weekday": "5", "start": "07:30", "end": "11:00", "procedures": "9.999"})
    assert status == 422 and "Không có thủ tục mã: 9.999" in page
    assert db_rows(client, "SELECT COUNT(*) FROM calendar_mobile") == [(0,)]


async def test_special_day_mobile_session_and_closing_rule(client: TestClient) -> None:
    csrf = await admin_session(client)
    await post(client, "/admin/calendar/hours", standard_week(csrf))
    status, _, _ = await post(client, "/admin/calendar/special-days", {
        "csrf": csrf, "name": "Ngày không viết, ngày không hẹn", "weekday": "3", "tag_ngay_khong_viet": "1",
        "tag_ngay_khong_hen": "1"})
    assert status == 303
    status, _, _ = await post(client, "/admin/calendar/mobile-sessions", {
        "csrf": csrf, "place": "Nhà văn hóa khu vực 4", "weekday": "5", "start": "7h30", "end": "11",
        "procedures": "1.001193, 2.000815"})  # times as people type them
    assert status == 303
    rules = (await (await client.get("/api/calendar", headers={"X-CSRF-Token": csrf})).json())
    assert rules["special_days"][0]["tags"] == ["ngay_khong_viet", "ngay_khong_hen"]
    assert rules["mobile_sessions"][0]["place"] == "Nhà văn hóa khu vực 4"
    assert (rules["mobile_sessions"][0]["start"], rules["mobile_sessions"][0]["end"]) == ("07:30", "11:00")
    assert len(rules["mobile_sessions"][0]["procedure_ids"]) == 2
    page = await (await client.get("/admin/calendar")).text()
    assert "Ngày không viết" in page and "Đăng ký khai sinh; Chứng thực bản sao từ bản chính" in page

    status, _, _ = await post(client, "/admin/calendar/closing", {"csrf": csrf, "at_close": "close_waiting"})
    assert status == 303
    app = client.app
    settings = calendar_service.settings_from(app[CONFIG])  # a restart writes the config's settings again ...
    await app[WRITER].run(lambda tx: calendar_service.apply_settings(tx, settings, 2026))
    assert calendar_service.load_settings(app[READER]).at_close == "close_waiting"  # ... the admin's choice stays
    status, _, page = await post(client, "/admin/calendar/closing", {"csrf": csrf, "at_close": "later"})
    assert status == 422 and "không có trong danh sách" in page


async def test_a_form_without_its_csrf_token_is_refused_and_writes_nothing(client: TestClient) -> None:
    await admin_session(client)
    status, _, page = await post(client, "/admin/calendar/holidays", {"day": "2026-12-24", "name": "x"})
    assert status == 403 and "csrf" in page.lower()
    status, _, _ = await post(client, "/admin/calendar/holidays", {"csrf": "0" * 64, "day": "2026-12-24"})
    assert status == 403
    assert db_rows(client, "SELECT COUNT(*) FROM calendar_holidays") == [(0,)]


async def test_script_in_a_name_is_shown_as_text(client: TestClient) -> None:
    csrf = await admin_session(client)
    evil = "<script>alert(1)</script>"
    await post(client, "/admin/calendar/holidays", {"csrf": csrf, "day": "2026-12-24", "name": evil})
    status, _, page = await post(client, "/admin/calendar/special-days", {"csrf": csrf, "name": evil,
                                                                          "weekday": "3", "other_tags": "Bad!"})
    assert status == 422 and evil not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    page = await (await client.get("/admin/calendar")).text()
    assert evil not in page and page.count("&lt;script&gt;") == 1


async def slots_for_next_thursday(client: TestClient, csrf: str) -> str:
    status, location, _ = await post(client, "/admin/appointments/slots", [
        ("csrf", csrf), ("procedure_ids", "1"), ("day_from", "2026-11-30"), ("day_to", "2026-12-06"),
        ("weekdays", "4"), ("start", "09:00"), ("end", "11:00"), ("length_min", "30"), ("capacity", "2")])
    assert status == 303, location
    return location


async def test_a_week_of_slots_then_a_hotline_booking_moved_and_cancelled(client: TestClient) -> None:
    csrf = await admin_session(client)
    await post(client, "/admin/calendar/hours", standard_week(csrf))
    location = await slots_for_next_thursday(client, csrf)
    assert re.fullmatch(r"/admin/appointments\?day=2026-11-30&created=4&run=\d+#slots", location), location
    slots = db_rows(client, "SELECT id FROM appointment_slots WHERE day = '2026-12-03' ORDER BY start_at")
    assert len(slots) == 4
    booking = {"csrf": csrf, "slot_id": str(slots[0][0]), "name": "Nguyễn <b>Văn</b> An", "phone": "0912 345 678",
               "channel": "zalo"}
    status, _, page = await post(client, "/admin/appointments/book", booking)
    assert status == 422 and "Cần đồng ý" in page and 'value="0912 345 678"' in page  # nothing typed is lost
    status, location, _ = await post(client, "/admin/appointments/book", {**booking, "consent": "1"})
    code = re.search(r"booked=([A-Z0-9]+)", location).group(1)
    assert status == 303 and location.startswith("/admin/appointments?day=2026-12-03")
    page = await (await client.get(location)).text()
    assert code in page and "Nguyễn &lt;b&gt;Văn&lt;/b&gt; An" in page and "0912345678" in page  # staff: unmasked
    assert db_rows(client, f"SELECT channel, created_by FROM appointments WHERE code = '{code}'") == [
        ("zalo", "user:admin")]

    status, _, _ = await post(client, f"/admin/appointments/{code}/reschedule?day=2026-12-03",
                              {"csrf": csrf, "slot_id": str(slots[2][0])})
    assert status == 303
    status, _, _ = await post(client, f"/admin/appointments/{code}/cancel?day=2026-12-03", {"csrf": csrf})
    assert status == 303
    assert db_rows(client, f"SELECT status, slot_id FROM appointments WHERE code = '{code}'") == [
        ("cancelled", slots[2][0])]
    status, _, page = await post(client, f"/admin/appointments/{code}/cancel?day=2026-12-03", {"csrf": csrf})
    assert status == 409 and "không thể thay đổi" in page


async def test_no_slot_where_the_office_is_closed_is_said_plainly(client: TestClient) -> None:
    csrf = await admin_session(client)
    await post(client, "/admin/calendar/hours", week_form(csrf, [(1, "07:00", "11:30")]))  # Mondays only
    location = await slots_for_next_thursday(client, csrf)
    page = await (await client.get(location)).text()
    assert "Không tạo khung giờ nào" in page
    status, _, page = await post(client, "/admin/appointments/slots", {"csrf": csrf, "procedure_ids": "1",
                                                                       "day_from": "2026-12-06",
                                                                       "day_to": "2026-11-30", "start": "09:00",
                                                                       "end": "11:00", "length_min": "30",
                                                                       "capacity": "2", "weekdays": "4"})
    assert status == 422 and "đến ngày phải sau từ ngày" in page and 'value="2026-12-06"' in page


async def test_staff_book_for_callers_but_cannot_make_slots_or_edit_the_calendar(client: TestClient) -> None:
    admin_csrf = await admin_session(client)
    await slots_for_next_thursday(client, admin_csrf)  # no hours configured: always open
    r = await client.post("/admin/login?next=/admin/appointments",
                          data={"username": "canbo1", "password": "canbo1-demo"}, allow_redirects=False)
    assert r.status == 303 and r.headers["Location"] == "/admin/appointments"
    page = await (await client.get("/admin/appointments")).text()
    assert "Đặt lịch cho người gọi" in page and "Tạo khung giờ" not in page
    csrf = CSRF.search(page).group(1)
    status, _, page = await post(client, "/admin/appointments/slots", {"csrf": csrf, "procedure_id": "1"})
    assert status == 403 and "không được phép" in page
    assert (await client.get("/admin/calendar")).status == 403
    slot = db_rows(client, "SELECT id FROM appointment_slots ORDER BY start_at LIMIT 1")[0][0]
    status, location, _ = await post(client, "/admin/appointments/book", {
        "csrf": csrf, "slot_id": str(slot), "name": "Trần Thị Bình", "phone": "0987654321", "consent": "1"})
    assert status == 303 and "booked=" in location
    assert db_rows(client, "SELECT channel, created_by FROM appointments") == [("hotline", "user:canbo1")]


async def test_slots_for_three_procedures_over_two_weeks_skip_closed_days_and_hours(client: TestClient) -> None:
    """The office opens 07:00-11:30 and 13:30-17:00 on weekdays; Wednesday 02/12 is a holiday and Thursday 10/12 a
    ngày không hẹn. Slots 11:00-14:00 for three procedures, Monday to Saturday over two weeks: made only in the
    open hours of the eight days that take bookings, and the page says what was skipped and why."""
    csrf = await admin_session(client)
    await post(client, "/admin/calendar/hours", standard_week(csrf))
    status, _, _ = await post(client, "/admin/calendar/holidays", {"csrf": csrf, "day": "2026-12-02",
                                                                   "name": "Nghỉ bù"})
    assert status == 303
    status, _, _ = await post(client, "/admin/calendar/special-days", {
        "csrf": csrf, "name": "Tiếp công dân", "day": "2026-12-10", "tag_ngay_khong_hen": "1"})
    assert status == 303
    procedures = [1, 2, 3]
    status, location, _ = await post(client, "/admin/appointments/slots", [
        ("csrf", csrf), *(("procedure_ids", str(p)) for p in procedures), ("day_from", "2026-11-30"),
        ("day_to", "2026-12-13"), *(("weekdays", str(d)) for d in range(1, 7)), ("start", "11:00"),
        ("end", "14h"), ("length_min", "30"), ("capacity", "2")])
    assert status == 303, location
    # 8 days x 3 procedures x 2 open slots (11:00-11:30 and 13:30-14:00)
    assert "created=48&" in location
    made = db_rows(client, "SELECT procedure_id, day, COUNT(*) FROM appointment_slots GROUP BY procedure_id, day")
    assert {d for _, d, _ in made} == {"2026-11-30", "2026-12-01", "2026-12-03", "2026-12-04", "2026-12-07",
                                       "2026-12-08", "2026-12-09", "2026-12-11"}
    assert {p for p, _, _ in made} == set(procedures) and {n for _, _, n in made} == {2}
    times = db_rows(client, "SELECT DISTINCT strftime('%H:%M', start_at, 'unixepoch', '+7 hours')"
                            " FROM appointment_slots ORDER BY 1")
    assert times == [("11:00",), ("13:30",)]

    page = await (await client.get(location)).text()
    assert "Đã tạo 48 khung giờ." in page
    rows = re.findall(r'<tr data-reason="(\w+)"><td class="id">([\d/]+)</td>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>'
                      r'.*?<td class="id">(\d+)</td></tr>', page, re.S)
    by_day = {(day, reason): (why, spans, int(n)) for reason, day, why, spans, n in rows}
    assert by_day[("02/12/2026", "holiday")] == ("Ngày lễ, nghỉ: Nghỉ bù", "—", 18)
    assert by_day[("10/12/2026", "no_appointments")] == ("Ngày không hẹn: Tiếp công dân", "—", 18)
    assert by_day[("05/12/2026", "closed")][2] == 18  # a Saturday: no hours at all
    assert by_day[("30/11/2026", "closed")] == ("Ngoài giờ làm việc", "11:30–12:00, 12:00–12:30, 12:30–13:00, "
                                                "13:00–13:30", 12)
    assert sum(n for _, _, n in by_day.values()) == 8 * 12 + 2 * 18 + 2 * 18

    # The same form again makes nothing new and says the slots are already there.
    status, location, _ = await post(client, "/admin/appointments/slots", [
        ("csrf", csrf), ("field_ids", "1"), *(("procedure_ids", str(p)) for p in procedures),
        ("day_from", "2026-11-30"), ("day_to", "2026-11-30"), ("weekdays", "1"), ("start", "11:00"),
        ("end", "11:30"), ("length_min", "30"), ("capacity", "2")])
    page = await (await client.get(location)).text()
    assert 'data-reason="exists"' in page and "Khung giờ đã có (giữ nguyên)" in page
    audit = db_rows(client, "SELECT actor, detail FROM audit_log WHERE action = 'appointments.slots' ORDER BY id")
    assert [a for a, _ in audit] == ["user:admin", "user:admin"] and '"created": 48' in audit[0][1]


async def test_slots_without_a_procedure_are_refused_in_vietnamese_keeping_the_form(client: TestClient) -> None:
    csrf = await admin_session(client)
    status, _, page = await post(client, "/admin/appointments/slots", {
        "csrf": csrf, "day_from": "2026-11-30", "day_to": "2026-12-06", "start": "09:00", "end": "11:00",
        "length_min": "30", "capacity": "2", "weekdays": "4"})
    assert status == 422 and "Chọn ít nhất một thủ tục hoặc một lĩnh vực" in page and 'value="2026-12-06"' in page
    assert db_rows(client, "SELECT COUNT(*) FROM appointment_slots") == [(0,)]
