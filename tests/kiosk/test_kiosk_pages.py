"""Specs for kiosk/pages.py: the kiosk page is served to registered kiosks with its settings; [kiosk] is checked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from server.app import create_app
from server.config import ConfigError, KioskSection, from_dict
from tests.conftest import make_config


async def test_kiosk_page_carries_its_settings_and_printer(client: TestClient) -> None:
    r = await client.get("/kiosk?device=demo-kiosk-1")
    assert r.status == 200
    html = await r.text()
    assert 'data-printer="kiosk1"' in html and 'data-idle-reset-s="60"' in html and 'data-lang="vi"' in html
    assert "Trung tâm Phục vụ hành chính công xã Hoài Thanh" in html
    assert not re.search(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))", html) and " style=" not in html
    for asset in re.findall(r'(?:src|href)="(/(?:kiosk/)?static/[^"]+)"', html):
        assert (await client.get(asset)).status == 200, asset


async def test_kiosk_page_without_a_valid_device_explains_what_to_do(client: TestClient) -> None:
    for url in ("/kiosk?device=wrong-token", "/kiosk?device=demo-display-hall"):
        r = await client.get(url)
        assert r.status == 403
        html = await r.text()
        assert "Ki-ốt này chưa được đăng ký" in html and "not registered" in html


async def test_kiosk_scripts_and_icons_are_served(client: TestClient) -> None:
    for name in ("kiosk.js", "search.js", "i18n.js", "keyboard.js", "ticket-screen.js", "calendar.js", "status.js",
                 "kiosk.css", "status.css", "icons/HT.svg"):
        assert (await client.get(f"/kiosk/static/{name}")).status == 200, name


def test_kiosk_settings_have_defaults_and_refuse_typos() -> None:
    assert from_dict({}).kiosk == KioskSection()
    assert from_dict({"kiosk": {"idle_reset_s": 30}}).kiosk.idle_reset_s == 30
    with pytest.raises(ConfigError, match="idle_reset"):
        from_dict({"kiosk": {"idle_reset": 30}})
    with pytest.raises(ConfigError, match="ticket_show_s"):
        from_dict({"kiosk": {"ticket_show_s": "20"}})
    with pytest.raises(ConfigError, match="default_lang"):
        from_dict({"kiosk": {"default_lang": "fr"}})


def test_bad_kiosk_section_stops_the_server(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"\[kiosk\]"):
        create_app(make_config(tmp_path, kiosk={"cooldown_s": 0}))
