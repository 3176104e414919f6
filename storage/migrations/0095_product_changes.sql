-- The catalogue's change feed: every insert or update of a product (or of its aliases) takes the
-- next number of product_version_seq and records the writing transaction; a deleted product leaves a
-- tombstone. Each process keeps its catalogue index current by reading the rows past the version it
-- last applied, woken by NOTIFY product_changes (a missed notification is caught on the next one or
-- the periodic poll). txid lets a reader also take rows of transactions that were still running when
-- it last read: those committed later with a lower version.
CREATE SEQUENCE IF NOT EXISTS product_version_seq;
ALTER TABLE products ADD COLUMN IF NOT EXISTS version bigint NOT NULL DEFAULT nextval('product_version_seq');
ALTER TABLE products ADD COLUMN IF NOT EXISTS txid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX IF NOT EXISTS products_version ON products (version);
CREATE INDEX IF NOT EXISTS products_txid ON products (txid);

CREATE TABLE IF NOT EXISTS product_tombstones (
    sku      text,  -- NULL: the whole table was truncated (readers load the catalogue again)
    version  bigint NOT NULL DEFAULT nextval('product_version_seq'),
    txid     xid8 NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX IF NOT EXISTS product_tombstones_version ON product_tombstones (version);
CREATE INDEX IF NOT EXISTS product_tombstones_txid ON product_tombstones (txid);

CREATE OR REPLACE FUNCTION products_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.version := nextval('product_version_seq');
    NEW.txid := pg_current_xact_id();
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS products_stamp ON products;
CREATE TRIGGER products_stamp BEFORE INSERT OR UPDATE ON products FOR EACH ROW EXECUTE FUNCTION products_stamp();

CREATE OR REPLACE FUNCTION products_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('product_changes', '');
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS products_notify ON products;
CREATE TRIGGER products_notify AFTER INSERT OR UPDATE OR DELETE ON products
    FOR EACH STATEMENT EXECUTE FUNCTION products_notify();

CREATE OR REPLACE FUNCTION products_tombstone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO product_tombstones (sku) SELECT sku FROM old_rows;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS products_tombstone ON products;
CREATE TRIGGER products_tombstone AFTER DELETE ON products REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION products_tombstone();

CREATE OR REPLACE FUNCTION products_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO product_tombstones (sku) VALUES (NULL);
    PERFORM pg_notify('product_changes', '');
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS products_truncated ON products;
CREATE TRIGGER products_truncated AFTER TRUNCATE ON products FOR EACH STATEMENT EXECUTE FUNCTION products_truncated();

-- An alias added or removed is a change of its product (once per transaction: a product written in
-- this transaction already carries a new version).
CREATE OR REPLACE FUNCTION product_aliases_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE products p SET version = 0 FROM (SELECT DISTINCT sku FROM old_rows) c
            WHERE p.sku = c.sku AND p.txid <> pg_current_xact_id();
    ELSE
        UPDATE products p SET version = 0 FROM (SELECT DISTINCT sku FROM new_rows) c
            WHERE p.sku = c.sku AND p.txid <> pg_current_xact_id();
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS product_aliases_insert ON product_aliases;
CREATE TRIGGER product_aliases_insert AFTER INSERT ON product_aliases REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION product_aliases_touch();
DROP TRIGGER IF EXISTS product_aliases_delete ON product_aliases;
CREATE TRIGGER product_aliases_delete AFTER DELETE ON product_aliases REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION product_aliases_touch();
