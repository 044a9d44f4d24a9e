"""Full-text search: the backends (PostgreSQL, Meilisearch) behind one interface."""
