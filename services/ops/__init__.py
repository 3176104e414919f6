"""What operators read and change outside a conversation's own data: the dashboard (stats), order
lists and histories (orders), people's standing and credit limits (people), exports with signed links
(exports, links), API keys (apikeys) and the audit log (audit). Each function takes the unit of work;
the SQL behind them is in storage (storage.analytics, storage.repos.order_views, profiles, exports,
apikeys)."""
