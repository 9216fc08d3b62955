"""The demo commune office: real commune-level procedures (codes as on the national public
service portal), six counters, staff accounts and devices. Used by `motcua demo` and by tests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import Table

from server import auth
from server.store import accounts
from server.store.tx import Tx

FOUR_STEPS = [("receive", 5), ("appraise", 10), ("approve", 10), ("return", 5)]
THREE_STEPS = [("receive", 5), ("appraise", 5), ("return", 3)]

SERIES = [
    ("HT", "Hộ tịch", 1001, 1999), ("CT", "Chứng thực", 2001, 2999), ("DD", "Đất đai - Xây dựng", 3001, 3999),
    ("XH", "Văn hóa - Xã hội", 4001, 4999), ("KD", "Kinh doanh - Cư trú", 5001, 5999),
    ("LD", "Phiên lưu động", 9001, 9999),
]

# code, name_vi, name_en, series, icon
FIELDS = [
    ("HT", "Hộ tịch", "Civil status", "HT", "👪"),
    ("CT", "Chứng thực", "Certification", "CT", "📄"),
    ("DD", "Đất đai - Xây dựng", "Land and construction", "DD", "🏠"),
    ("XH", "Văn hóa - Xã hội", "Culture and social affairs", "XH", "🤝"),
    ("KD", "Kinh doanh - Cư trú", "Business and residence", "KD", "🏪"),
]

# code, field, name_vi, name_en, legal_days, same_day, steps, service_target_min, letter, keywords
PROCEDURES = [
    ("1.001193", "HT", "Đăng ký khai sinh", "Birth registration", 0, True, FOUR_STEPS, 15, "congratulation",
     "giay khai sinh"),
    ("1.000894", "HT", "Đăng ký kết hôn", "Marriage registration", 0, True, FOUR_STEPS, 20, "congratulation", "cuoi"),
    ("1.000656", "HT", "Đăng ký khai tử", "Death registration", 0, True, FOUR_STEPS, 15, "condolence", "mat"),
    ("1.004873", "HT", "Cấp Giấy xác nhận tình trạng hôn nhân", "Certificate of marital status", 3, False,
     FOUR_STEPS, 10, None, "doc than"),
    ("1.004746", "HT", "Đăng ký nhận cha, mẹ, con", "Recognition of parent or child", 3, False, FOUR_STEPS, 20,
     None, ""),
    ("1.004772", "HT", "Thay đổi, cải chính, bổ sung thông tin hộ tịch", "Changing or correcting civil-status data",
     3, False, FOUR_STEPS, 15, None, "sua ten"),
    ("2.000635", "HT", "Cấp bản sao trích lục hộ tịch", "Copy of a civil-status extract", 0, True, THREE_STEPS, 8,
     None, "trich luc"),
    ("1.004859", "HT", "Đăng ký lại khai sinh", "Re-registration of a birth", 5, False, FOUR_STEPS, 15, None, ""),
    ("2.000908", "HT", "Liên thông: đăng ký khai sinh, thường trú, cấp thẻ BHYT cho trẻ dưới 6 tuổi",
     "Linked: birth, residence and health insurance for a child under 6", 10, False, FOUR_STEPS, 20,
     "congratulation", "3 trong 1 bao hiem"),
    ("2.000815", "CT", "Chứng thực bản sao từ bản chính", "Certified copy from the original", 0, True,
     THREE_STEPS, 5, None, "sao y photo"),
    ("2.000884", "CT", "Chứng thực chữ ký trong giấy tờ, văn bản", "Certification of a signature", 0, True,
     THREE_STEPS, 8, None, "chu ky"),
    ("2.001035", "CT", "Chứng thực hợp đồng, giao dịch về tài sản", "Certification of a property contract", 2,
     False, FOUR_STEPS, 25, None, "hop dong mua ban"),
    ("2.001019", "CT", "Chứng thực di chúc", "Certification of a will", 2, False, FOUR_STEPS, 25, None, ""),
    ("1.004227", "DD", "Đăng ký biến động quyền sử dụng đất", "Registration of a land-use change", 10, False,
     FOUR_STEPS, 20, None, "so do chuyen nhuong"),
    ("1.003554", "DD", "Hòa giải tranh chấp đất đai", "Mediation of a land dispute", 45, False, FOUR_STEPS, 30,
     None, ""),
    ("1.009994", "DD", "Cấp giấy phép xây dựng nhà ở riêng lẻ", "Building permit for a family house", 15, False,
     FOUR_STEPS, 20, None, "xay nha"),
    ("1.001776", "XH", "Trợ cấp xã hội hằng tháng", "Monthly social allowance", 15, False, FOUR_STEPS, 20, None,
     "bao tro"),
    ("1.001731", "XH", "Hỗ trợ chi phí mai táng", "Funeral cost support", 3, False, FOUR_STEPS, 15, None, ""),
    ("1.001699", "XH", "Xác định, xác định lại mức độ khuyết tật", "Assessment of disability", 20, False,
     FOUR_STEPS, 20, None, ""),
    ("1.000489", "XH", "Xác nhận hộ nghèo, hộ cận nghèo", "Confirmation of a poor household", 7, False, FOUR_STEPS,
     15, None, ""),
    ("1.003423", "XH", "Cấp giấy xác nhận người có công", "Certificate for people with meritorious service", 10,
     False, FOUR_STEPS, 15, None, "thuong binh liet si"),
    ("2.000575", "KD", "Đăng ký thành lập hộ kinh doanh", "Household business registration", 3, False,
     FOUR_STEPS, 20, None, "buon ban"),
    ("1.004194", "KD", "Đăng ký thường trú", "Permanent residence registration", 7, False, FOUR_STEPS, 15, None,
     "ho khau"),
    ("1.004222", "KD", "Đăng ký tạm trú", "Temporary residence registration", 3, False, FOUR_STEPS, 10, None, ""),
    ("1.010199", "KD", "Đăng ký hoạt động lễ hội, quảng cáo", "Registration of a festival or advertisement", 5,
     False, FOUR_STEPS, 10, None, ""),
]

# number, name_vi, name_en, served fields
COUNTERS = [
    (1, "Quầy số 1", "Counter 1", ["CT"]),
    (2, "Quầy số 2", "Counter 2", ["CT", "KD"]),
    (3, "Quầy số 3", "Counter 3", ["HT"]),
    (4, "Quầy số 4", "Counter 4", ["HT", "KD"]),
    (5, "Quầy số 5", "Counter 5", ["DD"]),
    (6, "Quầy số 6", "Counter 6", ["XH"]),
]

PRIORITY = [
    ("nguoi_cao_tuoi", "Người cao tuổi", "Elderly person"),
    ("nguoi_khuyet_tat", "Người khuyết tật", "Person with a disability"),
    ("phu_nu_mang_thai", "Phụ nữ mang thai", "Pregnant woman"),
    ("mang_tre_nho", "Người mang theo trẻ nhỏ", "Person carrying a small child"),
    ("nguoi_co_cong", "Người có công với cách mạng", "Person with meritorious service"),
]


@dataclass(frozen=True)
class DemoLogins:
    users: list[tuple[str, str, str]]  # username, password, role
    devices: list[tuple[str, str, str]]  # id, kind, token


def seed_catalog(tx: Tx, office_code: str, office_name: str, *, demo: bool = False) -> None:
    """The catalogue skeleton; `demo` marks the database as the demo's, so `motcua demo` may renew it later
    and never mistakes an office's database for its own (`is_demo_office`)."""
    db = Database(tx.conn)
    settings = json.dumps({"demo": True} if demo else {})
    db.table("office").insert({"id": 1, "code": office_code, "name": office_name, "address": "", "settings": settings})
    db.table("number_series").insert_all(
        [{"key": k, "name": n, "start": s, "end": e, "prefix": "", "width": 0} for k, n, s, e in SERIES]
    )
    field_ids: dict[str, int] = {}
    for sort, (code, vi, en, series, icon) in enumerate(FIELDS):
        field_ids[code] = _insert_id(
            db.table("fields"),
            {"code": code, "name_vi": vi, "name_en": en, "series": series, "sort": sort, "icon": icon},
        )
    for sort, (code, fcode, vi, en, days, same, steps, target, letter, kw) in enumerate(PROCEDURES):
        db.table("procedures").insert({
            "code": code, "name_vi": vi, "name_en": en, "field_id": field_ids[fcode], "legal_days": days,
            "same_day": int(same), "steps": json.dumps([{"step": s, "target_min": m} for s, m in steps]),
            "service_target_min": target, "letter": letter, "kiosk_visible": 1, "active": 1, "sort": sort,
            "keywords": kw,
        })
    for number, vi, en, fields in COUNTERS:
        cid = _insert_id(db.table("counters"), {"number": number, "name_vi": vi, "name_en": en})
        for f in fields:
            db.table("counter_services").insert({"counter_id": cid, "field_id": field_ids[f], "procedure_id": None})
    db.table("priority_categories").insert_all(
        [{"code": c, "name_vi": vi, "name_en": en, "active": 1, "sort": i} for i, (c, vi, en) in enumerate(PRIORITY)]
    )


def _insert_id(table: Table, row: dict[str, Any]) -> int:
    """The id of the row just inserted (sqlite-utils types ``last_pk`` as optional; an insert always sets it)."""
    pk = table.insert(row).last_pk
    if pk is None:
        raise RuntimeError(f"no id after inserting into {table.name}")
    return int(pk)


def is_demo_office(office: dict[str, Any] | None) -> bool:
    """True for the office row `seed_demo` wrote: only such a database is the demo's to delete."""
    return bool(office and office["settings"].get("demo") is True)


DEMO_OFFICE_NAME = "Trung tâm Phục vụ hành chính công xã Hoài Thanh"


def seed_demo(tx: Tx, now: float, office_code: str = "demo", office_name: str = DEMO_OFFICE_NAME) -> DemoLogins:
    """A full demo office. Demo passwords are fixed and printed: never use them in production."""
    seed_catalog(tx, office_code, office_name, demo=True)
    users = [("admin", "admin-demo", "admin", "Quản trị viên"),
             ("lanhdao", "lanhdao-demo", "leader", "Chủ tịch UBND xã")]
    staff_names = ["Nguyễn Thị Lan", "Trần Văn Minh", "Lê Thị Hồng", "Phạm Văn Hùng", "Võ Thị Mai", "Đặng Văn Nam"]
    users += [(f"canbo{i}", f"canbo{i}-demo", "staff", name) for i, name in enumerate(staff_names, start=1)]
    for username, password, role, name in users:
        accounts.insert_user(tx, username, name, role, auth.hash_password(password), now)
    # id, kind, token, name, printer, counter, TV layout
    devices: list[tuple[str, str, str, str, str | None, int | None, str]] = [
        ("kiosk-1", "kiosk", "demo-kiosk-1", "Ki-ốt sảnh chính", "kiosk1", None, ""),
        ("tv-hall", "display", "demo-display-hall", "TV sảnh", None, None, "hall"),
    ]
    devices += [(f"rate-{n}", "rating", f"demo-rate-{n}", f"Máy đánh giá quầy {n}", None, n, "")
                for n, *_ in COUNTERS]
    for device_id, kind, token, name, printer, counter, layout in devices:
        accounts.insert_device(tx, device_id, kind, name, auth.token_hash(token), printer, counter, layout)
    return DemoLogins(users=[(u, p, r) for u, p, r, _ in users], devices=[(d, k, t) for d, k, t, *_ in devices])
