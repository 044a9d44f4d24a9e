"""Spreadsheet imports in plain Python: column mapping, messy values, rows to drafts.

Reading files is I/O and lives in `hub.imports`; writing is `hub.services.imports`.
"""
