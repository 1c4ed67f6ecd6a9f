"""Demo-data extensions: each domain adds its part of `xiehui demo` without the register importing it.

A domain registers `@extension(order=N)` on a function (users, now) -> str that
loads its demo rows inside the demo's transaction and returns a one-line summary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from .models import User

Extension = Callable[[dict[str, User], dt.datetime], str]
EXTENSIONS: list[tuple[int, Extension]] = []


def extension(*, order: int) -> Callable[[Extension], Extension]:
    def wrap(func: Extension) -> Extension:
        EXTENSIONS.append((order, func))
        EXTENSIONS.sort(key=lambda pair: pair[0])
        return func

    return wrap


def run_all(users: dict[str, User], now: dt.datetime) -> list[str]:
    return [func(users, now) for _order, func in EXTENSIONS]
