"""What the catalogue tells retailers and vendors: products by SKU, who has them in stock, categories."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from domain.catalog import Listing, Product
from storage.uow import UnitOfWork


async def products(uow: UnitOfWork, skus: Iterable[str], *, aliases: bool = False) -> dict[str, Product]:
    """Products by SKU (inactive ones too: an order may hold them), with their aliases if asked."""
    return await uow.products.by_skus(skus, aliases=aliases)


async def vendors_with_stock(uow: UnitOfWork, skus: Sequence[str]) -> dict[str, int]:
    """How many active vendors can supply each SKU now (untracked stock counts as available)."""
    return await uow.views.in_stock(skus)


async def categories(uow: UnitOfWork) -> list[str]:
    return await uow.views.categories()


async def category_products(uow: UnitOfWork, category: str) -> list[Listing]:
    """Active products of a category (exact name first, else categories starting with it)."""
    return await uow.views.in_category(category)


async def brand_products(uow: UnitOfWork, brand: str) -> list[Listing]:
    """Active products of a brand (its variety: flavours, packs)."""
    return await uow.views.of_brand(brand)


async def brands(uow: UnitOfWork) -> list[str]:
    return await uow.views.brands()
