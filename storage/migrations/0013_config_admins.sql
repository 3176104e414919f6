-- Admins that come from config.yml, so that one removed from it is deactivated at the next start
-- (admins added with `khaacho admin add` or the demo seed are not touched).
ALTER TABLE users ADD COLUMN from_config boolean NOT NULL DEFAULT false;
