"""Decisions committed together in one batch see each other's edits: the catalogue cached in memory and the
number series must see every edit at once and never repeat a number, whoever else wrote in between."""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

from aiohttp.test_utils import TestClient

from server.app import policy_from
from server.config import Config
from server.domain.clock import FakeClock, epoch
from server.domain.errors import NotFound
from server.keys import WRITER
from server.services import queue
from server.services.context import Ctx
from server.store.tx import Tx
from tests.conftest import issue

RENAMED = "Đăng ký khai sinh (mẫu mới)"


def _ctx(config: Config, clock: FakeClock) -> Ctx:
    return Ctx(now=epoch(clock.now()), tz=config.tz, policy=policy_from(config), actor="kiosk")


def _edit_catalogue(tx: Tx) -> None:
    tx.execute("UPDATE procedures SET name_vi = ? WHERE id = 1", (RENAMED,))
    tx.execute("UPDATE number_series SET start = 1501 WHERE key = 'HT'")


async def test_a_catalogue_edit_reaches_the_next_decision_of_the_same_batch(
    client: TestClient, config: Config, clock: FakeClock
) -> None:
    """Three decisions queued together are decided in one transaction: the issue after the edit sees the
    new name and the new number block."""
    writer = client.app[WRITER]
    ctx, commits = _ctx(config, clock), writer.commits
    decisions = [writer.run(queue.issue, ctx, queue.IssueRequest(procedure_id=1)),
                 writer.run(_edit_catalogue),
                 writer.run(queue.issue, ctx, queue.IssueRequest(procedure_id=1))]
    before, _, after = await asyncio.gather(*decisions)
    assert writer.commits == commits + 1, "not one batch: the test proves nothing"
    assert before["procedure"]["name_vi"] == "Đăng ký khai sinh" and before["ticket"].number == "1001"
    assert after["procedure"]["name_vi"] == RENAMED
    assert after["ticket"].number == "1502"
    # Another connection (a tool, a second process) edits the catalogue: the writer sees it at once.
    with sqlite3.connect(config.db_file) as other:
        other.execute("UPDATE procedures SET name_vi = 'Khai sinh' WHERE id = 1")
    assert (await issue(client, 1))["procedure"]["name_vi"] == "Khai sinh"


async def test_numbers_go_on_after_another_connection_counted(client: TestClient, config: Config) -> None:
    """A tool or another process that counts the same series meanwhile: the next ticket takes the number
    after theirs."""
    assert (await issue(client, 1))["number"] == "1001"
    with sqlite3.connect(config.db_file) as other:
        other.execute("UPDATE number_seq SET last = last + 2 WHERE series = 'HT'")
    assert (await issue(client, 1))["number"] == "1004"
    assert (await issue(client, 1))["number"] == "1005"


async def test_a_refusal_in_a_batch_repeats_no_number(client: TestClient, config: Config, clock: FakeClock) -> None:
    """A refused decision in a batch rolls back alone (its own SAVEPOINT): the numbers go on without a gap
    and none repeats."""
    writer = client.app[WRITER]
    ctx = _ctx(config, clock)
    assert (await issue(client, 1))["number"] == "1001"
    decisions = [writer.run(queue.issue, ctx, queue.IssueRequest(procedure_id=1)),
                 writer.run(queue.issue, ctx, queue.IssueRequest(procedure_id=999)),
                 writer.run(queue.issue, ctx, queue.IssueRequest(procedure_id=1))]
    results: list[Any] = await asyncio.gather(*decisions, return_exceptions=True)
    assert isinstance(results[1], NotFound)
    assert [results[0]["ticket"].number, results[2]["ticket"].number] == ["1002", "1003"]
    assert (await issue(client, 1))["number"] == "1004"
    with sqlite3.connect(config.db_file) as conn:
        numbers = [r[0] for r in conn.execute("SELECT number FROM tickets WHERE series = 'HT' ORDER BY seq")]
    assert numbers == ["1001", "1002", "1003", "1004"]
