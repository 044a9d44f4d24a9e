"""Domain rules in plain Python: no I/O, no imports from the rest of the hub."""
