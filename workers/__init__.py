"""Background jobs: search indexing, expiry, link checks, webhooks (filled by later work)."""
