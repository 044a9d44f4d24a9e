"""Trust: the review workflow, verification, the public audit trail and contact privacy."""
