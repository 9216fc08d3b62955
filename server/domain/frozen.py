"""A faster `__init__` and `replace` for the frozen dataclasses built on every request.

A frozen dataclass's generated `__init__` sets each field through `object.__setattr__` (frozen
classes forbid `self.x = x`): ~1,600 CPU instructions a field on CPython 3.11, so 48,000 to build one
`Ticket` of 29 fields, and `dataclasses.replace` pays it again after a `getattr` per field. These write
the instance's `__dict__` directly, which is what `object.__setattr__` ends up doing for a class without
slots: same signature, same defaults, same frozen instance afterwards (tests/test_frozen.py compares).
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")
_MISSING = dataclasses.MISSING
_FACTORY = object()  # "not given": the field's default_factory makes its value
_RESERVED = frozenset({"self", "_dict_", "_FACTORY"})


def fast_init(cls: type[T]) -> type[T]:
    """Replace a frozen dataclass's `__init__` with one that writes straight into `__dict__`.

    Only for fields with a value or a default (or default_factory), none `init=False` or `kw_only`, and
    no `__post_init__`: anything else is refused here, at import, rather than built differently."""
    if not dataclasses.is_dataclass(cls) or not cls.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        raise TypeError(f"{cls.__name__}: fast_init is for frozen dataclasses")
    params = dataclasses.fields(cls)
    if hasattr(cls, "__post_init__") or hasattr(cls, "__slots__"):
        raise TypeError(f"{cls.__name__}: fast_init does not run __post_init__ or fill slots")
    defaults: dict[str, Any] = {"_FACTORY": _FACTORY}
    args, body = [], []
    for f in params:
        if not f.init or f.kw_only or f._field_type is not dataclasses._FIELD:  # type: ignore[attr-defined]
            raise TypeError(f"{cls.__name__}.{f.name}: fast_init takes plain fields only")
        if f.name in _RESERVED:
            raise TypeError(f"{cls.__name__}.{f.name}: a name the generated __init__ uses itself")
        if f.default_factory is not _MISSING:  # as dataclasses does: a sentinel default, a new value each time
            defaults[f"_f_{f.name}"] = f.default_factory
            args.append(f"{f.name}=_FACTORY")
            body.append(f"    _dict_[{f.name!r}] = _f_{f.name}() if {f.name} is _FACTORY else {f.name}\n")
            continue
        if f.default is _MISSING:
            args.append(f.name)
        else:
            defaults[f"_d_{f.name}"] = f.default
            args.append(f"{f.name}=_d_{f.name}")
        body.append(f"    _dict_[{f.name!r}] = {f.name}\n")
    names = [f.name for f in params]
    source = f"def __init__(self, {', '.join(args)}):\n    _dict_ = self.__dict__\n{''.join(body)}"
    namespace: dict[str, Any] = {}
    exec(source, defaults, namespace)  # noqa: S102  (built from the class's own field names)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init  # type: ignore[misc]
    cls.__fast_fields__ = frozenset(names)  # type: ignore[attr-defined]
    return cls


def replace(obj: T, **changes: Any) -> T:
    """`dataclasses.replace` for a `fast_init` class: a copy of its fields with `changes` applied."""
    cls = type(obj)
    if not changes.keys() <= cls.__fast_fields__:  # type: ignore[attr-defined]
        unknown = changes.keys() - cls.__fast_fields__  # type: ignore[attr-defined]
        raise TypeError(f"{cls.__name__} has no field {', '.join(sorted(unknown))}")
    new = object.__new__(cls)
    state, old = new.__dict__, obj.__dict__
    if len(old) == len(cls.__fast_fields__):  # type: ignore[attr-defined]
        state.update(old)
    else:  # values a `cached_property`-like descriptor kept: they may depend on the fields that change
        state.update({name: old[name] for name in cls.__fast_fields__})  # type: ignore[attr-defined]
    state.update(changes)
    return new
