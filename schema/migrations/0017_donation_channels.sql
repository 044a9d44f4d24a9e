-- Donation channels: a charity's or hospital's official account for money donations. They are
-- entries like any other (verified before they are published, expiring, audited), because a
-- fake channel is the most harmful data a hub can publish; see hub/domain/donations.py.

ALTER TABLE entry DROP CONSTRAINT entry_kind_check;
ALTER TABLE entry ADD CONSTRAINT entry_kind_check CHECK (kind IN
    ('NEED', 'OFFER', 'LOGISTICS_OFFER', 'LODGING', 'DONATION_CHANNEL'));
ALTER TABLE entry_event DROP CONSTRAINT entry_event_entry_kind_check;
ALTER TABLE entry_event ADD CONSTRAINT entry_event_entry_kind_check CHECK (entry_kind IN
    ('NEED', 'OFFER', 'LOGISTICS_OFFER', 'LODGING', 'DONATION_CHANNEL', 'ORGANIZATION'));

CREATE TABLE donation_channel (
    entry_id         uuid PRIMARY KEY REFERENCES entry (id) ON DELETE CASCADE,
    -- The account holder's name as the bank knows it.
    account_name     text NOT NULL,
    bank             text NOT NULL,
    account_number   text NOT NULL,
    -- What donors write in the transfer's note (附言), e.g. "捐赠 武汉 防疫".
    remittance_note  text,
    purpose          text
);
