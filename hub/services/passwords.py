"""Password hashing with argon2 (argon2-cffi's recommended parameters)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_T = TypeVar("_T")
_hasher = PasswordHasher()
# Verifying against this when the e-mail is unknown makes both failures take as long.
_DUMMY = _hasher.hash("not a password of anyone")


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether `password` matches `stored` (None: no such user, still costs a verification)."""
    try:
        return _hasher.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether `stored` was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(stored)


class HashingBusy(Exception):
    """Every hashing slot stayed taken for as long as a caller may wait."""


class HashingPool:
    """Runs argon2 on its own few threads, at most `concurrency` at once.

    Each hash takes 64 MiB and a core for a fraction of a second: in the shared thread pool a
    burst of sign-ins would take all of its threads (and the memory), starving everything else
    run there. Callers beyond `concurrency` queue for at most `wait_seconds`, then HashingBusy
    (which the API reports as RATE_LIMITED).
    """

    def __init__(self, concurrency: int = 2, wait_seconds: float = 5.0) -> None:
        self.concurrency = concurrency
        self.wait_seconds = wait_seconds
        self._executor = ThreadPoolExecutor(concurrency, thread_name_prefix="argon2")
        self._slots = asyncio.Semaphore(concurrency)

    async def run(self, work: Callable[..., _T], *args: Any) -> _T:
        """`work(*args)` on a hashing thread, once a slot is free."""
        if not self._slots.locked():
            # A free slot: taken at once (wait_for would give up at once with a wait of 0).
            await self._slots.acquire()
        else:
            try:
                await asyncio.wait_for(self._slots.acquire(), self.wait_seconds)
            except TimeoutError:
                raise HashingBusy from None
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._executor, work, *args)
        finally:
            self._slots.release()

    async def hash(self, password: str) -> str:
        """`hash_password` on a hashing thread."""
        return await self.run(hash_password, password)

    async def verify(self, stored: str | None, password: str) -> bool:
        """`verify_password` on a hashing thread."""
        return await self.run(verify_password, stored, password)

    def close(self) -> None:
        """Stop the threads (after the calls under way)."""
        self._executor.shutdown(wait=False)


# For callers outside the server (`hub user create`); the server makes its own from settings.
DEFAULT_POOL = HashingPool()
