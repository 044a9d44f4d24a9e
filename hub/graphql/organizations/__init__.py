"""Organizations: their type, queries and mutations."""
