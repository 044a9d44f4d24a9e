"""Storage: every SQL statement of the hub lives below this package."""
