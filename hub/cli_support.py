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

from hub.domain.errors import UserError
from hub.domain.messages import message
from hub.embedded import DataFolderInUse, EmbeddedPostgres
from hub.embedded_connection import NoRunningServer, running_server
from hub.settings import Settings

log = logging.getLogger("hub")


@contextmanager
def database(settings: Settings, *, share: bool = True) -> Iterator[Settings]:
    """Settings with a database URL: HUB_DATABASE_URL, or the embedded server for the block.

    When another hub process (a running `hub serve`) holds the data folder, the block uses
    that process's server instead, if `share`; long-lived commands that must own the folder
    (serve, worker, restore) pass share=False and are refused. Either way the block gets the
    app role as `database_url` and the owner role as `migrate_database_url`."""
    if settings.database_url is not None:
        yield settings
        return
    embedded = EmbeddedPostgres(settings.data_dir)
    try:
        embedded.start()
    except DataFolderInUse:
        if not share:
            raise
        try:
            server = running_server(embedded.data_dir)
        except NoRunningServer as error:
            raise DataFolderInUse(str(error)) from None
        log.info("using the database of the running hub (pid %s)", server.pid)
        yield replace(settings, database_url=server.app_dsn, migrate_database_url=server.dsn)
        return
    log.info("started the embedded PostgreSQL in %s", embedded.data_dir)
    try:
        yield replace(settings, database_url=embedded.app_dsn, migrate_database_url=embedded.dsn)
    finally:
        embedded.stop()
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


def print_user_errors(errors: list[UserError]) -> int:
    """Print a refused command's user errors (in English) on stderr; the exit code (1)."""
    for error in errors:
        print(f"hub: {error.field}: {message(error, 'en')}", file=sys.stderr)
    return 1
