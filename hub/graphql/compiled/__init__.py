"""Compiled public reads: the kinds' list queries answered with one SQL statement per list and
a plan built once per document, strawberry kept as the reference (and the fallback)."""

from hub.graphql.compiled.executor import CompiledReads

__all__ = ["CompiledReads"]
