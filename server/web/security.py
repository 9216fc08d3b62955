"""Hostile input: rate limits per device and per IP, login throttling settings, the `[security]` section.

A kiosk whose button is stuck, a child pressing it twenty times, or a script hammering the public
ticket-status page must not fill the queue or starve the server. Each limited request takes a token
from a bucket (burst `b`, one token back every `s` seconds); an empty bucket answers HTTP 429 with
`Retry-After` and a Vietnamese message. Buckets run on the app's clock, so tests move time instead
of sleeping. Staff and admins are never rate-limited: they are few and signed in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from aiohttp import web

from server.auth import LoginThrottle, Principal
from server.config import Config
from server.domain.clock import epoch
from server.domain.errors import DomainError
from server.keys import CLOCK, CONFIG, OFFICE_SETTINGS, PRINCIPAL, RECEIVED_AT, THROTTLE
from server.web.client_address import client_address


def settings(config: Config) -> dict[str, Any]:
    """The `[security]` section (keys, defaults and checks: SecuritySection in server/config.py) as a table,
    for the limiter, the check-in guard, the live limits and the scheduler's device flush."""
    return config.security.model_dump()


@dataclass(slots=True)
class Bucket:
    burst: float
    every_s: float
    tokens: float
    at: float

    def take(self, now: float) -> float:
        """Take one token; answer 0 if granted, else the seconds until one is back."""
        tokens = self.tokens
        if now > self.at:  # (a clock that went back refills nothing)
            tokens += (now - self.at) / self.every_s
            if tokens > self.burst:
                tokens = self.burst
        self.at = now
        if tokens >= 1:
            self.tokens = tokens - 1
            return 0.0
        self.tokens = tokens
        return (1 - tokens) * self.every_s


@dataclass
class RateLimiter:
    """Token buckets keyed by (rule, who). Full buckets are dropped when the table grows, bounding memory."""

    rules: dict[str, tuple[float, float]]
    buckets: dict[tuple[str, str], Bucket] = field(default_factory=dict)
    max_keys: int = 20000

    def check(self, rule: str, who: str, now: float) -> None:
        key = (rule, who)
        bucket = self.buckets.get(key)
        if bucket is None:
            if len(self.buckets) >= self.max_keys:
                self._prune(now)
            burst, every_s = self.rules[rule]
            bucket = self.buckets[key] = Bucket(burst, every_s, burst, now)
        wait = bucket.take(now)
        if wait:
            raise DomainError("rate_limited", status=429, retry_after=max(1, math.ceil(wait)))

    def _prune(self, now: float) -> None:
        for key, b in list(self.buckets.items()):
            if b.tokens + (now - b.at) / b.every_s >= b.burst:
                del self.buckets[key]


LIMITER = web.AppKey("rate_limiter", RateLimiter)


def rule_for(request: web.Request, principal: Principal, public_paths: list[str]) -> tuple[str, str] | None:
    """(rule, who) for a request that is limited, None for one that is not."""
    if isinstance(request.match_info.route.resource, web.StaticResource):
        return None  # a page's own script, style and pictures (/book/static/...) cost a citizen none of the budget
    if principal.role == "kiosk" and request.method == "POST" and request.path == "/api/tickets":
        return "kiosk_issue", principal.device_id or "?"
    if principal.role == "public" and any(request.path.startswith(p) for p in public_paths):
        return "public", ""
    return None


@web.middleware
async def rate_limit(request: web.Request, handler: Any) -> web.StreamResponse:
    """Inside the auth middleware, which has said who is asking: a 429 before the handler runs."""
    app = request.app
    principal = request[PRINCIPAL]
    found = rule_for(request, principal, app[SECURITY]["public_paths"])
    if found is not None:
        rule, who = found
        app[LIMITER].check(rule, who or client_address(request), request[RECEIVED_AT])
    return await handler(request)


class CheckInGuard:
    """Booking codes are guessed, not brute-forced: a kiosk's tries are rate-limited like its tickets, and the
    misses of all kiosks share one bucket, so many kiosks (or a script holding a kiosk's token) cannot together
    try the code space at speed. With 20 misses then one per 30 s, a day allows ~3,000 guesses among 27**6
    (387 million) codes. Staff are never limited. A burst of misses from one kiosk is reported once a window."""

    def __init__(self, conf: dict[str, Any], limiter: RateLimiter, now: float) -> None:
        self.limiter = limiter
        self.misses = Bucket(float(conf["checkin_miss_burst"]), float(conf["checkin_miss_every_s"]),
                             float(conf["checkin_miss_burst"]), now)
        self.alert_misses = int(conf["checkin_alert_misses"])
        self.window_s = float(conf["checkin_alert_window_s"])
        self.recent: dict[str, list[float]] = {}
        self.alerted: dict[str, float] = {}

    def attempt(self, principal: Principal, now: float) -> None:
        """Before a try: a 429 when this kiosk tries too fast, or when the code space has had its misses."""
        if principal.is_person:
            return
        self.limiter.check("checkin", principal.device_id or "?", now)
        wait = replace(self.misses).take(now)  # a look at the bucket: only a miss takes from it
        if wait:
            raise DomainError("checkin_throttled", status=429, retry_after=max(1, math.ceil(wait)))

    def missed(self, principal: Principal, now: float) -> int:
        """After a code that matched no booking: how many misses this kiosk made within the window when they
        call for an alert (once a window), else 0."""
        if principal.is_person:
            return 0
        self.misses.take(now)
        who = principal.device_id or "?"
        if len(self.recent) >= 1000:  # bounded: kiosks are few, the table is only an alert's memory
            self.recent.clear()
        times = [t for t in self.recent.get(who, []) if now - t < self.window_s] + [now]
        self.recent[who] = times
        if len(times) < self.alert_misses or now - self.alerted.get(who, -math.inf) < self.window_s:
            return 0
        self.alerted[who] = now
        return len(times)


CHECKIN_GUARD = web.AppKey("checkin_guard", CheckInGuard)
SECURITY = web.AppKey("security_settings", dict[str, Any])


def _rules(conf: dict[str, Any]) -> dict[str, tuple[float, float]]:
    return {
        "kiosk_issue": (float(conf["kiosk_issue_burst"]), float(conf["kiosk_issue_every_s"])),
        "public": (float(conf["public_burst"]), float(conf["public_every_s"])),
        "checkin": (float(conf["checkin_burst"]), float(conf["checkin_every_s"])),
    }


def _reload(app: web.Application, config: Config, changed: frozenset[str]) -> None:
    """[security] changed on the admin page: the same objects take the new limits (buckets start full again)."""
    if "security" not in changed:
        return
    conf = settings(config)
    app[SECURITY].update(conf)
    app[LIMITER].rules = _rules(conf)
    app[LIMITER].buckets.clear()
    guard = app[CHECKIN_GUARD]
    fresh = CheckInGuard(conf, app[LIMITER], epoch(app[CLOCK].now()))
    guard.misses, guard.alert_misses, guard.window_s = fresh.misses, fresh.alert_misses, fresh.window_s
    app[THROTTLE].limit, app[THROTTLE].window_s = int(conf["login_fail_limit"]), float(conf["login_window_s"])


def setup(app: web.Application) -> None:
    conf = settings(app[CONFIG])
    app[SECURITY] = conf
    app[LIMITER] = RateLimiter(_rules(conf))
    app[CHECKIN_GUARD] = CheckInGuard(conf, app[LIMITER], epoch(app[CLOCK].now()))
    app[THROTTLE] = LoginThrottle(limit=int(conf["login_fail_limit"]), window_s=float(conf["login_window_s"]))
    app[OFFICE_SETTINGS].subscribe(lambda config, changed: _reload(app, config, changed))
