"""People: retailers, vendors and admins, found by phone."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import asyncpg

from domain.people import Person, User


class UserRepository:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def by_phone(self, phone: str) -> User | None:
        row = await self.conn.fetchrow(
            "SELECT id, phone, name, role, language FROM users WHERE phone = $1 AND active", phone
        )
        return User(**row) if row else None

    async def by_id(self, user_id: int) -> User | None:
        row = await self.conn.fetchrow(
            "SELECT id, phone, name, role, language FROM users WHERE id = $1", user_id
        )
        return User(**row) if row else None

    async def person(self, user_id: int) -> Person:
        row = await self.conn.fetchrow(
            "SELECT u.id, u.phone, u.name, COALESCE(r.address, '') AS address FROM users u"
            " LEFT JOIN retailers r ON r.user_id = u.id WHERE u.id = $1", user_id)
        if row is None:
            raise LookupError(f"no user {user_id}")
        return Person(row["id"], row["phone"], row["name"], row["address"])

    async def find(self, phone_or_name: str, role: str | None = None) -> User | None:
        """By exact phone, else by case-insensitive name (exact before prefix)."""
        row = await self.conn.fetchrow(
            "SELECT id, phone, name, role, language FROM users"
            " WHERE ($2::text IS NULL OR role = $2) AND (phone = $1 OR lower(name) LIKE lower($1) || '%')"
            " ORDER BY phone = $1 DESC, lower(name) = lower($1) DESC, id LIMIT 1",
            phone_or_name, role,
        )
        return User(**row) if row else None

    async def upsert(self, phone: str, name: str, role: str) -> int:
        return await self.conn.fetchval(
            "INSERT INTO users (phone, name, role) VALUES ($1, $2, $3)"
            " ON CONFLICT (phone) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role, active = true"
            " RETURNING id",
            phone, name, role,
        )

    async def sync_config_admins(self, admins: Sequence[tuple[str, str]]) -> list[str]:
        """The (phone, name) admins of config.yml become active admin users; admins that came from the
        config before and are no longer listed are deactivated. Returns the phones deactivated."""
        for phone, name in admins:
            await self.upsert(phone, name, "admin")
        phones = [phone for phone, _ in admins]
        await self.conn.execute("UPDATE users SET from_config = true WHERE phone = ANY($1::text[])", phones)
        rows = await self.conn.fetch(
            "UPDATE users SET active = false, from_config = false"
            " WHERE from_config AND role = 'admin' AND NOT (phone = ANY($1::text[])) RETURNING phone", phones)
        return [r["phone"] for r in rows]

    async def add_retailer(self, phone: str, name: str, credit_limit: Decimal, *,
                           address: str | None = None, lat: float | None = None,
                           lon: float | None = None) -> int:
        user_id = await self.upsert(phone, name, "retailer")
        await self.conn.execute(
            "INSERT INTO retailers (user_id, credit_limit, address, lat, lon) VALUES ($1, $2, $3, $4, $5)"
            " ON CONFLICT (user_id) DO UPDATE SET credit_limit = EXCLUDED.credit_limit,"
            " address = COALESCE(EXCLUDED.address, retailers.address),"
            " lat = COALESCE(EXCLUDED.lat, retailers.lat), lon = COALESCE(EXCLUDED.lon, retailers.lon)",
            user_id, credit_limit, address, lat, lon,
        )
        return user_id

    async def add_vendor(self, phone: str, name: str, *, lat: float | None = None,
                         lon: float | None = None, products: list[str] | None = None) -> int:
        """Add or update a vendor; `products` lists SKUs it sells (None: all active products)."""
        user_id = await self.upsert(phone, name, "vendor")
        await self.conn.execute(
            "INSERT INTO vendors (user_id, lat, lon) VALUES ($1, $2, $3)"
            " ON CONFLICT (user_id) DO UPDATE SET lat = COALESCE(EXCLUDED.lat, vendors.lat),"
            " lon = COALESCE(EXCLUDED.lon, vendors.lon)",
            user_id, lat, lon,
        )
        await self.conn.execute(
            "INSERT INTO vendor_products (vendor_id, sku)"
            " SELECT $1, sku FROM products WHERE active AND ($2::text[] IS NULL OR sku = ANY($2))"
            " ON CONFLICT DO NOTHING",
            user_id, products,
        )
        return user_id

    async def set_location(self, user_id: int, role: str, lat: float, lon: float) -> bool:
        """A retailer's shop, or a vendor's own location (and its depot, when the depot was that same
        place or unset); whether the user had a row to update."""
        if role == "retailer":
            done = await self.conn.execute("UPDATE retailers SET lat = $2, lon = $3 WHERE user_id = $1",
                                           user_id, lat, lon)
        else:
            done = await self.conn.execute(
                "UPDATE vendors SET"
                " depot_lat = CASE WHEN depot_lat = lat AND depot_lon = lon THEN $2 ELSE depot_lat END,"
                " depot_lon = CASE WHEN depot_lat = lat AND depot_lon = lon THEN $3 ELSE depot_lon END,"
                " lat = $2, lon = $3 WHERE user_id = $1", user_id, lat, lon)
        return done.endswith(" 1")

    async def set_language(self, user_id: int, language: str) -> None:
        await self.conn.execute("UPDATE users SET language = $2 WHERE id = $1", user_id, language)

    async def vendor_ids_by_phone(self) -> dict[str, int]:
        """Every vendor's id by phone (stock imports)."""
        return {r["phone"]: r["id"] for r in await self.conn.fetch("SELECT id, phone FROM users WHERE role = 'vendor'")}
