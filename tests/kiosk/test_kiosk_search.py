"""Specs for kiosk/search.py: Vietnamese search without diacritics. The browser test
(tests/browser/test_kiosk_search_js.py) runs CASES against kiosk/static/search.js too."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.search import fold, score, search
from server.demo.catalogue import PROCEDURES

# The demo catalogue as the kiosk receives it (listProcedures rows carry these keys).
CATALOGUE: list[dict[str, Any]] = [
    {"id": i, "code": code, "name_vi": vi, "name_en": en, "keywords": kw}
    for i, (code, _f, vi, en, *_rest, kw) in enumerate(PROCEDURES, start=1)
]

# (query, the best match's Vietnamese name, names that must be among the results, names that must not be)
CASES: list[tuple[str, str | None, list[str], list[str]]] = [
    ("ket hon", "Đăng ký kết hôn", [], ["Đăng ký khai sinh"]),
    ("KẾT HÔN", "Đăng ký kết hôn", [], []),
    ("chung thuc", "Chứng thực bản sao từ bản chính",
     ["Chứng thực chữ ký trong giấy tờ, văn bản", "Chứng thực hợp đồng, giao dịch về tài sản", "Chứng thực di chúc"],
     ["Đăng ký kết hôn"]),
    ("dang ky khai tu", "Đăng ký khai tử", [], ["Đăng ký kết hôn"]),
    ("khai sinh", "Đăng ký khai sinh", ["Đăng ký lại khai sinh"], ["Đăng ký khai tử"]),
    ("dat", "Đăng ký biến động quyền sử dụng đất", ["Hòa giải tranh chấp đất đai"], []),
    ("đất đai", "Hòa giải tranh chấp đất đai", [], []),
    ("ho khau", "Đăng ký thường trú", [], []),  # a keyword, not in the name
    ("marriage", "Đăng ký kết hôn", [], []),  # English names are searched too
    ("1.000656", "Đăng ký khai tử", [], []),  # the national portal's code
    ("tam tru", "Đăng ký tạm trú", [], ["Đăng ký thường trú"]),
    ("xyz khong co", None, [], []),
    ("   ", None, [], []),
]


def names(query: str) -> list[str]:
    return [str(item["name_vi"]) for item in search(query, CATALOGUE)]


@pytest.mark.parametrize(("query", "best", "among", "absent"), CASES)
def test_search_finds_procedures_typed_without_diacritics(
    query: str, best: str | None, among: list[str], absent: list[str]
) -> None:
    found = names(query)
    if best is None:
        assert found == []
        return
    assert found[0] == best
    for name in among:
        assert name in found
    for name in absent:
        assert name not in found


def test_fold_drops_tone_marks_and_maps_d_with_stroke() -> None:
    assert fold("Đăng ký  KẾT hôn") == "dang ky ket hon"
    assert fold("Hòa giải tranh chấp đất đai") == "hoa giai tranh chap dat dai"
    # Precomposed and decomposed input fold alike (a phone keyboard may send either).
    assert fold("Chứng thực") == fold("Chu\u031bng thu\u031bc\u0323".replace("u\u031b", "\u01b0"))


def test_every_word_must_match() -> None:
    assert score("ket hon", CATALOGUE[1]) is not None
    assert score("ket hon xyz", CATALOGUE[1]) is None


def test_ties_keep_catalogue_order() -> None:
    found = names("chung thuc")
    order = [n for n in (str(p["name_vi"]) for p in CATALOGUE) if n in found]
    assert found[1:] == [n for n in order if n != found[0]]
