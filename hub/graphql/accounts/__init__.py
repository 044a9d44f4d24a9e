"""Accounts: users, sign-in, API tokens and roles; organization staff and their claims."""
