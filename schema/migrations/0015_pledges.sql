-- From listing to delivery: pledges of supply to needs, shipments carrying them, and messages
-- to a need's poster that never expose the poster's number.
--
-- A pledge line names the need's item (and the offer's) by position: entry items are rewritten
-- on every edit and get new ids, while positions of pledged items are kept stable by the rules
-- in hub/domain/pledges.py (pledged items cannot be removed, reordered or re-categorised).

CREATE TABLE pledge (
    id                     uuid PRIMARY KEY,
    need_id                uuid NOT NULL REFERENCES entry (id),
    -- The offer the supply comes from; NULL for a donor who has not published an offer.
    offer_id               uuid REFERENCES entry (id),
    donor_name             text,
    donor_organization_id  uuid REFERENCES organization (id),
    status                 text NOT NULL DEFAULT 'PROPOSED' CHECK (status IN
                               ('PROPOSED', 'ACCEPTED', 'IN_TRANSIT', 'DELIVERED', 'CANCELLED')),
    note                   text,
    cancel_reason          text,
    created_by             uuid REFERENCES app_user (id),
    -- sha256 of the secret handed to an anonymous donor, who needs it to act on the pledge.
    edit_token_hash        bytea,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    accepted_at            timestamptz,
    delivered_at           timestamptz,
    version                integer NOT NULL DEFAULT 1,
    CHECK (offer_id IS NOT NULL OR donor_name IS NOT NULL OR donor_organization_id IS NOT NULL),
    CHECK (offer_id IS NULL OR offer_id <> need_id)
);
CREATE INDEX pledge_need_idx ON pledge (need_id, created_at);
CREATE INDEX pledge_offer_idx ON pledge (offer_id, created_at) WHERE offer_id IS NOT NULL;

CREATE TABLE pledge_item (
    pledge_id       uuid NOT NULL REFERENCES pledge (id) ON DELETE CASCADE,
    -- The need's item position (entry_item.position) this line answers.
    need_position   integer NOT NULL,
    offer_position  integer,
    quantity        numeric(14, 3) NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (pledge_id, need_position)
);

-- A leg of transport: a logistics offer carrying a pledge.
CREATE TABLE shipment (
    id                   uuid PRIMARY KEY,
    pledge_id            uuid NOT NULL REFERENCES pledge (id),
    carrier_id           uuid NOT NULL REFERENCES entry (id),
    status               text NOT NULL DEFAULT 'ASSIGNED' CHECK (status IN
                             ('ASSIGNED', 'PICKED_UP', 'IN_TRANSIT', 'DELIVERED', 'CANCELLED')),
    pickup_province      text NOT NULL,
    pickup_city          text,
    pickup_district      text,
    dropoff_province     text NOT NULL,
    dropoff_city         text,
    dropoff_district     text,
    weight_kg            numeric(12, 2) CHECK (weight_kg > 0),
    volume_m3            numeric(12, 2) CHECK (volume_m3 > 0),
    tracking_note        text,
    created_by           uuid REFERENCES app_user (id),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    version              integer NOT NULL DEFAULT 1
);
CREATE INDEX shipment_pledge_idx ON shipment (pledge_id);
CREATE INDEX shipment_carrier_idx ON shipment (carrier_id, status);

-- The shipment's tracking history: every status change and note, in order.
CREATE TABLE shipment_update (
    id           bigserial PRIMARY KEY,
    shipment_id  uuid NOT NULL REFERENCES shipment (id) ON DELETE CASCADE,
    status       text NOT NULL,
    note         text,
    at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shipment_update_idx ON shipment_update (shipment_id, id);

-- Messages to an entry's poster, read through the poster's reconfirmation link: a donor can
-- reach the protected contact without the number ever being shown.
CREATE TABLE entry_message (
    id              uuid PRIMARY KEY,
    entry_id        uuid NOT NULL REFERENCES entry (id) ON DELETE CASCADE,
    body            text NOT NULL,
    -- How the poster can answer, given by the sender for the poster's eyes only.
    reply_to        text,
    sender_id       uuid REFERENCES app_user (id),
    -- Who sent it, for rate limits: the user, or a keyed digest of the client address.
    sender_key      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    read_at         timestamptz
);
CREATE INDEX entry_message_entry_idx ON entry_message (entry_id, created_at);
CREATE INDEX entry_message_sender_idx ON entry_message (sender_key, created_at);
