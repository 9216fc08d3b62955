"""Accounts, roles, device tokens and the permission table.

Roles: admin, leader, staff (people, password sign-in); kiosk, display, rating
(devices, a token each); public (nobody signed in). `PERMISSIONS` maps each API
operation to the roles allowed; the authorisation-matrix test reads the same table.
Tokens are random; only their SHA-256 is stored, so a copied database holds no usable token.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from server.domain.errors import DomainError, Forbidden
from server.store import accounts
from server.store.tx import Tx

PEOPLE = ("admin", "leader", "staff")
DEVICES = ("kiosk", "display", "rating")
ROLES = (*PEOPLE, *DEVICES, "public")
ANY = frozenset(ROLES)
STAFF = frozenset({"admin", "leader", "staff"})
SUPERVISORS = frozenset({"admin", "leader"})

PERMISSIONS: dict[str, frozenset[str]] = {
    "login": ANY,
    "logout": STAFF,
    "whoAmI": ANY,
    "issueTicket": frozenset({"kiosk", *STAFF}),
    "getTicket": frozenset({"kiosk", *STAFF}),
    "getTicketStatus": ANY,
    "listQueue": frozenset({"display", *STAFF}),
    "callNext": STAFF,
    "callTicket": STAFF,
    "recallTicket": STAFF,
    "markNoShow": STAFF,
    "transferTicket": STAFF,
    "startService": STAFF,
    "finishService": STAFF,
    "cancelTicket": STAFF,
    "signInCounter": STAFF,
    "signOutCounter": STAFF,
    "releaseCounter": SUPERVISORS,
    "listCounters": ANY,
    "listProcedures": ANY,
    "listFields": ANY,
    "listPriorityCategories": ANY,
    "getOffice": ANY,
    "liveEvents": ANY,
}

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """A header that is not UTF-8 reaches us as surrogates (aiohttp decodes with surrogateescape): such a token
    hashes to what matches no token, instead of failing the request with a 500."""
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


@dataclass(frozen=True)
class Principal:
    role: str
    user_id: int | None = None
    username: str | None = None
    display_name: str | None = None
    device_id: str | None = None
    printer_id: str | None = None
    device_counter_id: int | None = None
    layout: str = ""
    token_hash: str | None = None

    @property
    def actor(self) -> str:
        if self.username:
            return f"user:{self.username}"
        if self.device_id:
            return f"device:{self.device_id}"
        return "public"

    @property
    def is_person(self) -> bool:
        return self.role in PEOPLE


PUBLIC = Principal(role="public")


def allowed(principal: Principal, roles: frozenset[str]) -> bool:
    return principal.role in roles


def require(principal: Principal, roles: frozenset[str]) -> None:
    if not allowed(principal, roles):
        if principal.role == "public":
            raise DomainError("auth_required", status=401)
        raise Forbidden("forbidden_role", role=principal.role)


class Sessions:
    """Token -> principal, cached in memory; counter sign-ins mirrored from the database."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[Principal, float]] = {}
        self.counter_of: dict[int, int] = {}
        # user id -> (message code, its parameters): why a holder who lost their counter (taken over, released by
        # a leader, lapsed) is refused there, until they sign in at a counter again
        self._lost: dict[int, tuple[str, dict[str, Any]]] = {}

    def resolve(self, conn: Any, token: str, now: float) -> Principal | None:
        h = token_hash(token)
        hit = self._cache.get(h)
        if hit is not None:
            principal, expires = hit
            if expires > now:
                return principal
            del self._cache[h]
        user = accounts.token_user(conn, h, now)
        if user is not None:
            p = Principal(
                role=user["role"], user_id=user["id"], username=user["username"],
                display_name=user["display_name"], token_hash=h,
            )
            # re-read at least every 5 minutes: an account disabled from another process (`motcua user disable`)
            # stops working without a restart
            self._cache[h] = (p, min(user["expires_at"], now + 300))
            return p
        device = accounts.device_by_token(conn, h)
        if device is not None:
            p = Principal(
                role=device["kind"], device_id=device["id"], display_name=device["name"],
                printer_id=device["printer_id"], device_counter_id=device["counter_id"],
                layout=device["layout"] or "", token_hash=h,
            )
            self._cache[h] = (p, now + 300)
            return p
        return None

    def forget(self, h: str) -> None:
        self._cache.pop(h, None)

    def forget_all(self) -> None:
        self._cache.clear()

    def signed_in(self, user_id: int, counter_id: int, displaced: dict[str, Any] | None, by: str | None) -> None:
        """Mirror a committed sign-in. A holder it took the counter from loses it here at once, and is
        told who took it when they next try to act there."""
        self.counter_of[user_id] = counter_id
        self._lost.pop(user_id, None)
        if displaced is not None:
            self.lost(displaced["user_id"], counter_id, "counter_taken_over",
                      counter=displaced["counter"], user=by or "?")

    def signed_out(self, user_id: int) -> None:
        self.counter_of.pop(user_id, None)
        self._lost.pop(user_id, None)

    def lost(self, user_id: int, counter_id: int, code: str, **params: Any) -> None:
        """Mirror a committed takeover, release or lapse: the holder loses `counter_id` at once and is refused
        there with `code` (which says who or what ended their sign-in) when they next try to act."""
        if self.counter_of.get(user_id) == counter_id:
            del self.counter_of[user_id]
        self._lost[user_id] = (code, params)

    def held_counter(self, principal: Principal) -> int | None:
        """The counter a staff member acts from; None for leaders and admins, who may act anywhere."""
        if principal.role in SUPERVISORS:
            return None
        if principal.role != "staff" or principal.user_id is None:
            raise Forbidden("forbidden_role", role=principal.role)
        signed = self.counter_of.get(principal.user_id)
        if signed is None:
            lost = self._lost.get(principal.user_id)
            if lost is not None:
                raise Forbidden(lost[0], **lost[1])
            raise Forbidden("not_signed_in_counter")
        return signed

    def require_counter(self, principal: Principal, counter_id: int) -> None:
        """Staff act only at the counter they signed in to; leaders and admins may act anywhere."""
        signed = self.held_counter(principal)
        if signed is not None and signed != counter_id:
            raise Forbidden("not_your_counter", signed_in=signed, counter=counter_id)


def check_hash(password_hash: str | None, password: str) -> bool:
    """The slow half of a sign-in (argon2: tens of milliseconds), run in a worker thread, never in the
    writer or on an event loop. No account (None) is checked against a dummy hash, so the time taken
    does not reveal which names exist."""
    if password_hash is None:
        verify_password(_DUMMY_HASH, password)
        return False
    return verify_password(password_hash, password)


def check_password(user: dict[str, Any] | None, password: str) -> bool:
    """`check_hash` for an office account: a disabled one counts as none."""
    return check_hash(user["password_hash"] if user is not None and user["active"] else None, password)


def open_session(tx: Tx, user: dict[str, Any], now: float, ttl_s: float) -> tuple[str, dict[str, Any]]:
    """The write half, once the password matched: refused if the account changed in between."""
    current = accounts.user_by_name(tx, user["username"])
    if current is None or not current["active"] or current["password_hash"] != user["password_hash"]:
        raise DomainError("bad_credentials", status=401)
    token = new_token()
    accounts.insert_token(tx, token_hash(token), user["id"], now, now + ttl_s)
    accounts.delete_expired_tokens(tx, now)
    accounts.audit(tx, now, f"user:{user['username']}", "login", {})
    return token, {k: user[k] for k in ("id", "username", "display_name", "role")}


_DUMMY_HASH = hash_password(secrets.token_hex(8))


class LoginThrottle:
    """Failed sign-ins per (client address, username): after `limit` in `window_s`, wait until the window passes.

    The table is bounded: a guest trying thousands of made-up names must not grow it until the server runs
    out of memory. Only failures make an entry; past `max_keys` the expired ones go first, then the keys
    with the fewest (and oldest) failures, so a spray of one-off names cannot push out an account that is
    being guessed at."""

    def __init__(self, limit: int = 5, window_s: float = 300.0, max_keys: int = 10_000) -> None:
        self.limit = limit
        self.window_s = window_s
        self.max_keys = max_keys
        self._fails: dict[tuple[str, str], list[float]] = {}

    def __len__(self) -> int:
        return len(self._fails)

    def _recent(self, key: tuple[str, str], now: float) -> list[float]:
        fails = [t for t in self._fails.get(key, ()) if now - t < self.window_s]
        if fails:
            self._fails[key] = fails
        else:
            self._fails.pop(key, None)
        return fails

    def check(self, ip: str, username: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        fails = self._recent((ip, username), now)
        if len(fails) >= self.limit:
            raise DomainError("login_throttled", status=429, retry_after=int(self.window_s - (now - fails[0])) + 1)

    def failed(self, ip: str, username: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        key = (ip, username)
        if key not in self._fails and len(self._fails) >= self.max_keys:
            self._make_room(now)
        fails = self._recent(key, now)
        fails.append(now)
        self._fails[key] = fails[-self.limit:]  # more than `limit` changes nothing

    def _make_room(self, now: float) -> None:
        for key in list(self._fails):
            self._recent(key, now)
        if len(self._fails) >= self.max_keys:
            ranked = sorted(self._fails, key=lambda k: (len(self._fails[k]), self._fails[k][-1]))
            for key in ranked[: len(ranked) - self.max_keys * 3 // 4]:
                del self._fails[key]

    def succeeded(self, ip: str, username: str) -> None:
        self._fails.pop((ip, username), None)


_CSRF_KEY = secrets.token_bytes(32)


def csrf_token(token: str) -> str:
    """A per-session CSRF token: forms and cookie-authenticated requests must send it back."""
    import hmac

    return hmac.new(_CSRF_KEY, token.encode(), hashlib.sha256).hexdigest()[:32]
