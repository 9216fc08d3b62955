"""A model of a busy office day, for `motcua simulate`: arrivals, a FIFO queue per counter pool,
service times, recalls, transfers, no-shows, cancellations, same-day steps and ratings.

It produces the rows the live server would have written (the `tickets` projection, its `events`
with the same types and data, `steps`, `ratings`), so reports, the hub and benchmarks see realistic
history. Pure Python, seeded `random.Random`: the same seed gives the same office.
"""

from __future__ import annotations

import itertools
import json
import math
import random
from dataclasses import dataclass, field
from typing import Any

from server.store.tx import ulid_at

_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
OPEN = ((7 * 3600, 11 * 3600 + 1800), (13 * 3600 + 1800, 17 * 3600))
SATURDAY = ((7 * 3600, 11 * 3600 + 1800),)
# Relative arrivals per half hour from 7:00: the morning peak, a smaller afternoon one.
HALF_HOURS = {7: 0.6, 7.5: 1.0, 8: 1.5, 8.5: 1.7, 9: 1.6, 9.5: 1.4, 10: 1.1, 10.5: 0.8, 11: 0.4,
              13.5: 0.5, 14: 0.9, 14.5: 1.0, 15: 0.9, 15.5: 0.7, 16: 0.5, 16.5: 0.25}
WEEKDAY_LOAD = {1: 1.3, 2: 1.05, 3: 1.0, 4: 1.0, 5: 0.9, 6: 0.45}
SCORE_WEIGHTS = (1, 2, 33, 64)  # scores 1..4: about "đạt yêu cầu 97%, trong đó mức độ tốt 64%"
PRIORITIES = ("nguoi_cao_tuoi", "nguoi_khuyet_tat", "phu_nu_mang_thai", "mang_tre_nho", "nguoi_co_cong")


def ulid(at: float, rng: random.Random) -> str:
    """A ULID of the instant `at` whose random part is drawn from `rng`: a seeded run makes the same ids."""
    return ulid_at(at, rng.getrandbits(80).to_bytes(10, "big"))


@dataclass
class Office:
    """What the model needs from the catalogue (read from the database by `server.demo.simulate`)."""

    procedures: list[dict[str, Any]]  # id, field_id, series, same_day, steps, service_target_min, weight
    counters: dict[int, tuple[int, str, frozenset[int]]]  # counter id -> (user id, username, field ids)
    leader: tuple[int, str]
    series: dict[str, tuple[int, str, int]]  # key -> (start, prefix, width)
    origin: str
    mobile_series: str = "LD"


@dataclass
class Day:
    tickets: list[tuple] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    steps: list[tuple] = field(default_factory=list)
    ratings: list[tuple] = field(default_factory=list)
    seqs: dict[tuple[str, str], int] = field(default_factory=dict)  # (day, series) -> last number, as number_seq


TICKET_COLUMNS = (
    "id", "day", "series", "seq", "number", "procedure_id", "field_id", "status", "priority", "arrival_at",
    "issued_at", "called_at", "first_called_at", "served_at", "done_at", "counter_id", "target_counter_id",
    "calls", "outcome", "receipt_no", "wrote_forms", "served_by", "public_token", "kiosk_id", "session_id",
    "session_type", "appointment_id", "slot_at", "origin", "hour", "weekday",
)
EVENT_COLUMNS = ("id", "at", "day", "type", "ticket_id", "counter_id", "actor", "from_status", "to_status", "data",
                 "origin")
STEP_COLUMNS = ("id", "ticket_id", "step", "day", "counter_id", "target_min", "started_at", "started_by",
                "ended_at", "ended_by", "overdue_level", "origin")
RATING_COLUMNS = ("id", "ticket_id", "day", "counter_id", "user_id", "procedure_id", "receipt_no", "score",
                  "reason", "channel", "at", "origin", "device_id")


class DayModel:
    def __init__(self, office: Office, rng: random.Random, per_day: float) -> None:
        self.o = office
        self.rng = rng
        self.per_day = per_day
        self.cum = list(itertools.accumulate(p["weight"] for p in office.procedures))
        self.slots = list(HALF_HOURS)
        self.slot_w = list(HALF_HOURS.values())
        self.by_field: dict[int, list[int]] = {}
        for cid, (_, _, fields) in office.counters.items():
            for f in fields:
                self.by_field.setdefault(f, []).append(cid)

    def arrivals(self, weekday: int) -> list[float]:
        """Seconds after local midnight, sorted: Monday peak, Saturday mornings only."""
        rng = self.rng
        n = max(0, int(rng.gauss(self.per_day * WEEKDAY_LOAD[weekday], self.per_day * 0.08)))
        slots, w = (self.slots[:9], self.slot_w[:9]) if weekday == 6 else (self.slots, self.slot_w)
        return sorted(s * 3600 + rng.random() * 1800 for s in rng.choices(slots, w, k=n))

    def run(self, day: str, midnight: float, weekday: int) -> Day:
        rng, o, out = self.rng, self.o, Day()
        close = midnight + (11 * 3600 + 1800 if weekday == 6 else 17 * 3600)
        lunch = (midnight + OPEN[0][1], midnight + OPEN[1][0])
        free = dict.fromkeys(o.counters, midnight + 7 * 3600)
        session = "saturday" if weekday == 6 else "special" if weekday == 3 else "regular"
        for secs in self.arrivals(weekday):
            proc = rng.choices(o.procedures, cum_weights=self.cum)[0]
            mobile = weekday == 5 and rng.random() < 0.1
            self._ticket(out, day, midnight, midnight + secs, proc, free, lunch, close,
                         "mobile" if mobile else session, weekday)
        return out

    def _number(self, out: Day, day: str, series: str) -> tuple[int, str]:
        seq = out.seqs[day, series] = out.seqs.get((day, series), 0) + 1
        start, prefix, width = self.o.series[series]
        value = str(start + seq - 1)
        return seq, prefix + (value.zfill(width) if width else value)

    def _ticket(self, out: Day, day: str, midnight: float, at: float, proc: dict[str, Any], free: dict[int, float],
                lunch: tuple[float, float], close: float, session: str, weekday: int) -> None:
        rng, o = self.rng, self.o
        tid = ulid(at, rng)
        series = o.mobile_series if session == "mobile" else proc["series"]
        seq, number = self._number(out, day, series)
        priority = rng.choice(PRIORITIES) if rng.random() < 0.08 else None
        appointment = ulid(at - 86400, rng) if session != "mobile" and rng.random() < 0.04 else None
        t: dict[str, Any] = {
            "id": tid, "day": day, "series": series, "seq": seq, "number": number, "procedure_id": proc["id"],
            "field_id": proc["field_id"], "status": "waiting", "priority": priority, "arrival_at": at,
            "issued_at": at, "called_at": None, "first_called_at": None, "served_at": None, "done_at": None,
            "counter_id": None, "target_counter_id": None, "calls": 0, "outcome": None, "receipt_no": None,
            "wrote_forms": 0, "served_by": None, "public_token": f"{rng.getrandbits(128):032x}",
            "kiosk_id": None if session == "mobile" else "kiosk-1", "session_id": f"{day}-{o.origin}-{session}",
            "session_type": session,
            "appointment_id": appointment, "slot_at": at + 600 if appointment else None, "origin": o.origin,
            "hour": int((at - midnight) // 3600), "weekday": weekday,
        }
        ev = Events(out, day, tid, o.origin, rng)
        ev.add(at, "ticket.issued", None, "device:kiosk-1", None, "waiting", {
            "number": number, "procedure_id": proc["id"], "field_id": proc["field_id"], "priority": priority,
            "kiosk_id": t["kiosk_id"], "session_type": session, "appointment_id": appointment})
        cid, call = self._counter(proc["field_id"], at, free, lunch)
        r = rng.random()
        if call > close + 1800 or r < 0.015:  # gave up, or still waiting long after closing
            end = min(call, at + rng.uniform(300, 2400)) if call <= close + 1800 else close + 1800
            ev.add(end, "ticket.cancel", None, "system" if end >= close else "device:kiosk-1", "waiting",
                   "cancelled", {})
            t.update(status="cancelled", done_at=end)
            out.tickets.append(tuple(t[c] for c in TICKET_COLUMNS))
            return
        user, actor = o.counters[cid][0], f"user:{o.counters[cid][1]}"
        t.update(status="called", counter_id=cid, called_at=call, first_called_at=call, calls=1, served_by=user)
        ev.add(call, "ticket.call", cid, actor, "waiting", "called", {"calls": 1})
        now = call
        if r < 0.055 or rng.random() < 0.05:  # one recall; the no-shows get it too
            now += rng.uniform(40, 90)
            t.update(calls=2, called_at=now)
            ev.add(now, "ticket.recall", cid, actor, "called", "called", {"calls": 2})
        if r < 0.055:
            now += rng.uniform(40, 90)
            t.update(status="no_show", done_at=now)
            ev.add(now, "ticket.no_show", cid, actor, "called", "no_show", {})
            free[cid] = now
            out.tickets.append(tuple(t[c] for c in TICKET_COLUMNS))
            return
        now += rng.uniform(15, 60)
        t.update(status="serving", served_at=now)
        ev.add(now, "ticket.start", cid, actor, "called", "serving", {})
        if r < 0.075:  # wrong counter or procedure: transferred, waits again, served elsewhere
            now += rng.uniform(90, 300)
            free[cid] = now
            others = [p for p in o.procedures if p["field_id"] != proc["field_id"]]
            proc = rng.choice(others) if others else proc
            ev.add(now, "ticket.transfer", cid, actor, "serving", "waiting", {
                "from_counter": cid, "to_counter": None, "from_procedure": t["procedure_id"],
                "to_procedure": proc["id"]})
            t.update(status="waiting", counter_id=None, served_at=None, procedure_id=proc["id"],
                     field_id=proc["field_id"])
            cid, now = self._counter(proc["field_id"], now, free, lunch)
            user, actor = o.counters[cid][0], f"user:{o.counters[cid][1]}"
            t.update(status="called", counter_id=cid, called_at=now, calls=t["calls"] + 1, served_by=user)
            ev.add(now, "ticket.call", cid, actor, "waiting", "called", {"calls": t["calls"]})
            now += rng.uniform(15, 60)
            t.update(status="serving", served_at=now)
            ev.add(now, "ticket.start", cid, actor, "called", "serving", {})
        target = proc["service_target_min"] * 60
        service = min(rng.lognormvariate(math.log(target * 0.7), 0.45), target * 4)
        start, now = now, now + service
        outcome, receipt = self._outcome(proc, tid)
        wrote = 1 if (weekday == 3 or rng.random() < 0.15) else 0
        data: dict[str, Any] = {"outcome": outcome, "wrote_forms": bool(wrote)}
        if receipt:
            data["receipt_no"] = receipt
        ev.add(now, "ticket.finish", cid, actor, "serving", "done", data)
        t.update(status="done", done_at=now, outcome=outcome, receipt_no=receipt, wrote_forms=wrote)
        free[cid] = now + rng.uniform(20, 150)  # filing the dossier, a word with a colleague
        if proc["same_day"] and outcome == "result_returned" and proc["steps"]:
            self._steps(out, ev, t, proc, start, now, user)
        if rng.random() < 0.65:
            wait = call - at
            w = SCORE_WEIGHTS if wait < 1800 else (4, 8, 40, 48)
            score = rng.choices((1, 2, 3, 4), w)[0]
            rat = now + rng.uniform(5, 25)
            reason = "Chờ lâu" if score <= 2 else None
            out.ratings.append((ulid(rat, rng), tid, day, cid, user, proc["id"], receipt, score, reason, "tablet",
                                rat, o.origin, f"rate-{cid}"))
            rdata: dict[str, Any] = {"score": score, "channel": "tablet"}
            if reason:
                rdata["reason"] = reason
            ev.add(rat, "rating.given", cid, f"device:rate-{cid}", None, None, rdata)
        out.tickets.append(tuple(t[c] for c in TICKET_COLUMNS))

    def _counter(self, field_id: int, at: float, free: dict[int, float],
                 lunch: tuple[float, float]) -> tuple[int, float]:
        """The counter of the field's pool that frees first, and when it calls (no calls over lunch)."""
        pool = self.by_field.get(field_id) or list(free)
        cid = min(pool, key=free.__getitem__)
        call = max(at, free[cid]) + self.rng.uniform(5, 40)
        if lunch[0] <= call < lunch[1]:
            call = lunch[1] + self.rng.uniform(0, 120)
        return cid, call

    def _outcome(self, proc: dict[str, Any], tid: str) -> tuple[str, str | None]:
        r = self.rng.random()
        if proc["same_day"]:
            outcome = "result_returned" if r < 0.9 else "guidance_only" if r < 0.95 else "incomplete"
        else:
            outcome = ("dossier_received" if r < 0.8 else "guidance_only" if r < 0.9 else
                       "incomplete" if r < 0.98 else "refused")
        return outcome, ("HS-" + tid[-8:] if outcome == "dossier_received" else None)

    def _steps(self, out: Day, ev: Events, t: dict[str, Any], proc: dict[str, Any], start: float, end: float,
               user: int) -> None:
        """The 4 tại chỗ steps share the service time in proportion to their targets (approve by the leader)."""
        total = sum(s["target_min"] for s in proc["steps"]) or 1
        at, cid = start, t["counter_id"]
        for s in proc["steps"]:
            d = (end - start) * s["target_min"] / total
            by, name = self.o.leader if s["step"] == "approve" else (user, self.o.counters[cid][1])
            sid = ulid(at, self.rng)
            out.steps.append((sid, t["id"], s["step"], t["day"], cid, s["target_min"], at, by, at + d, by, 0,
                              self.o.origin))
            data = {"step": s["step"], "target_min": s["target_min"], "by": by, "step_id": sid}
            ev.add(at, "step.start", cid, f"user:{name}", None, None, data)
            ev.add(at + d, "step.end", cid, f"user:{name}", None, None, {**data, "elapsed_min": round(d / 60, 1)})
            at += d


class Events:
    """The event rows of one ticket, as `Tx.emit` writes them."""

    def __init__(self, out: Day, day: str, ticket_id: str, origin: str, rng: random.Random) -> None:
        self.out, self.day, self.tid, self.origin, self.rng = out, day, ticket_id, origin, rng

    def add(self, at: float, type_: str, counter: int | None, actor: str, frm: str | None, to: str | None,
            data: dict[str, Any]) -> None:
        self.out.events.append((ulid(at, self.rng), at, self.day, type_, self.tid, counter, actor, frm, to,
                                _ENCODE(data), self.origin))
