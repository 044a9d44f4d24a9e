-- Accounts: users with roles, browser sessions and API tokens. Secrets are stored only as
-- SHA-256 digests (tokens) or argon2 hashes (passwords).

CREATE TABLE app_user (
    id             uuid PRIMARY KEY,
    email          text NOT NULL,
    -- Shown publicly (e.g. as the reviewer of an entry) instead of the e-mail address.
    handle         text NOT NULL,
    password_hash  text NOT NULL,
    role           text NOT NULL DEFAULT 'VOLUNTEER'
                       CHECK (role IN ('VOLUNTEER', 'REVIEWER', 'COORDINATOR', 'ADMIN')),
    -- Set by a coordinator: needed before protected contact details may be revealed.
    approved_at    timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    disabled_at    timestamptz
);
CREATE UNIQUE INDEX app_user_email_idx ON app_user (lower(email));
CREATE UNIQUE INDEX app_user_handle_idx ON app_user (lower(handle));

CREATE TABLE user_session (
    token_hash  bytea PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX user_session_user_idx ON user_session (user_id);

CREATE TABLE api_token (
    id            uuid PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    name          text NOT NULL,
    token_hash    bytea NOT NULL UNIQUE,
    scope         text NOT NULL CHECK (scope IN ('READ', 'WRITE')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    revoked_at    timestamptz
);
CREATE INDEX api_token_user_idx ON api_token (user_id);

-- Who submitted or registered a record, when they were signed in.
ALTER TABLE entry ADD COLUMN submitted_by uuid REFERENCES app_user (id);
ALTER TABLE organization ADD COLUMN registered_by uuid REFERENCES app_user (id);
