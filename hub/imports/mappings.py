"""Column mappings from JSON files: the default one in schema/imports, and the user's."""

from __future__ import annotations

import json
from pathlib import Path

from hub.domain.imports.mapping import (
    ColumnMapping,
    MappingError,
    MappingSpec,
    build_mapping,
    parse_mapping,
)
from hub.domain.open_data import Dataset
from hub.imports.readers import FileError
from hub.schema_files import default_import_mapping

DEFAULT_MAPPING = default_import_mapping()


def load_spec(path: Path) -> MappingSpec:
    """A mapping file; FileError when it cannot be read or is not shaped as documented."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as error:
        raise FileError(f"cannot read the mapping {path}: {error}") from None
    try:
        return parse_mapping(data)
    except MappingError as error:
        raise FileError(f"mapping {path}: {error}") from None


def mapping_for(dataset: Dataset, override: Path | None = None) -> ColumnMapping:
    """The default mapping of `dataset`, extended (and overridden) by the file `override`."""
    return build_mapping(
        dataset,
        load_spec(DEFAULT_MAPPING),
        load_spec(override) if override is not None else None,
    )
