-- A random key made once per installation (issue 14): when HUB_SECRET_KEY is unset, client
-- addresses are digested with it (hub/limits/identity.py), so that every process, every
-- restart and every host on this database counts a client under the same key, and the
-- digests in Redis or in tables cannot be reversed by trying the 2^32 IPv4 addresses.
CREATE TABLE installation_key (
    purpose text PRIMARY KEY,
    secret bytea NOT NULL CHECK (octet_length(secret) >= 32),
    created_at timestamptz NOT NULL DEFAULT now()
);
