-- Which lexemes the PostgreSQL index's documents hold (hub/search/tokens.py FORMAT):
-- 1: jieba words through to_tsvector('simple') (0014); 2: neighbouring CJK characters (bigrams)
-- and each run's last character, at their positions. Queries are written for the current
-- format only, so an index in an older one is rebuilt by the indexer job (hub serve, hub
-- worker), in one transaction that searches do not wait for, and then marked current.
-- Rows that exist now were written in format 1; the code names the format of every row it
-- inserts. Other backends (Meilisearch cuts its own words) leave it as it is.
ALTER TABLE search_position ADD COLUMN format integer NOT NULL DEFAULT 1;
