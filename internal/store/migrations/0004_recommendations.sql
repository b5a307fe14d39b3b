-- The share of a recommendation's audience the assistant assumes will
-- respond (buy once more, add the suggested product) when it states the
-- money a recommendation may bring: each app sets its own.
ALTER TABLE apps ADD COLUMN response_rate DOUBLE PRECISION NOT NULL DEFAULT 0.1;

-- A recommendation the user marked done or dismissed. facts is the
-- recommendation as it stood then (JSON, language-neutral), so that a done
-- one can be shown, and its outcome measured, after the opportunity has
-- gone from the current computation. Marking it new again deletes the row.
CREATE TABLE recommendation_actions (
    app_id     TEXT   NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    id         TEXT   NOT NULL,
    status     TEXT   NOT NULL CHECK (status IN ('done', 'dismissed')),
    changed_at BIGINT NOT NULL,
    as_of      BIGINT NOT NULL,
    facts      TEXT   NOT NULL,
    PRIMARY KEY (app_id, id)
) /*sqlite: WITHOUT ROWID*/;

-- The customers a marked recommendation was about, to follow what they did
-- next. Erasure moves a customer's rows to its tombstone, as it does its
-- purchases.
CREATE TABLE recommendation_audience (
    app_id      TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    rec_id      TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    PRIMARY KEY (app_id, rec_id, customer_id)
) /*sqlite: WITHOUT ROWID*/;
