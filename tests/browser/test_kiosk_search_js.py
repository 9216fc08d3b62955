"""kiosk/static/search.js in real Chromium gives the same answers as kiosk/search.py on the same cases."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser

from kiosk.search import fold, search
from tests.browser.test_kiosk import MakeHall, make_hall, open_kiosk  # noqa: F401  (fixture)
from tests.kiosk.test_kiosk_search import CASES, CATALOGUE

pytestmark = pytest.mark.browser


async def test_js_search_matches_the_python_reference(browser: Browser, make_hall: MakeHall) -> None:  # noqa: F811
    hall = await make_hall()
    page = await open_kiosk(browser, hall)
    queries = [case[0] for case in CASES]
    answers = await page.evaluate(
        """async ([queries, items]) => {
            const m = await import("/kiosk/static/search.js");
            return queries.map((q) => [m.fold(q), m.search(q, items).map((p) => p.name_vi)]);
        }""",
        [queries, CATALOGUE],
    )
    for query, (folded, names) in zip(queries, answers, strict=True):
        assert folded == fold(query), query
        assert names == [p["name_vi"] for p in search(query, CATALOGUE)], query
    for (query, best, _among, _absent), (_f, names) in zip(CASES, answers, strict=True):
        assert (names[0] if names else None) == best, query
