"""Imports: importing a spreadsheet of entries."""
