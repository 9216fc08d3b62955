"""The sync protocol shared by a centre's client and the hub: what a batch carries, what is
stripped before it leaves the centre, and the messages both sides answer with.

A batch is the centre's events after the seq the hub last acknowledged (`after`), in seq order,
plus the current rows (tickets, steps, ratings) of the tickets those events touch, each row
stamped with `version` = the highest event seq of its ticket at the centre. The hub keeps a row
only when its version is not older than what it holds, so replays and reordering never regress.
The events are the audit trail; the rows let the hub run the very same report SQL as an office.
"""

from __future__ import annotations

import functools
import re
from typing import Annotated, Any, NotRequired, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, with_config
from typing_extensions import TypedDict  # pydantic needs this one before Python 3.12

from server.domain.errors import DomainError
from server.web.errors import describe_validation

PROTOCOL_VERSION = 1
M = TypeVar("M", bound=BaseModel)
MAX_BATCH_EVENTS = 5000

# Columns the hub keeps of each centre table. Anything else a part adds at the centre stays there.
# Never: names, phone numbers, free text from citizens (rating reasons), the ticket's status-page token.
TICKET_COLUMNS = (
    "id", "day", "series", "seq", "number", "procedure_id", "field_id", "status", "priority", "arrival_at",
    "issued_at", "called_at", "first_called_at", "served_at", "done_at", "counter_id", "target_counter_id",
    "calls", "outcome", "receipt_no", "wrote_forms", "served_by", "kiosk_id", "session_id", "session_type",
    "appointment_id", "slot_at", "origin", "hour", "weekday",
)
STEP_COLUMNS = (
    "id", "ticket_id", "step", "day", "counter_id", "target_min", "started_at", "started_by", "ended_at",
    "ended_by", "overdue_level", "origin",
)
RATING_COLUMNS = (
    "id", "ticket_id", "day", "counter_id", "user_id", "procedure_id", "receipt_no", "score", "channel", "at",
    "origin",
)
ROW_TABLES: dict[str, tuple[str, ...]] = {"tickets": TICKET_COLUMNS, "steps": STEP_COLUMNS, "ratings": RATING_COLUMNS}
EVENT_COLUMNS = ("seq", "id", "at", "day", "type", "ticket_id", "counter_id", "actor", "from_status", "to_status",
                 "data", "origin")
FIELD_COLUMNS = ("id", "code", "name_vi", "name_en")
PROCEDURE_COLUMNS = ("id", "code", "name_vi", "name_en", "field_id", "service_target_min", "legal_days", "same_day",
                     "letter")  # letter: the letters report's procedures (a centre of before sends none: NULL)

# Keys dropped from event data at any depth: personal data stays in the centre (Decree 13/2023).
PERSONAL_MARKERS = ("name", "phone", "email", "cccd", "id_card", "address", "birth", "note", "reason", "comment")


_PERSONAL = re.compile("|".join(PERSONAL_MARKERS), re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def is_personal(key: str) -> bool:
    """Cached: event data use a few dozen keys, and ingest asks about each of them ~5 times per event."""
    return _PERSONAL.search(key) is not None


@functools.lru_cache(maxsize=4096)
def _no_personal_key(keys: tuple[str, ...]) -> bool:
    """Cached per key set: an event type's data keeps the same few keys, so this is one lookup per event."""
    return not any(is_personal(k) for k in keys)


def strip_personal(value: Any) -> Any:
    """Event data without personal keys (names, phones, free text), at any depth: a copy when something is
    dropped, else the value itself (most events: flat data with no personal key; never mutated after)."""
    if isinstance(value, dict):
        if _no_personal_key(tuple(value)):
            for v in value.values():
                if type(v) is dict or type(v) is list:
                    break
            else:
                return value
        return {k: strip_personal(v) for k, v in value.items() if not is_personal(k)}
    if isinstance(value, list):
        return [strip_personal(v) for v in value]
    return value


def actor_kind(actor: str | None) -> str | None:
    """'user:lan.nguyen' -> 'user': a username can be a person's name, so only its kind travels."""
    return actor.split(":", 1)[0] if actor else actor


@with_config(ConfigDict(extra="forbid"))
class Event(TypedDict):
    """One event as it travels. A TypedDict, not a model: pydantic checks every field with the same rules and
    messages, but hands back a plain dict instead of building an object per event (the larger part of
    validating a 5,000-event batch). Absent optional keys stay absent: read them with `.get`."""

    seq: Annotated[int, Field(ge=1)]
    id: Annotated[str, Field(min_length=1, max_length=64)]
    at: float
    day: Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    type: Annotated[str, Field(min_length=1, max_length=64)]
    ticket_id: NotRequired[str | None]
    counter_id: NotRequired[int | None]
    actor: NotRequired[str | None]
    from_status: NotRequired[str | None]
    to_status: NotRequired[str | None]
    data: NotRequired[dict[str, Any]]
    origin: NotRequired[str]


class Catalog(BaseModel):
    model_config = ConfigDict(extra="forbid")
    hash: str = Field(min_length=1, max_length=128)
    fields: list[dict[str, Any]]
    procedures: list[dict[str, Any]]
    # The day the centre began the "Hành chính phục vụ người dân" model ([reports] letters_since): column (3) of
    # the province's letters table. Absent from a centre of before (the hub keeps what it had).
    letters_since: str | None = Field(None, pattern=r"^(\d{4}-\d{2}-\d{2})?$")


class Batch(BaseModel):
    """One POST /api/sync/batch. `after` is the seq the centre believes the hub holds."""

    model_config = ConfigDict(extra="forbid")
    protocol: int = PROTOCOL_VERSION
    centre: str = Field(min_length=1, max_length=64)
    after: int = Field(ge=0)
    head: int = Field(ge=0, description="the centre's newest event seq (for the lag shown on the dashboard)")
    events: list[Event] = Field(default_factory=list, max_length=MAX_BATCH_EVENTS)
    rows: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)
    catalog: Catalog | None = None


def validated(model: type[M], raw: bytes) -> M:
    """A request body as `model`, parsed and validated in one pass by pydantic (no Python dicts built
    first): 400 bad_json when it is not JSON, 422 invalid_input naming each wrong field."""
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            raise DomainError("bad_json", status=400) from exc
        raise DomainError("invalid_input", status=422, detail=describe_validation(exc)) from exc


def parse_batch(raw: bytes) -> Batch:
    """A request body as a checked batch. Refuses, storing nothing: not JSON (400 bad_json), a field that
    breaks the protocol (422 invalid_input, naming it), another protocol version (422 hub_protocol), events
    not in increasing seq order above `after` (422 hub_batch_order)."""
    batch = validated(Batch, raw)
    if batch.protocol != PROTOCOL_VERSION:
        raise DomainError("hub_protocol", status=422, got=batch.protocol, want=PROTOCOL_VERSION)
    last = batch.after
    for e in batch.events:
        if e["seq"] <= last:
            raise DomainError("hub_batch_order", status=422, after=batch.after)
        last = e["seq"]
    return batch


