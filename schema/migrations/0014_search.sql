-- Full-text search on PostgreSQL (hub/search/postgres.py), maintained from the outbox by the
-- search indexer (workers/search_indexer.py).
--
-- Chinese has no spaces, so an English (or any stemming) text-search configuration finds
-- nothing in it: `tokens` is a 'simple' tsvector of words cut by a segmenter (jieba) in Python,
-- title words weighted A and the rest B. Substrings and typos in Latin text go through pg_trgm,
-- which sees Chinese characters only in a UTF-8 locale (checked at startup, see
-- hub/store/search.py: chinese_search_problem).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE search_document (
    subject_id          uuid PRIMARY KEY,
    kind                text NOT NULL,
    organization_id     uuid,
    province            text,
    city                text,
    category_codes      text[] NOT NULL DEFAULT '{}',
    urgency             text,
    urgency_rank        integer NOT NULL,
    verification_status text NOT NULL,
    title               text NOT NULL,
    body                text NOT NULL,
    tokens              tsvector NOT NULL,
    -- The Latin words of title and body, lowercased: what typo tolerance compares against.
    latin               text NOT NULL,
    updated_at          timestamptz NOT NULL,
    indexed_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX search_document_tokens_idx ON search_document USING gin (tokens);
CREATE INDEX search_document_text_idx
    ON search_document USING gin ((title || ' ' || body) gin_trgm_ops);
CREATE INDEX search_document_latin_idx ON search_document USING gin (latin gin_trgm_ops);
CREATE INDEX search_document_categories_idx ON search_document USING gin (category_codes);
CREATE INDEX search_document_region_idx ON search_document (province, city);

-- How far each indexer has read the outbox (by position, see 0013): written in the same
-- transaction as the documents for PostgreSQL, after the backend confirmed for Meilisearch.
CREATE TABLE search_position (
    backend   text PRIMARY KEY,
    position  bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
