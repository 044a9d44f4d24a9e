"""Building a GraphQL type from a record whose attributes bear the type's field names.

Most of the API's types show a store or domain record field for field; naming each field twice
(`handle=user.handle`) hid the few that are computed or renamed. Those few are given here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def view_of(cls: type[T], source: object, /, **given: Any) -> T:
    """A `cls` (a strawberry type) whose fields are `given`, the others read from `source`.

    Fields with a resolver are not set: strawberry makes them dataclass fields without init.
    """
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    copied = {f.name: getattr(source, f.name) for f in fields if f.init and f.name not in given}
    make: Callable[..., T] = cls
    return make(**copied, **given)
