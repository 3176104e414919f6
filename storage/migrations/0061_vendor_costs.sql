-- The one definition of "the cost of this SKU from this vendor": the vendor's own price, else the
-- catalogue price (products.price is a cost too; the retailer pays it plus the pricing margin).
CREATE VIEW vendor_costs AS
SELECT vp.vendor_id, vp.sku, COALESCE(vp.price, p.price) AS cost, vp.price AS own_price
FROM vendor_products vp JOIN products p ON p.sku = vp.sku;

-- A price change that left the vendor off the market median by more than market.alert_share:
-- one row per change, so the admins hear of each move once however often the check runs.
CREATE TABLE vendor_price_alerts (
    history_id  bigint PRIMARY KEY REFERENCES vendor_price_history(id) ON DELETE CASCADE,
    vendor_id   bigint NOT NULL REFERENCES vendors(user_id) ON DELETE CASCADE,
    sku         text NOT NULL REFERENCES products(sku) ON DELETE CASCADE,
    price       numeric(12, 2) NOT NULL,
    median      numeric(12, 2) NOT NULL,
    alerted_at  timestamptz NOT NULL
);
