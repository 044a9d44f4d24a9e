"""Use cases: domain rules and storage combined, one transaction per change."""
