-- Counting a list (totalCount) filters on kind and verification status (the public lists show
-- VERIFIED needs by default) and often on updated_at: with this index PostgreSQL counts from the
-- index alone instead of scanning the table (10,000 needs: 6.9 ms -> 1.0 ms, issue 13).
CREATE INDEX entry_verification_updated_idx ON entry (kind, verification_status, updated_at);
