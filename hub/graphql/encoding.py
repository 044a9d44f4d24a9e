"""Responses as UTF-8 JSON bytes, Chinese text as itself (not as \\u escapes six times its size)."""

from __future__ import annotations

import json

import orjson


def json_bytes(data: object) -> bytes:
    """`data` as compact UTF-8 JSON."""
    try:
        return orjson.dumps(data)
    except TypeError:
        # orjson refuses integers beyond 64 bits and keys that are not strings.
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
