"""Pledges: their types, pledging, shipments, matching suggestions and the poster's inbox.

This file imports nothing: hub.graphql.entries imports pledges.types, and modules here import
hub.graphql.entries, so importing one module must not pull in its siblings.
"""
