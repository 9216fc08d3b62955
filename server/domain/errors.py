"""Named domain errors. The API's error middleware turns them into JSON with a
human message from the catalogue (`server.messages`)."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refused decision. `code` keys the message catalogue; `status` is the HTTP status."""

    status = 409

    def __init__(self, code: str, status: int | None = None, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params
        if status is not None:
            self.status = status


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Invalid(DomainError):
    status = 422
