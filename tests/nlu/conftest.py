from __future__ import annotations

from pathlib import Path

import pytest

from nlu.catalog_csv import read_catalog_csv
from nlu.catalog_index import CatalogIndex
from nlu.pipeline import NluPipeline

DEMO_CSV = Path(__file__).resolve().parents[2] / "data" / "catalog" / "demo.csv"


@pytest.fixture(scope="session")
def demo_products():
    products, errors = read_catalog_csv(DEMO_CSV)
    assert not errors
    return products


@pytest.fixture(scope="session")
def demo_index(demo_products):
    return CatalogIndex(demo_products)


@pytest.fixture(scope="session")
def rules_pipeline(demo_products):
    """The pipeline without an intent model: items, rules and entities only."""
    return NluPipeline(None, CatalogIndex(demo_products))
