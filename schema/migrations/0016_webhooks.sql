-- Webhooks for developers (workers/webhooks.py): entry events POSTed as signed JSON to a URL
-- a signed-in user registered, in order, with retries, a delivery log and automatic disabling.

CREATE TABLE webhook (
    id                    uuid PRIMARY KEY,
    owner_id              uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    url                   text NOT NULL,
    -- The HMAC key: the hub signs with it, so it is kept as it is (not as a digest). Handed
    -- out once by createWebhook and rotateWebhookSecret; no query returns it.
    secret                text NOT NULL,
    -- hub.domain.webhooks.filter_to_json: {"kinds": [...], "provinces": [...], ...}.
    filter                jsonb NOT NULL DEFAULT '{}',
    description           text NOT NULL DEFAULT '',
    enabled               boolean NOT NULL DEFAULT true,
    disabled_at           timestamptz,
    disabled_reason       text,
    -- Events given up on (FAILED) in a row; a delivered one resets it.
    consecutive_failures  integer NOT NULL DEFAULT 0,
    -- Since when every attempt failed (null while deliveries succeed).
    failing_since         timestamptz,
    -- The last outbox position (entry_event.position, 0013) handled: delivered, given up on,
    -- or not matching the filter. Starts at the newest position when the webhook is made.
    position              bigint NOT NULL,
    -- The event being retried, its attempts so far and when the next one is due.
    pending_position      bigint,
    pending_attempts      integer NOT NULL DEFAULT 0,
    next_attempt_at       timestamptz,
    -- Which delivery worker holds the webhook, and until when (claimed with SKIP LOCKED, so
    -- two workers never send the same webhook's events; an expired lease is free again).
    lease_token           uuid,
    lease_until           timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_owner_idx ON webhook (owner_id, created_at);
CREATE INDEX webhook_due_idx ON webhook (next_attempt_at) WHERE enabled;

-- Every attempt to deliver an event, kept HUB_WEBHOOK_LOG_DAYS.
CREATE TABLE webhook_delivery (
    -- Sent as X-Hub-Delivery-Id, so that a receiver's logs and this one can be matched.
    id               uuid PRIMARY KEY,
    -- The log's order (and its pages' cursor).
    seq              bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    webhook_id       uuid NOT NULL REFERENCES webhook (id) ON DELETE CASCADE,
    event_position   bigint NOT NULL,
    attempt          integer NOT NULL,
    started_at       timestamptz NOT NULL,
    duration_ms      integer NOT NULL,
    http_status      integer,
    -- Short: what went wrong, with at most a capped excerpt of the receiver's answer.
    error            text,
    outcome          text NOT NULL CHECK (outcome IN ('SUCCEEDED', 'FAILED', 'RETRYING')),
    next_attempt_at  timestamptz
);
CREATE INDEX webhook_delivery_log_idx ON webhook_delivery (webhook_id, seq DESC);
CREATE INDEX webhook_delivery_age_idx ON webhook_delivery (started_at);
