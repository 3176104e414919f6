"""A fixture's cast: its catalogue and actors, created the way the CLI creates them."""

from __future__ import annotations

from decimal import Decimal

from bot.commands.catalog import import_catalog
from bot.runtime import Runtime
from storage.repos.users import UserRepository
from testing.fixtures import Fixture


async def stage(fixture: Fixture, runtime: Runtime) -> None:
    """Import the fixture's catalogue and add its actors (unknown ones stay unknown)."""
    if fixture.catalog:
        await import_catalog(fixture.catalog, runtime.config.secrets.database_url or "", progress=False)
    async with runtime.pool.acquire() as conn, conn.transaction():
        users = UserRepository(conn)
        for actor in fixture.actors.values():
            spec = actor.spec
            if actor.role == "retailer":
                limit = Decimal(str(spec.get("credit_limit", runtime.config.credit.default_limit)))
                uid = await users.add_retailer(actor.phone, actor.name, limit, address=spec.get("address"),
                                               lat=spec.get("lat"), lon=spec.get("lon"))
            elif actor.role == "vendor":
                products = spec.get("products", "all")
                uid = await users.add_vendor(actor.phone, actor.name, lat=spec.get("lat"), lon=spec.get("lon"),
                                             products=None if products == "all" else list(products))
                for sku, qty in (spec.get("stock") or {}).items():
                    await conn.execute("UPDATE vendor_products SET stock = $3 WHERE vendor_id = $1 AND sku = $2",
                                       uid, sku, Decimal(str(qty)))
            elif actor.role == "admin":
                uid = await users.upsert(actor.phone, actor.name, "admin")
            else:
                continue
            if spec.get("language"):
                await users.set_language(uid, spec["language"])
    await runtime.nlu.refresh(runtime.pool, force=True)
