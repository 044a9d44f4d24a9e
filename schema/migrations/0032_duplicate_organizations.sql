-- Duplicates and organizations (issue 17).
--
-- 1. phone_keys(phone): the national numbers in a contact's phone field, as
--    hub/domain/contact_keys.py computes them (a test holds the two equal). The duplicate scan
--    compares an entry with recent ones of its province, and also with those of any province
--    that share a phone (the same company's offer with a mistyped province); the expression
--    index finds those without reading every contact.
CREATE FUNCTION phone_keys(phone text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    piece  text;
    digits text;
    parts  text[];
    part   text;
    key    text;
    keys   text[] := '{}';
BEGIN
    phone := regexp_replace(normalize(phone, NFKC), '\([^)]*[一-鿿][^)]*\)', '', 'g');
    FOREACH piece IN ARRAY regexp_split_to_array(phone, '[;,/、|\n\r]|或| {2,}') LOOP
        piece := regexp_replace(piece, '(转|分机|ext|#).*$', '', 'i');
        digits := regexp_replace(piece, '[^0-9]', '', 'g');
        parts := ARRAY(SELECT regexp_replace(t, '[^0-9]', '', 'g')
                       FROM unnest(string_to_array(piece, ' ')) AS t);
        IF length(digits) > 13
           AND NOT EXISTS (SELECT 1 FROM unnest(parts) AS p WHERE length(p) BETWEEN 1 AND 6) THEN
            NULL;  -- several numbers apart by single spaces: each part is one
        ELSE
            parts := ARRAY[digits];
        END IF;
        FOREACH part IN ARRAY parts LOOP
            key := CASE WHEN part LIKE '0086%' THEN substr(part, 5)
                        WHEN part LIKE '86%' AND length(part) >= 12 THEN substr(part, 3)
                        ELSE part END;
            IF key LIKE '0%' THEN
                key := substr(key, 2);
            END IF;
            IF length(key) >= 7 AND NOT key = ANY (keys) THEN
                keys := keys || key;
            END IF;
        END LOOP;
    END LOOP;
    RETURN keys;
END
$$;
CREATE INDEX contact_phone_keys_idx ON contact USING gin (phone_keys(phone));

-- 2. organization_name_key(name): a name as an exact match compares it (NFKC, lower case,
--    without spaces and punctuation). Submitting an organization whose key, kind, province and
--    city match an existing one reuses it instead of registering a copy (12 copies of one name
--    were seen in a probe).
CREATE FUNCTION organization_name_key(name text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT lower(regexp_replace(normalize(name, NFKC),
        '[\s\-_,.;:!?/\\''"()\[\]{}·、。，；：！？“”‘’《》【】〔〕<>]+', '', 'g'))
$$;
CREATE INDEX organization_name_key_idx ON organization (province, organization_name_key(name));

-- 3. A coordinator merges an organization registered twice into the one kept: its entries,
--    contacts, staff and claims move there, and it remembers where it went.
ALTER TABLE organization ADD COLUMN merged_into uuid REFERENCES organization (id);
