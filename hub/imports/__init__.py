"""Spreadsheet imports: reading files, the `hub import` command, reports (I/O lives here)."""
