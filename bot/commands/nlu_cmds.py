"""`parse` and `nlu train|eval`: the NLU's own commands, given the catalogue from the database."""

from __future__ import annotations

import argparse
import asyncio
import os
from pathlib import Path
from typing import Any

import asyncpg

from domain.catalog import Product
from storage.db import connect
from storage.repos.products import ProductRepository


def load_db_products() -> list[Product]:
    """The active catalogue, for commands not given --catalog."""

    async def fetch() -> list[Product]:
        conn = await connect(os.environ["DATABASE_URL"])
        try:
            return await ProductRepository(conn).all()
        except asyncpg.UndefinedTableError:
            raise SystemExit("this database has no catalogue yet: run `khaacho db migrate` and `khaacho catalog"
                             " import FILE.csv` (or `khaacho seed --demo`), or pass --catalog FILE.csv") from None
        finally:
            await conn.close()

    return asyncio.run(fetch())


def make_pipeline(model_dir: Path | None, catalog_csv: Path | None) -> Any:
    """The product's pipeline, from a trained model folder and a catalogue file (or the database)."""
    from nlu.catalog_csv import read_catalog_csv
    from nlu.catalog_index import CatalogIndex
    from nlu.intent import IntentClassifier, load_or_train
    from nlu.pipeline import NluPipeline

    classifier = IntentClassifier.load(model_dir) if model_dir else load_or_train()
    products = read_catalog_csv(catalog_csv)[0] if catalog_csv else load_db_products()
    return NluPipeline(classifier, CatalogIndex(products), threshold=configured_threshold())


def configured_threshold() -> float | None:
    """config.yml's nlu.intent_threshold (None: the model's own)."""
    from bot.config import load_config

    return load_config(env={}).nlu.intent_threshold


def default_catalog(args: argparse.Namespace) -> None:
    """Intent-only evaluation scores no items, so without --catalog it runs on the demo catalogue
    and needs no database (the same figures whatever a database holds)."""
    from bot.commands.seed import DEMO_CATALOG
    from nlu.commands.train_eval import scores_items

    if args.command == "nlu" and args.action == "eval" and not args.catalog and not scores_items(args.data):
        args.catalog = DEMO_CATALOG


def register(sub: argparse._SubParsersAction) -> None:
    from nlu.commands import parse, train_eval

    parse.register(sub, load_db_products, configured_threshold)
    train_eval.register(sub, make_pipeline)
