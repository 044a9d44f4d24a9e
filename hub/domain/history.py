"""What of an entry's audit trail the public is shown.

The source link checker's findings are for reviewers: that an entry's source answered 404 or
410, or stopped answering, tells outsiders about a page the submitter may not have meant to
publish, and would turn the checker into a probe of where source URLs lead. The public sees
only that the entry went back to review (its verification status is public anyway);
reviewers read the recorded action beside it.
"""

from __future__ import annotations

# Reviewer-only actions -> the action the public is shown in their place.
PUBLIC_STAND_INS = {"source.lost": "review.reopened"}


def public_action(action: str) -> str:
    """The action the public is shown for a history record: as recorded, or a reviewer-only
    finding's neutral stand-in."""
    return PUBLIC_STAND_INS.get(action, action)
