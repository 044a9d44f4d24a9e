"""Kept only for hub/graphql/pledges.py until its imports are rewritten at merge: the shared
inputs live in hub.graphql.common now."""

from __future__ import annotations

from hub.graphql.common import RegionInput, decimal

__all__ = ["RegionInput", "decimal"]
