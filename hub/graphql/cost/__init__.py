"""The query cost model: what an operation may cost, estimated before it runs."""
