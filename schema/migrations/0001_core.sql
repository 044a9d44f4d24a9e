-- The hub's core: organizations, contacts, the four kinds of entry, their items and the outbox.
-- Entries share one table (class-table inheritance): verification, expiry, search and the
-- outbox treat every kind alike; kind-specific columns live in one table per kind.

CREATE TABLE supply_category_group (
    code        text PRIMARY KEY,
    name_zh     text NOT NULL,
    name_en     text NOT NULL,
    sort_order  integer NOT NULL
);

CREATE TABLE supply_category (
    code              text PRIMARY KEY,
    group_code        text NOT NULL REFERENCES supply_category_group (code),
    name_zh           text NOT NULL,
    name_en           text NOT NULL,
    standards         text[] NOT NULL DEFAULT '{}',
    default_unit      text NOT NULL,
    sort_order        integer NOT NULL,
    -- The taxonomy version that introduced (or last changed) the category. Codes never change
    -- meaning; a category that is no longer used is deprecated, never deleted.
    taxonomy_version  integer NOT NULL,
    deprecated        boolean NOT NULL DEFAULT false
);

CREATE TABLE taxonomy_version (
    version      integer PRIMARY KEY,
    released_on  date NOT NULL,
    note         text NOT NULL
);

CREATE TABLE organization (
    id                   uuid PRIMARY KEY,
    name                 text NOT NULL,
    kind                 text NOT NULL CHECK (kind IN ('HOSPITAL', 'CLINIC', 'HOTEL', 'FACTORY',
                             'LOGISTICS', 'CHARITY', 'COMMUNITY', 'GOVERNMENT', 'OTHER')),
    province             text NOT NULL,
    city                 text,
    district             text,
    admin_code           text,
    address              text,
    latitude             double precision CHECK (latitude BETWEEN -90 AND 90),
    longitude            double precision CHECK (longitude BETWEEN -180 AND 180),
    website              text,
    verification_status  text NOT NULL DEFAULT 'PENDING' CHECK (verification_status IN
                             ('PENDING', 'VERIFIED', 'REJECTED', 'NEEDS_CHANGES', 'EXPIRED')),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    version              integer NOT NULL DEFAULT 1,
    -- sha256 of the secret handed to the anonymous submitter, who needs it to edit.
    edit_token_hash      bytea
);
CREATE INDEX organization_kind_idx ON organization (kind);
CREATE INDEX organization_region_idx ON organization (province, city);
CREATE INDEX organization_order_idx ON organization (name, id);

CREATE TABLE entry (
    id                   uuid PRIMARY KEY,
    kind                 text NOT NULL CHECK (kind IN ('NEED', 'OFFER', 'LOGISTICS_OFFER', 'LODGING')),
    organization_id      uuid REFERENCES organization (id),
    -- An individual donor or driver with no organization.
    provider_name        text,
    province             text NOT NULL,
    city                 text,
    district             text,
    admin_code           text,
    address              text,
    notes                text,
    source_url           text,
    source_note          text,
    urgency              text CHECK (urgency IN ('CRITICAL', 'HIGH', 'MEDIUM', 'LOW')),
    urgency_rank         smallint GENERATED ALWAYS AS (CASE urgency
                             WHEN 'CRITICAL' THEN 0 WHEN 'HIGH' THEN 1
                             WHEN 'MEDIUM' THEN 2 WHEN 'LOW' THEN 3 ELSE 4 END) STORED,
    status               text NOT NULL DEFAULT 'OPEN' CHECK (status IN
                             ('OPEN', 'PARTIALLY_FULFILLED', 'FULFILLED', 'CLOSED')),
    verification_status  text NOT NULL DEFAULT 'PENDING' CHECK (verification_status IN
                             ('PENDING', 'VERIFIED', 'REJECTED', 'NEEDS_CHANGES', 'EXPIRED')),
    close_reason         text,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    verified_at          timestamptz,
    expires_at           timestamptz,
    version              integer NOT NULL DEFAULT 1,
    edit_token_hash      bytea,
    CHECK ((kind = 'NEED') = (urgency IS NOT NULL)),
    CHECK (organization_id IS NOT NULL OR provider_name IS NOT NULL)
);
-- Keyset pagination: one index per order the API offers.
CREATE INDEX entry_urgency_order_idx ON entry (kind, urgency_rank, updated_at DESC, id DESC);
CREATE INDEX entry_updated_order_idx ON entry (kind, updated_at DESC, id DESC);
CREATE INDEX entry_created_order_idx ON entry (kind, created_at DESC, id DESC);
CREATE INDEX entry_region_idx ON entry (kind, province, city);
CREATE INDEX entry_organization_idx ON entry (organization_id);
CREATE INDEX entry_status_idx ON entry (kind, status, verification_status);

CREATE TABLE offer (
    entry_id        uuid PRIMARY KEY REFERENCES entry (id) ON DELETE CASCADE,
    can_deliver     boolean NOT NULL,
    lead_time_days  integer CHECK (lead_time_days >= 0),
    is_free         boolean NOT NULL,
    price_note      text
);

CREATE TABLE logistics_offer (
    entry_id                 uuid PRIMARY KEY REFERENCES entry (id) ON DELETE CASCADE,
    destination_province     text,
    destination_city         text,
    destination_district     text,
    destination_admin_code   text,
    vehicle_type             text NOT NULL CHECK (vehicle_type IN ('CAR', 'VAN', 'TRUCK',
                                 'REFRIGERATED_TRUCK', 'MOTORCYCLE', 'OTHER')),
    capacity_kg              numeric(12, 2) CHECK (capacity_kg > 0),
    capacity_m3              numeric(12, 2) CHECK (capacity_m3 > 0),
    cold_chain               boolean NOT NULL,
    is_free                  boolean NOT NULL,
    available_from           timestamptz,
    available_until          timestamptz,
    CHECK (available_until IS NULL OR available_from IS NULL OR available_until > available_from)
);
CREATE INDEX logistics_destination_idx ON logistics_offer (destination_province, destination_city);

CREATE TABLE lodging (
    entry_id         uuid PRIMARY KEY REFERENCES entry (id) ON DELETE CASCADE,
    rooms_available  integer NOT NULL CHECK (rooms_available >= 0),
    eligibility      text NOT NULL,
    is_free          boolean NOT NULL,
    price_note       text,
    available_from   timestamptz,
    available_until  timestamptz,
    CHECK (available_until IS NULL OR available_from IS NULL OR available_until > available_from)
);

-- The supplies a need asks for or an offer holds.
CREATE TABLE entry_item (
    id                  uuid PRIMARY KEY,
    entry_id            uuid NOT NULL REFERENCES entry (id) ON DELETE CASCADE,
    position            integer NOT NULL,
    category_code       text NOT NULL REFERENCES supply_category (code),
    name                text NOT NULL,
    spec                text,
    -- NULL means "as many as possible": never store an unknown quantity as 1.
    quantity            numeric(14, 3) CHECK (quantity > 0),
    unit                text NOT NULL,
    package_size        integer CHECK (package_size > 0),
    fulfilled_quantity  numeric(14, 3) NOT NULL DEFAULT 0 CHECK (fulfilled_quantity >= 0),
    certifications      text[] NOT NULL DEFAULT '{}',
    UNIQUE (entry_id, position)
);
CREATE INDEX entry_item_category_idx ON entry_item (category_code, entry_id);

CREATE TABLE contact (
    id               uuid PRIMARY KEY,
    organization_id  uuid REFERENCES organization (id) ON DELETE CASCADE,
    entry_id         uuid REFERENCES entry (id) ON DELETE CASCADE,
    position         integer NOT NULL,
    name             text,
    phone            text,
    other_channel    text,
    visibility       text NOT NULL CHECK (visibility IN ('PUBLIC', 'PROTECTED')),
    CHECK (num_nonnulls(organization_id, entry_id) = 1)
);
CREATE INDEX contact_organization_idx ON contact (organization_id) WHERE organization_id IS NOT NULL;
CREATE INDEX contact_entry_idx ON contact (entry_id) WHERE entry_id IS NOT NULL;

-- The transactional outbox: written in the same transaction as every change, read later by
-- subscriptions, the search indexer and the audit trail. The payload never holds contacts.
CREATE TABLE entry_event (
    id          bigserial PRIMARY KEY,
    entry_id    uuid NOT NULL,
    entry_kind  text NOT NULL CHECK (entry_kind IN
                    ('NEED', 'OFFER', 'LOGISTICS_OFFER', 'LODGING', 'ORGANIZATION')),
    event_type  text NOT NULL,
    payload     jsonb NOT NULL DEFAULT '{}',
    -- The writing transaction, so that readers can publish in commit order.
    tx_id       xid8 NOT NULL DEFAULT pg_current_xact_id(),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX entry_event_entry_idx ON entry_event (entry_id, id);
