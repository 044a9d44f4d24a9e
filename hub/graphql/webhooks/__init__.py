"""Webhooks: their type, queries and mutations."""
