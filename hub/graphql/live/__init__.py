"""Live: the Subscription root and its entry events."""
