"""Taxonomy: supply categories and units."""
