"""The operator's console commands that are not the server: accounts, backups."""
