-- Organization staff: a user claims an organization with evidence; a coordinator decides.

CREATE TABLE organization_claim (
    id               uuid PRIMARY KEY,
    organization_id  uuid NOT NULL REFERENCES organization (id) ON DELETE CASCADE,
    user_id          uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    evidence         text NOT NULL,
    evidence_url     text,
    status           text NOT NULL DEFAULT 'PENDING'
                         CHECK (status IN ('PENDING', 'APPROVED', 'REFUSED')),
    decided_by       uuid REFERENCES app_user (id),
    decided_at       timestamptz,
    decision_note    text,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX organization_claim_pending_idx ON organization_claim (organization_id, user_id)
    WHERE status = 'PENDING';

CREATE TABLE organization_member (
    organization_id  uuid NOT NULL REFERENCES organization (id) ON DELETE CASCADE,
    user_id          uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    since            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, user_id)
);

-- Posted by a member of a verified organization on its own behalf.
ALTER TABLE entry ADD COLUMN self_reported boolean NOT NULL DEFAULT false;
