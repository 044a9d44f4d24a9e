"""What the `hub` commands share: a database for the command's duration and a progress bar.

hub.cli (the command line) and the commands that live with their area (hub.imports.cli) both
import it, so no command module needs to import hub.cli.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TextIO

from hub.embedded import EmbeddedPostgres
from hub.settings import Settings

log = logging.getLogger("hub")


@contextmanager
def database(settings: Settings) -> Iterator[Settings]:
    """Settings with a database URL: HUB_DATABASE_URL, or the embedded server for the block."""
    if settings.database_url is not None:
        yield settings
        return
    embedded = EmbeddedPostgres(settings.data_dir)
    log.info("starting the embedded PostgreSQL in %s", embedded.data_dir)
    with embedded:
        yield replace(settings, database_url=embedded.app_dsn, migrate_database_url=embedded.dsn)
    log.info("embedded PostgreSQL stopped")


class ProgressBar:
    """A one-line textual progress bar on a stream (stderr): `label [#####.....] done/total`."""

    WIDTH = 30

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self._label = label
        self._stream = stream if stream is not None else sys.stderr
        self._shown: tuple[int, int] | None = None

    def __call__(self, done: int, total: int) -> None:
        """Show `done` of `total` (redrawn only when the bar or the percentage changes)."""
        fraction = min(1.0, done / total) if total else 1.0
        shown = (int(fraction * self.WIDTH), int(fraction * 100))
        if shown == self._shown and done < total:
            return
        self._shown = shown
        bar = "#" * shown[0] + "." * (self.WIDTH - shown[0])
        self._stream.write(f"\r{self._label} [{bar}] {done}/{total} ({shown[1]}%)")
        self._stream.flush()

    def finish(self) -> None:
        """End the line."""
        if self._shown is not None:
            self._stream.write("\n")
            self._stream.flush()
