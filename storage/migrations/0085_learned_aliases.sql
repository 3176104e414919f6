-- Units sold lately, from the catalogue's `sales` column: breaks ties between sibling SKUs.
ALTER TABLE products ADD COLUMN IF NOT EXISTS sales numeric NOT NULL DEFAULT 0;

-- What a retailer's phrase turned out to mean: learned from answered clarifications.
CREATE TABLE IF NOT EXISTS learned_aliases (
    retailer_id bigint NOT NULL,
    phrase      text NOT NULL,
    sku         text NOT NULL REFERENCES products (sku) ON DELETE CASCADE,
    learned_at  timestamptz NOT NULL,
    PRIMARY KEY (retailer_id, phrase)
);
CREATE INDEX IF NOT EXISTS learned_aliases_phrase ON learned_aliases (phrase);
