-- The data version of the read cache (hub/http/read_cache.py): every committed change to a
-- table a public read can show wakes every hub process, which moves its in-memory version so
-- that no response built from older data is served again.
--
-- Statement-level triggers: one notification per statement, not per row, and PostgreSQL folds
-- identical notifications of one transaction into one, delivered at COMMIT (never for a
-- rolled-back transaction). Tables public reads never show are left out on purpose (sessions,
-- tokens, the live outbox the relay stamps after every write, webhooks and their deliveries,
-- the posters' inbox and private links, the indexer's position); tests/store/
-- test_data_version.py holds every other table to having the trigger.

CREATE FUNCTION hub_data_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('hub_data_version', '');
    RETURN NULL;
END
$$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY[
        'app_user', 'audit_log', 'contact', 'donation_channel', 'entry', 'entry_duplicate',
        'entry_flag', 'entry_item', 'lodging', 'logistics_offer', 'offer', 'organization',
        'organization_claim', 'organization_member', 'pledge', 'pledge_item', 'review',
        'search_document', 'shipment', 'shipment_update', 'source_check', 'supply_category',
        'supply_category_group', 'taxonomy_version'
    ] LOOP
        EXECUTE format(
            'CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I '
            'FOR EACH STATEMENT EXECUTE FUNCTION hub_data_changed()',
            t || '_data_version', t);
        EXECUTE format(
            'CREATE TRIGGER %I AFTER TRUNCATE ON %I '
            'FOR EACH STATEMENT EXECUTE FUNCTION hub_data_changed()',
            t || '_data_version_truncate', t);
    END LOOP;
END
$$;
