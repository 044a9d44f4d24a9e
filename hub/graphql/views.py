"""Building a GraphQL type from a record whose attributes bear the type's field names.

Most of the API's types show a store or domain record field for field; naming each field twice
(`handle=user.handle`) hid the few that are computed or renamed. Those few are given here.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def view_of(cls: type[T], source: object, /, **given: Any) -> T:
    """A `cls` (a strawberry type) whose fields are `given`, the others read from `source`.

    Fields with a resolver are not set: strawberry makes them dataclass fields without init.
    """
    make: Callable[..., T] = cls
    copied = {name: getattr(source, name) for name in _set_fields(make) if name not in given}
    return make(**copied, **given)


@functools.cache
def _set_fields(cls: Callable[..., object]) -> tuple[str, ...]:
    # Read once per type: every item of every listed entry is built through view_of.
    return tuple(f.name for f in dataclasses.fields(cls) if f.init)  # type: ignore[arg-type]
