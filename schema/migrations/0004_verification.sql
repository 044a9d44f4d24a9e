-- The verification workflow: claims with leases, reviews, review rounds.

ALTER TABLE entry DROP CONSTRAINT entry_verification_status_check;
ALTER TABLE entry ADD CONSTRAINT entry_verification_status_check CHECK (verification_status IN
    ('PENDING', 'IN_REVIEW', 'VERIFIED', 'REJECTED', 'NEEDS_CHANGES', 'EXPIRED'));

-- A round starts each time an entry (re)enters the queue; only reviews of the current round
-- count towards HUB_REVIEWS_REQUIRED.
ALTER TABLE entry ADD COLUMN review_round integer NOT NULL DEFAULT 1;
ALTER TABLE entry ADD COLUMN queued_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE entry ADD COLUMN claimed_by uuid REFERENCES app_user (id);
ALTER TABLE entry ADD COLUMN lease_until timestamptz;
ALTER TABLE entry ADD COLUMN rejection_reason text CHECK (rejection_reason IN
    ('DUPLICATE', 'FALSE_INFORMATION', 'UNREACHABLE', 'OUT_OF_SCOPE', 'SPAM', 'OTHER'));
UPDATE entry SET queued_at = created_at;
CREATE INDEX entry_review_queue_idx ON entry (urgency_rank, queued_at, id)
    WHERE verification_status IN ('PENDING', 'IN_REVIEW', 'EXPIRED');

CREATE TABLE review (
    id                uuid PRIMARY KEY,
    entry_id          uuid NOT NULL REFERENCES entry (id) ON DELETE CASCADE,
    review_round      integer NOT NULL,
    reviewer_id       uuid NOT NULL REFERENCES app_user (id),
    decision          text NOT NULL CHECK (decision IN ('VERIFY', 'REQUEST_CHANGES', 'REJECT')),
    method            text NOT NULL CHECK (method IN ('PHONE_CALL', 'OFFICIAL_NOTICE', 'ON_SITE',
                          'ORGANIZATION_ACCOUNT', 'OTHER')),
    rejection_reason  text CHECK (rejection_reason IN ('DUPLICATE', 'FALSE_INFORMATION',
                          'UNREACHABLE', 'OUT_OF_SCOPE', 'SPAM', 'OTHER')),
    note              text,
    evidence_url      text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    CHECK ((decision = 'REJECT') = (rejection_reason IS NOT NULL))
);
CREATE INDEX review_entry_idx ON review (entry_id, review_round);
