"""Live entry events: the outbox relayed in commit order to the subscribers of every process."""
