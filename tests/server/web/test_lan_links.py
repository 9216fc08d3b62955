"""Links and QR codes made from a request carry an address other machines can reach (server/lan.py): a kiosk
whose browser runs on the server PC asks at 127.0.0.1, and its tickets' QR codes and the admin's device links
must not send a phone or a TV there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient
from yarl import URL

from server.config import Config
from server.web.lan import lan_address, reachable_origin
from tests.conftest import issue, make_config
from tests.server.pages.test_admin import admin_session

LAN = lan_address()
needs_lan = pytest.mark.skipif(LAN is None, reason="this machine has no LAN address")


@needs_lan
async def test_a_ticket_issued_at_127_0_0_1_has_a_qr_with_the_lan_address(client: TestClient) -> None:
    assert client.host == "127.0.0.1"
    ticket = await issue(client, 1)
    url = URL(ticket["status_url"])
    assert (url.host, url.port, url.path) == (LAN, client.port, f"/t/{ticket['status_token']}")
    r = await client.get(f"/t/{ticket['status_token']}/qr.png")  # the kiosk screen's QR: the same address
    assert r.status == 200 and r.content_type == "image/png"


@needs_lan
async def test_a_device_link_made_at_127_0_0_1_has_the_lan_address(client: TestClient) -> None:
    csrf = await admin_session(client)
    r = await client.post("/admin/devices", data={"csrf": csrf, "id": "tv-2", "kind": "display",
                                                  "name": "TV sảnh 2"})
    link = re.search(r'(http://[^"<\s]+/display\?device=[^"<\s]+)', await r.text()).group(1)
    assert URL(link).host == LAN and URL(link).port == client.port


class TestWithPublicUrl:
    @pytest.fixture
    def config(self, tmp_path: Path) -> Config:
        return make_config(tmp_path, server={"public_url": "https://hanhchinh.example.gov.vn/"})

    async def test_the_configured_public_address_wins(self, client: TestClient) -> None:
        ticket = await issue(client, 1)
        assert ticket["status_url"] == f"https://hanhchinh.example.gov.vn/t/{ticket['status_token']}"


@needs_lan
@pytest.mark.parametrize("origin", ["http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080",
                                    "http://127.0.1.1:8080"])
def test_a_loopback_origin_becomes_the_lan_address(origin: str) -> None:
    assert reachable_origin(origin) == f"http://{LAN}:8080"


def test_an_origin_the_lan_already_reaches_is_kept() -> None:
    assert reachable_origin("http://192.168.1.10:8080") == "http://192.168.1.10:8080"
    assert reachable_origin("http://motcua.local") == "http://motcua.local"
