"""The clock's shortcuts give exactly what `datetime` itself gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from server.domain.clock import from_epoch, iso_seconds_at, local_at

ZONES = [ZoneInfo("Asia/Ho_Chi_Minh"), ZoneInfo("Asia/Kolkata"), ZoneInfo("America/St_Johns"),
         ZoneInfo("Europe/Paris"), UTC, timezone(timedelta(hours=-3, minutes=-30))]
# the epoch, now, both sides of a daylight-saving change in Paris, before 1970, a second's last microsecond
INSTANTS = [0.0, 1_795_399_200.999, 1_711_846_799.5, 1_711_846_800.25, -1_000_000_000.5, -0.5,
            1_795_399_200.999999, 4_102_444_799.0, -2_208_988_800.0]


@pytest.mark.parametrize("tz", ZONES, ids=str)
def test_local_time_and_its_iso_text_match_datetime(tz: ZoneInfo) -> None:
    for ts in INSTANTS + INSTANTS[::-1]:  # twice, the second time partly from the one-second memo
        expected = from_epoch(ts).astimezone(tz)
        assert local_at(ts, tz) == expected and local_at(ts, tz).utcoffset() == expected.utcoffset()
        assert iso_seconds_at(ts, tz) == expected.isoformat(timespec="seconds"), ts


def test_the_memo_keeps_one_second_of_one_zone() -> None:
    saigon, paris = ZoneInfo("Asia/Ho_Chi_Minh"), ZoneInfo("Europe/Paris")
    assert iso_seconds_at(1_795_399_200.1, saigon) == "2026-11-23T09:00:00+07:00"
    assert iso_seconds_at(1_795_399_200.9, saigon) == "2026-11-23T09:00:00+07:00"
    assert iso_seconds_at(1_795_399_200.9, paris) == "2026-11-23T03:00:00+01:00"
    assert iso_seconds_at(1_795_399_201.0, saigon) == "2026-11-23T09:00:01+07:00"
    assert iso_seconds_at(-2_208_988_800.0, saigon) == datetime(1900, 1, 1, tzinfo=UTC).astimezone(
        saigon).isoformat(timespec="seconds")  # local mean time: an offset with seconds
