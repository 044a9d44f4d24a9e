-- Search at 100,000 entries (issue 16).
--
-- The vocabulary: every distinct lexeme of three characters or more in the index, that is the
-- Latin words (CJK lexemes are bigrams and single characters). A Latin query word is first
-- widened here to the indexed words that contain it ("9501" -> "kn9501") or look like it
-- ("ventilatr" -> "ventilator"), through this small table's trigram index; the documents are
-- then found through the tokens index alone. Matching substrings and typos against every
-- document's text instead read thousands of rows per query (223-587 ms at 100,000 entries).
CREATE TABLE search_word (
    word text PRIMARY KEY
);
CREATE INDEX search_word_trgm_idx ON search_word USING gin (word gin_trgm_ops);

-- Filled as documents are written, one statement per batch (transition tables), never per row.
-- Words of documents that leave the index stay: a word that finds nothing costs nothing.
CREATE FUNCTION search_word_collect() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_word (word)
    SELECT DISTINCT lexeme
    FROM written, unnest(written.tokens) AS t(lexeme, positions, weights)
    WHERE length(lexeme) >= 3
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER search_word_on_insert AFTER INSERT ON search_document
    REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION search_word_collect();
CREATE TRIGGER search_word_on_update AFTER UPDATE ON search_document
    REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION search_word_collect();

INSERT INTO search_word (word)
SELECT DISTINCT lexeme
FROM search_document, unnest(search_document.tokens) AS t(lexeme, positions, weights)
WHERE length(lexeme) >= 3
ON CONFLICT DO NOTHING;

-- A broad word (口罩 in a third of the documents) is ranked among its most recently updated
-- matches, read in this order, rather than among all of them (hub.store.search). Organizations
-- have their own pool of candidates, hence their own index.
CREATE INDEX search_document_entry_prior_idx
    ON search_document (updated_at DESC, subject_id)
    WHERE kind <> 'ORGANIZATION';
CREATE INDEX search_document_organization_prior_idx
    ON search_document (updated_at DESC, subject_id)
    WHERE kind = 'ORGANIZATION';
-- And the words of organizations alone: a broad word's entries are many, its organizations few.
CREATE INDEX search_document_organization_tokens_idx
    ON search_document USING gin (tokens)
    WHERE kind = 'ORGANIZATION';

-- Substrings, phrases and typos no longer read trigrams of every document: CJK substrings are
-- lexemes, Latin ones and typos widen through search_word, a quoted phrase is narrowed by its
-- words before ILIKE checks it. These two indexes were the costliest part of indexing, and
-- the Latin words kept apart for typos are no longer read.
DROP INDEX search_document_text_idx;
DROP INDEX search_document_latin_idx;
ALTER TABLE search_document DROP COLUMN latin;
