"""Learned aliases on real PostgreSQL: a choice settles the phrase for its retailer at once, for
everyone once `agree` retailers chose the same SKU; removing forgets; sales are stored."""

from __future__ import annotations

from decimal import Decimal

from domain.catalog import Product
from nlu.types import Candidate, ParsedItem
from services.learned_aliases import apply_learned, forget, learned_summary, remember_choice, remember_switch
from tests.services.conftest import World


def _unclear(text: str, quantity: float) -> ParsedItem:
    return ParsedItem(text, None, None, quantity, None, 90.0,
                      [Candidate("COKE-500-BTL", "Coca-Cola 500 ml bottle", 90.0),
                       Candidate("SUGAR-LOOSE", "Sugar (loose)", 88.0)], ambiguous=True)


async def _settled(world: World, retailer: int, text: str, quantity: float = 6, agree: int = 3) -> str | None:
    async with world.uow() as uow:
        [item] = await apply_learned(uow, retailer, [_unclear(text, quantity)], agree)
    return item.sku if not item.ambiguous else None


async def test_own_choice_first_then_everyone_when_enough_agree(world: World) -> None:
    now = world.clock.now()
    async with world.uow() as uow:
        phrase = await remember_choice(uow, world.ram, "6 bottle coke", 6, "COKE-500-BTL", now)
    assert phrase == "coke"
    assert await _settled(world, world.ram, "bhai 10 bottle coke pathaunu", 10) == "COKE-500-BTL"
    assert await _settled(world, world.hari, "6 bottle coke") is None  # one retailer: theirs only
    async with world.uow() as uow:
        await remember_choice(uow, world.hari, "coke 2 btl", 2, "COKE-500-BTL", now)
    assert await _settled(world, 777, "6 bottle coke") is None  # two of three
    assert await _settled(world, 777, "6 bottle coke", 6, agree=2) == "COKE-500-BTL"  # configurable
    async with world.uow() as uow:
        await remember_choice(uow, 555, "coke", None, "COKE-500-BTL", now)
    assert await _settled(world, 777, "6 bottle coke") == "COKE-500-BTL"
    async with world.uow() as uow:
        assert await learned_summary(uow) == [("coke", "COKE-500-BTL", 3)]
        assert await forget(uow, "Coke", "SUGAR-LOOSE") == 0
        assert await forget(uow, "Coke") == 3
    assert await _settled(world, world.ram, "6 bottle coke") is None


async def test_a_line_switched_to_another_sku_teaches_its_phrase(world: World) -> None:
    now = world.clock.now()
    found = ParsedItem("2 bottle coke thulo", "COKE-1500-BTL", "Coca-Cola 1.5 l bottle", 2, "bottle", 100.0)
    said = {"COKE-1500-BTL": ["2 bottle coke thulo", 2]}
    async with world.uow() as uow:
        # not one line out and one SKU in: nothing learned
        assert await remember_switch(uow, world.ram, said, ["COKE-1500-BTL"], [], now) == ""
        assert await remember_switch(uow, world.ram, said, ["COKE-1500-BTL"], ["COKE-500-BTL", "SUGAR-LOOSE"],
                                     now) == ""
        assert await remember_switch(uow, world.ram, {}, ["COKE-1500-BTL"], ["COKE-500-BTL"], now) == ""
        assert await learned_summary(uow) == []
        phrase = await remember_switch(uow, world.ram, said, ["COKE-1500-BTL"], ["COKE-500-BTL"], now)
        assert phrase == "coke thulo"
        [mine] = await apply_learned(uow, world.ram, [found])
        [theirs] = await apply_learned(uow, world.hari, [found])
    # the matcher's sure answer gives way to what the phrase means to this retailer, not to others
    assert (mine.sku, mine.name, mine.quantity) == ("COKE-500-BTL", "Coca-Cola 500 ml bottle", 2)
    assert theirs.sku == "COKE-1500-BTL"
    assert await _settled(world, world.ram, "coke thulo 3", 3) == "COKE-500-BTL"  # and it settles a question


async def test_a_retailer_changing_their_mind_keeps_one_vote(world: World) -> None:
    now = world.clock.now()
    async with world.uow() as uow:
        await remember_choice(uow, world.ram, "6 bottle coke", 6, "SUGAR-LOOSE", now)
        await remember_choice(uow, world.ram, "6 bottle coke", 6, "COKE-500-BTL", now)
        assert await learned_summary(uow) == [("coke", "COKE-500-BTL", 1)]
    assert await _settled(world, world.ram, "coke 1", 1) == "COKE-500-BTL"


async def test_a_learned_sku_not_among_products_settles_nothing(world: World) -> None:
    async with world.uow() as uow:
        await remember_choice(uow, world.ram, "6 bottle coke", 6, "COKE-500-BTL", world.clock.now())
        await uow.conn.execute("DELETE FROM products WHERE sku = 'COKE-500-BTL'")
    assert await _settled(world, world.ram, "6 bottle coke") is None


async def test_sales_are_stored_with_the_catalogue(world: World) -> None:
    async with world.uow() as uow:
        await uow.products.upsert_many([Product("TEA-1", "Ilam Tea 500 g", "packet", Decimal("300"), sales=412.0)],
                                       world.clock.now())
        found = {p.sku: p.sales for p in await uow.products.all()}
    assert found["TEA-1"] == 412.0 and found["SUGAR-LOOSE"] == 0.0
