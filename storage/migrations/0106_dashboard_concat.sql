-- The dashboard's vendor response times: the seconds of a vendor's days (analytics_daily_vendors) and
-- of the live part joined into one array per vendor, so its average and median are taken in Python
-- (domain.dashboard.response_times) without unnesting and sorting every answer in SQL.
CREATE OR REPLACE AGGREGATE float8_concat(float8[]) (SFUNC = array_cat, STYPE = float8[], INITCOND = '{}');
