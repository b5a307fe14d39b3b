-- Customers, purchases and everything kept about them, with the daily
-- rollups that reports read instead of raw purchases. Every table leads its
-- primary key and indexes with app_id: queries are always confined to one
-- app, and the schema can be sharded by it.

-- A customer is keyed by the app's own user id. A purchase may arrive before
-- its customer: the row is then created from the purchase with has_profile
-- false, and filled in when the customer event comes. Erasure replaces the
-- id with an opaque tombstone and clears the personal fields; the row stays
-- so that aggregates keep counting the customer.
CREATE TABLE customers (
    app_id            TEXT    NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    id                TEXT    NOT NULL,
    name              TEXT,
    email             TEXT,
    phone             TEXT,
    attributes        TEXT,
    search            TEXT    NOT NULL DEFAULT '',
    has_profile       BOOLEAN NOT NULL,
    created_at        BIGINT  NOT NULL,
    updated_at        BIGINT  NOT NULL,
    erased_at         BIGINT,
    orders            BIGINT  NOT NULL DEFAULT 0,
    revenue           BIGINT  NOT NULL DEFAULT 0,
    refunds           BIGINT  NOT NULL DEFAULT 0,
    refunded          BIGINT  NOT NULL DEFAULT 0,
    first_purchase_at BIGINT,
    last_purchase_at  BIGINT,
    PRIMARY KEY (app_id, id)
) /*sqlite: WITHOUT ROWID*/;
CREATE INDEX customers_created ON customers (app_id, created_at, id);

CREATE TABLE customer_tags (
    app_id      TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    customer_id TEXT NOT NULL,
    tag         TEXT NOT NULL,
    PRIMARY KEY (app_id, customer_id, tag)
) /*sqlite: WITHOUT ROWID*/;
CREATE INDEX customer_tags_tag ON customer_tags (app_id, tag, customer_id);

CREATE TABLE notes (
    app_id      TEXT   NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    id          TEXT   NOT NULL,
    customer_id TEXT   NOT NULL,
    kind        TEXT   NOT NULL CHECK (kind IN ('note', 'call', 'email', 'meeting')),
    text        TEXT   NOT NULL,
    author      TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (app_id, id)
) /*sqlite: WITHOUT ROWID*/;
CREATE INDEX notes_customer ON notes (app_id, customer_id, created_at, id);

-- Money is integer minor units of currency. refunded_at is when the
-- purchase became a refund: refunds count on that day.
CREATE TABLE purchases (
    app_id       TEXT   NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    id           TEXT   NOT NULL,
    customer_id  TEXT   NOT NULL,
    amount       BIGINT NOT NULL,
    currency     TEXT   NOT NULL,
    status       TEXT   NOT NULL CHECK (status IN ('paid', 'refunded')),
    purchased_at BIGINT NOT NULL,
    refunded_at  BIGINT,
    items        TEXT   NOT NULL,
    attributes   TEXT,
    received_at  BIGINT NOT NULL,
    PRIMARY KEY (app_id, id)
) /*sqlite: WITHOUT ROWID*/;
CREATE INDEX purchases_customer ON purchases (app_id, customer_id, purchased_at, id);
CREATE INDEX purchases_time ON purchases (app_id, purchased_at, id);

-- Products as they were last named; product is the app's product_id, or the
-- item name when the app sends none.
CREATE TABLE products (
    app_id        TEXT   NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    product       TEXT   NOT NULL,
    name          TEXT   NOT NULL,
    category      TEXT   NOT NULL,
    first_sold_at BIGINT NOT NULL,
    last_sold_at  BIGINT NOT NULL,
    PRIMARY KEY (app_id, product)
) /*sqlite: WITHOUT ROWID*/;

-- Daily rollups; day is the number of days since 1970-01-01 of the local
-- date in the app's time zone. Sales count on the purchase's day, refunds on
-- the refund's day, new customers on their created_at day.
CREATE TABLE daily_sales (
    app_id        TEXT   NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    day           BIGINT NOT NULL,
    orders        BIGINT NOT NULL DEFAULT 0,
    revenue       BIGINT NOT NULL DEFAULT 0,
    units         BIGINT NOT NULL DEFAULT 0,
    refunds       BIGINT NOT NULL DEFAULT 0,
    refunded      BIGINT NOT NULL DEFAULT 0,
    new_customers BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (app_id, day)
) /*sqlite: WITHOUT ROWID*/;

CREATE TABLE daily_products (
    app_id   TEXT   NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    day      BIGINT NOT NULL,
    product  TEXT   NOT NULL,
    orders   BIGINT NOT NULL DEFAULT 0,
    units    BIGINT NOT NULL DEFAULT 0,
    revenue  BIGINT NOT NULL DEFAULT 0,
    refunds  BIGINT NOT NULL DEFAULT 0,
    refunded BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (app_id, day, product)
) /*sqlite: WITHOUT ROWID*/;

-- The last events an app sent, accepted and rejected kept apart (100 of
-- each), so that a developer wiring an app can see what arrived and why
-- something was refused.
CREATE TABLE recent_events (
    app_id      TEXT    NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    seq         BIGINT  NOT NULL,
    accepted    BOOLEAN NOT NULL,
    kind        TEXT    NOT NULL,
    ref         TEXT    NOT NULL,
    status      INTEGER NOT NULL,
    detail      TEXT    NOT NULL,
    received_at BIGINT  NOT NULL,
    PRIMARY KEY (app_id, accepted, seq)
) /*sqlite: WITHOUT ROWID*/;
