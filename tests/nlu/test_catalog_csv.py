from decimal import Decimal

import pytest

from nlu.catalog_csv import read_catalog_csv

HEADER = "sku,name,aliases,brand,category,unit,price\n"


def test_reads_rows_and_reports_bad_ones(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(HEADER + "\n".join([
        "SUG,Sugar,chini|चिनी|cheeni,,sugar,kg,105",
        "BAD1,Thing,,,x,litre-ish,10",
        "BAD2,,,,x,kg,10",
        "BAD3,Thing,,,x,kg,ten",
        "SUG,Sugar again,,,sugar,kg,100",
        "RARA,Rara Noodles,rara,Rara,noodles,packet,20",
    ]) + "\n", encoding="utf-8")
    products, errors = read_catalog_csv(path)
    assert [p.sku for p in products] == ["SUG", "RARA"]
    assert products[0].aliases == ("chini", "चिनी", "cheeni") and products[0].price == Decimal(105)
    assert [line for line, _ in errors] == [3, 4, 5, 6]
    assert "unit" in errors[0][1] and "name" in errors[1][1] and "price" in errors[2][1]
    assert "duplicate" in errors[3][1]


def test_missing_columns(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("sku,name\nA,B\n", encoding="utf-8")
    products, errors = read_catalog_csv(path)
    assert products == [] and errors[0][0] == 1 and "unit" in errors[0][1]


@pytest.mark.parametrize("unit", ["kg", "packet", "crate", "sack", "dozen", "bar"])
def test_selling_units(tmp_path, unit):
    path = tmp_path / "c.csv"
    path.write_text(HEADER + f"X,Item,,,c,{unit},1\n", encoding="utf-8")
    assert read_catalog_csv(path)[0][0].unit == unit


def test_demo_catalogue_is_clean(demo_products):
    assert len(demo_products) >= 150
    assert len({p.sku for p in demo_products}) == len(demo_products)
