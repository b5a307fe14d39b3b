-- Who bought on each day, for the distinct-customer figures of the sales
-- and products reports (customers who bought, new and returning customers,
-- repeat buyers), which sums of daily counts cannot give. Each buyer gets a
-- number within its app; a day's buyers are an encoded set of numbers
-- (package buyerset) that a report unions over its range of days. Kept by
-- the ingestion writer in the same transaction as the purchases; day is the
-- local date in the app's time zone, as in daily_sales.

-- buyer_no numbers a customer from its first order on; first_order_at is
-- its earliest order, refunded or not: a customer is new in the period of
-- that order. Erasure keeps both with the row.
ALTER TABLE customers ADD COLUMN buyer_no BIGINT;
ALTER TABLE customers ADD COLUMN first_order_at BIGINT;

-- numbered is the last buyer number given; timezone is the zone the day
-- sets were built in: a set built in another zone is rebuilt before use.
CREATE TABLE buyer_rollups (
    app_id   TEXT   NOT NULL PRIMARY KEY REFERENCES apps (id) ON DELETE CASCADE,
    numbered BIGINT NOT NULL,
    timezone TEXT   NOT NULL
);

-- buyers and repeaters (two or more orders that day) count members;
-- first_buyers counts customers whose first order is on the day.
CREATE TABLE daily_buyers (
    app_id       TEXT   NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    day          BIGINT NOT NULL,
    buyers       BIGINT NOT NULL,
    repeaters    BIGINT NOT NULL,
    first_buyers BIGINT NOT NULL,
    members      /*blob*/ NOT NULL,
    PRIMARY KEY (app_id, day)
) /*sqlite: WITHOUT ROWID*/;

CREATE TABLE daily_product_buyers (
    app_id  TEXT   NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    day     BIGINT NOT NULL,
    product TEXT   NOT NULL,
    buyers  BIGINT NOT NULL,
    members /*blob*/ NOT NULL,
    PRIMARY KEY (app_id, day, product)
) /*sqlite: WITHOUT ROWID*/;

-- Refunds count on the refund's day: breakdowns by attribute find the
-- period's refunds here without reading every purchase.
CREATE INDEX purchases_refunded ON purchases (app_id, refunded_at) WHERE refunded_at IS NOT NULL;
