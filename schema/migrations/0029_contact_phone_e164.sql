-- Phones as people write them (issue 17): a contact's `phone` holds its display form
-- ("138 0013 8000", "027-8572 6114 转 8001", "400-820-8820", "120"), read by
-- hub/domain/phones.py; these hold what was read from it: the E.164 form (NULL for numbers that
-- cannot be dialled from abroad: service codes, 400/800 numbers, local numbers without their
-- area code) and the extension.
ALTER TABLE contact
    ADD COLUMN phone_e164 text CHECK (phone_e164 ~ '^\+[1-9][0-9]{6,14}$'),
    ADD COLUMN phone_extension text CHECK (phone_extension ~ '^[0-9]{1,6}$');

-- Contacts stored before: the E.164 of the two shapes whose reading needs no metadata, mobiles
-- and landlines with their area code (the old validation's patterns, without an extension).
-- Their display form is rewritten the next time their entry or organization is saved.
WITH compact AS (
    SELECT id, regexp_replace(phone, '[\s()-]', '', 'g') AS digits FROM contact
    WHERE phone IS NOT NULL
)
UPDATE contact SET phone_e164 = CASE
        WHEN compact.digits ~ '^(\+86|0086)?1[3-9][0-9]{9}$' THEN '+86' || right(compact.digits, 11)
        WHEN compact.digits ~ '^(\+86|0086)?0[1-9][0-9]{8,10}$'
            THEN '+86' || substr(regexp_replace(compact.digits, '^(\+86|0086)', ''), 2)
    END
FROM compact
WHERE contact.id = compact.id
  AND (compact.digits ~ '^(\+86|0086)?1[3-9][0-9]{9}$'
       OR compact.digits ~ '^(\+86|0086)?0[1-9][0-9]{8,10}$');
