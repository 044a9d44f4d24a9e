"""Where the hub finds the files of the top-level `schema/` folder it reads at run time.

`schema/` stays at the top of the checkout (migrations, the default import mapping, the search
settings, the published SDL). `hub/schema_data` is a link to it, so that setuptools ships its
files as package data of `hub`: the same lookup then works from a checkout, an editable install
and an installed wheel. Everything that reads `schema/` asks here.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_PACKAGE = "hub"
_FOLDER = "schema_data"


def schema_path(*parts: str) -> Path:
    """The path of `schema/<parts...>` as installed (a file or a folder)."""
    found = resources.files(_PACKAGE).joinpath(_FOLDER, *parts)
    if not isinstance(found, Path):
        # A zipped install (zipapp, zip import) has no file system paths to give.
        raise RuntimeError(f"the hub must be installed on the file system to read {found}")
    # Resolved through the link: a checkout names its own schema/ folder in messages.
    return found.resolve()


def migrations_dir() -> Path:
    """The numbered SQL migration files."""
    return schema_path("migrations")


def default_import_mapping() -> Path:
    """The default column mapping of `hub import` and importEntries."""
    return schema_path("imports", "default-mapping.json")


def search_settings() -> Path:
    """The Meilisearch index settings applied by `hub search setup`."""
    return schema_path("search", "entries.json")


def published_sdl() -> Path:
    """The checked-in GraphQL SDL (`hub schema --check/--write`)."""
    return schema_path("hub.graphql")
