from dataclasses import replace

import pytest

from nlu.catalog_index import CatalogIndex


def _top(index, text, n=1):
    return [index.products[m.product].sku for m in index.search(index.query_words(text), limit=n)]


@pytest.mark.parametrize(("query", "sku"), [
    # exact aliases, every script
    ("chini", "SUGAR-LOOSE"), ("sugar", "SUGAR-LOOSE"), ("चिनी", "SUGAR-LOOSE"),
    ("masoor dal", "DAL-MASOOR-LOOSE"), ("मसुरो", "DAL-MASOOR-LOOSE"),
    ("waiwai", "WAIWAI-CHK-PKT"), ("wai wai veg", "WAIWAI-VEG-PKT"), ("रारा", "RARA-PKT"),
    ("tokla", "TEA-TOKLA-500G"), ("नुन", "SALT-AAYO-1KG"), ("namak", "SALT-AAYO-1KG"),
    # transliteration variants
    ("cheeni", "SUGAR-LOOSE"), ("chinni", "SUGAR-LOOSE"), ("cheni", "SUGAR-LOOSE"),
    ("musuro dal", "DAL-MASOOR-LOOSE"), ("daal masur", "DAL-MASOOR-LOOSE"),
    ("bhasmati chamal", "RICE-BASMATI-LOOSE"), ("jira masino", "RICE-JEERA-LOOSE"),
    ("ande", "EGG-PC"), ("अण्डा", "EGG-PC"),
    # typos
    ("colget", "COLGATE-100G"), ("mayoss", "MAYOS-PKT"), ("lifeboy sabun", "LIFEBUOY-SOAP"),
    ("currant noodles", "CURRENT-PKT"), ("surfexcel", "SURF-500G"), ("horlix", "HORLICKS-500G"),
    ("wai wai chiken", "WAIWAI-CHK-PKT"), ("tokala chiya", "TEA-TOKLA-500G"),
    # joined and split words, word order
    ("wai-wai", "WAIWAI-CHK-PKT"), ("parleji", "BISC-PARLEG-PKT"), ("dairymilk", "CHOC-DAIRYMILK-BAR"),
    ("red bull", "REDBULL-250-CAN"), ("redbull", "REDBULL-250-CAN"), ("veg wai wai", "WAIWAI-VEG-PKT"),
    ("chana dal", "DAL-CHANA-LOOSE"), ("dal chana", "DAL-CHANA-LOOSE"),
    # brand only
    ("nescafe", "COFFEE-NESCAFE-50G"), ("bournvita", "BOURNVITA-500G"),
])
def test_best_match(demo_index, query, sku):
    assert sku in _top(demo_index, query, 2) and _top(demo_index, query, 1)[0].split("-")[0] == sku.split("-")[0]


@pytest.mark.parametrize(("query", "siblings"), [
    ("coke", {"COKE-250-CAN", "COKE-250-BTL", "COKE-500-BTL", "COKE-1500-BTL"}),
    ("surf excel", {"SURF-500G", "SURF-1KG"}),
    ("wai wai", {"WAIWAI-CHK-PKT", "WAIWAI-CHK-CTN"}),
])
def test_siblings_score_alike(demo_index, query, siblings):
    matches = demo_index.search(demo_index.query_words(query), limit=10)
    scores = {demo_index.products[m.product].sku: m.score for m in matches}
    assert siblings <= scores.keys()
    assert len({scores[s] for s in siblings}) == 1


def test_scores_are_0_to_100_and_sorted(demo_index):
    for q in ["chini", "xyzzy qwerty", "coke", "wai wai chiken", "a"]:
        scores = [m.score for m in demo_index.search(demo_index.query_words(q), limit=10)]
        assert all(0 <= s <= 100 for s in scores)
        assert scores == sorted(scores, reverse=True)


def test_unknown_words_score_low(demo_index):
    best = demo_index.search(demo_index.query_words("xyzzy qwerty"), limit=1)
    assert not best or best[0].score < 62


def test_rebuild_changes_fingerprint_and_results(demo_products):
    index = CatalogIndex(demo_products)
    before = index.fingerprint
    extra = replace(demo_products[0], sku="KHAJURI-1KG", name="Khajuri Dates 1 kg", aliases=("khajur",),
                    unit="packet", brand="")
    index.rebuild([*demo_products, extra])
    assert index.fingerprint != before
    assert _top(index, "khajur") == ["KHAJURI-1KG"]
    index.rebuild(demo_products)
    assert index.fingerprint == before
    assert "KHAJURI-1KG" not in _top(index, "khajur", 5)


def test_empty_catalogue():
    index = CatalogIndex([])
    assert index.search("chini") == []


def test_apply_adds_changes_and_removes_without_touching_the_old_index(demo_products):
    index = CatalogIndex(demo_products)
    def top(ix: CatalogIndex, text: str) -> str | None:
        found = ix.search(ix.query_words(text), limit=1)
        return ix.products[found[0].product].sku if found and found[0].score >= 90 else None
    chini = top(index, "chini")
    assert chini is not None
    first = next(p for p in demo_products if p.sku != chini)
    renamed = replace(first, name="Zabrino Noodles", aliases=())
    added = replace(first, sku="NEW-1", name="Quortle Biscuit", aliases=("kwortal",))
    changed = index.apply([renamed, added], [chini])
    assert top(changed, "quortle biscuit") == "NEW-1" and top(changed, "kwortal") == "NEW-1"
    assert top(changed, "zabrino noodles") == first.sku
    assert chini not in {changed.products[m.product].sku for m in changed.search("chini", limit=10)}
    assert len(changed) == len(index) and changed.fingerprint != index.fingerprint
    assert sorted(p.sku for p in changed.live_products()) == sorted(
        {p.sku for p in demo_products} - {chini} | {"NEW-1"})
    # the old index answers as before
    assert top(index, "chini") == chini and top(index, "quortle biscuit") is None
    # changing a delta product again, and removing it
    again = changed.apply([replace(added, name="Vrelmo Biscuit", aliases=())])
    assert top(again, "vrelmo biscuit") == "NEW-1" and top(again, "kwortal") is None
    assert top(again.apply((), ["NEW-1"]), "vrelmo biscuit") is None
