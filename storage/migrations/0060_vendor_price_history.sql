-- Every change of a vendor's price for a SKU (vendor_products.price holds the current one).
CREATE TABLE vendor_price_history (
    id          bigserial PRIMARY KEY,
    vendor_id   bigint NOT NULL REFERENCES vendors(user_id) ON DELETE CASCADE,
    sku         text NOT NULL REFERENCES products(sku) ON DELETE CASCADE,
    old_price   numeric(12, 2),               -- NULL: it had none (the catalogue price applied)
    new_price   numeric(12, 2) NOT NULL,
    valid_from  timestamptz NOT NULL,
    changed_at  timestamptz NOT NULL,
    changed_by  text NOT NULL                 -- 'cli', 'api:<key>', 'chat:<phone>'
);
CREATE INDEX vendor_price_history_sku ON vendor_price_history (sku, valid_from);
