"""Search: the `search` query over entries and organizations."""
