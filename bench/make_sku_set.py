"""Write the SKU-matching development set: a real-style catalogue and orders written against it.

    .venv/bin/python bench/make_sku_set.py [--seed 14]

Writes bench/data/sku_catalog.csv (>= 5,000 names: brand + product + variant + pack size, with a
`sales` column) and bench/data/sku_orders_dev.jsonl / sku_orders_test.jsonl (the split is by
product family, so test families are never seen while tuning). Source and licence: see
bench/data/README.md. Same seed, same files.

Orders are written the way shop owners shorten names: the brand (often misspelt or cut to its
first word), a shop word for the product ("sabun", "tel"), the variant only when it is not the
family's best seller, the pack size as "1kg", "1 ltr", "125", "12 wala", and the quantity with a
unit word, amid Hinglish / Roman Nepali function words. The gold SKU of a line that leaves out
the variant or the pack is the best-selling SKU it fits.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
HEADER = ("sku", "name", "aliases", "brand", "category", "unit", "price", "sales")


@dataclass(frozen=True)
class Kind:
    product: str  # as catalogues write it
    shop_words: tuple[str, ...]  # what shop owners call it ("sabun")
    category: str
    unit: str
    variants: tuple[str, ...]
    packs: tuple[tuple[str, tuple[str, ...]], ...]  # (catalogue form, ways to say it)
    brands: tuple[str, ...]


def _p(form: str, *said: str) -> tuple[str, tuple[str, ...]]:
    return form, said


KINDS = (
    Kind("Detergent Powder", ("powder", "surf", ""), "detergent", "packet",
         ("Easy Wash", "Matic Front Load", "Quick Wash", "Lemon Fresh", "Top Load", "Active"),
         (_p("500 g", "500g", "500 gm", "500 wala"), _p("1 kg", "1kg", "1 kg", "1 kilo wala"),
          _p("2 kg", "2kg", "2 kg ko"), _p("4 kg", "4kg", "4 kg wala")),
         ("Surf Excel", "Ariel", "Tide", "Rin", "Wheel", "Ghadi", "Nirma", "Henko", "Fena", "Sasa")),
    Kind("Detergent Bar", ("bar", "sabun", "saban"), "detergent", "piece",
         ("Lemon", "Advanced", "Jasmine", "Blue"),
         (_p("150 g", "150g", "150 wala"), _p("250 g", "250g", "250"), _p("4x150 g", "4 wala", "4x150")),
         ("Rin", "Wheel", "Surf Excel", "Ghadi", "Nirma", "Sunlight", "Fena")),
    Kind("Soap", ("soap", "sabun", "saban"), "personal care", "piece",
         ("Original", "Cool", "Skincare", "Lime Fresh", "Sensitive", "Aloe Vera", "Sandal"),
         (_p("75 g", "75g", "75"), _p("125 g", "125g", "125", "125 gm"),
          _p("3x125 g (Buy 2 Get 1)", "3 wala", "3x125", "3 ko pack"), _p("4x100 g", "4x100", "4 wala")),
         ("Dettol", "Lifebuoy", "Lux", "Santoor", "Pears", "Dove", "Cinthol", "Hamam", "Medimix",
          "Godrej No.1", "Vivel", "Margo")),
    Kind("Shampoo", ("shampoo", "sampoo", ""), "personal care", "bottle",
         ("Anti Dandruff", "Smooth & Silky", "Cool Menthol", "Silky Black", "Total Repair"),
         (_p("80 ml", "80ml", "80"), _p("180 ml", "180ml", "180 ml", "180"), _p("340 ml", "340ml", "340"),
          _p("16x6 ml Sachet", "sachet", "16 wala")),
         ("Clinic Plus", "Head & Shoulders", "Sunsilk", "Pantene", "Dove", "Chik", "Meera", "Tresemme")),
    Kind("Instant Noodles", ("noodles", "chauchau", ""), "noodles", "packet",
         ("Masala", "Chicken", "Veg Atta", "Curry", "Hot & Spicy", "Tomato"),
         (_p("70 g", "70g", "70 gm", "single"), _p("4x70 g", "4 wala", "4x70", "4 pack"),
          _p("12x70 g", "12 wala", "12x70", "12 ko"), _p("280 g", "280g", "280")),
         ("Maggi", "Yippee", "Wai Wai", "Rara", "Mayos", "Current", "Ching's", "Top Ramen", "Knorr")),
    Kind("Refined Oil", ("oil", "tel", ""), "oil", "pouch",
         ("Sunflower", "Soyabean", "Rice Bran", "Groundnut", "Mustard Kachi Ghani", "Cottonseed"),
         (_p("1 L Pouch", "1 ltr", "1l", "1 litre", "1 liter"),
          _p("500 ml Pouch", "500ml", "500 ml", "half litre"),
          _p("5 L Jar", "5 ltr", "5l", "5 litre jar"), _p("15 L Tin", "15 ltr", "15l", "15 litre")),
         ("Fortune", "Saffola", "Dhara", "Sundrop", "Gemini", "Nature Fresh", "Emami", "Patanjali",
          "Gold Winner", "Freedom")),
    Kind("Biscuits", ("biscuit", "biskut", ""), "biscuits", "packet",
         ("Glucose", "Cream", "Marie", "Butter", "Digestive", "Chocolate", "Elaichi"),
         (_p("50 g", "50g", "5 rupee wala", "50"), _p("100 g", "100g", "100 gm", "10 rupee wala"),
          _p("200 g", "200g", "200"), _p("12x50 g", "12 wala", "12x50")),
         ("Parle-G", "Britannia", "Sunfeast", "Oreo", "Good Day", "Hide & Seek", "Bourbon", "Unibic",
          "Priyagold", "Anmol")),
    Kind("Tea", ("tea", "chiya", "chai"), "tea", "packet",
         ("Premium", "Gold", "Dust", "Green", "Masala", "Elaichi"),
         (_p("100 g", "100g", "100 gm"), _p("250 g", "250g", "250", "pao"), _p("500 g", "500g", "500", "aadha kilo"),
          _p("1 kg", "1kg", "1 kilo")),
         ("Tata Tea", "Red Label", "Taj Mahal", "Wagh Bakri", "Tokla", "Ilam", "Society", "Tetley",
          "Lipton", "Goodricke")),
    Kind("Toothpaste", ("paste", "manjan", "toothpaste"), "personal care", "piece",
         ("Strong Teeth", "Max Fresh", "Herbal", "Sensitive", "Salt", "Active Gel"),
         (_p("50 g", "50g", "50"), _p("100 g", "100g", "100"), _p("150 g", "150g", "150"),
          _p("2x150 g", "2 wala", "2x150")),
         ("Colgate", "Pepsodent", "Close Up", "Dabur Red", "Sensodyne", "Patanjali Dant Kanti", "Meswak")),
    Kind("Atta", ("atta", "pitho", "aata"), "flour", "bag",
         ("Whole Wheat", "Multigrain", "Chakki Fresh", "Sharbati"),
         (_p("1 kg", "1kg", "1 kilo"), _p("5 kg", "5kg", "5 kg ko"), _p("10 kg", "10kg", "10 kg wala"),
          _p("25 kg", "25kg", "25 kg bora")),
         ("Aashirvaad", "Pillsbury", "Fortune", "Patanjali", "Shakti Bhog", "Annapurna", "Nepal Gold")),
    Kind("Basmati Rice", ("chamal", "rice", "chawal"), "rice", "bag",
         ("Classic", "Super", "Rozana", "Tibar", "Dubar", "Mogra"),
         (_p("1 kg", "1kg", "1 kilo"), _p("5 kg", "5kg", "5 kg"), _p("10 kg", "10kg", "10 kg wala"),
          _p("25 kg", "25kg", "25 kg bora")),
         ("India Gate", "Daawat", "Kohinoor", "Lal Qilla", "Fortune", "Jeera Masino", "Sona Mansuli")),
    Kind("Soft Drink", ("", "cold drink", "drink"), "soft drinks", "bottle",
         ("Original", "Zero Sugar", "Diet", "Lime", "Orange"),
         (_p("250 ml", "250ml", "250", "chota"), _p("500 ml", "500ml", "500", "aadha"),
          _p("1.25 L", "1.25 ltr", "1.25l", "sawa litre"), _p("2.25 L", "2.25 ltr", "2.25l", "2 litre wala")),
         ("Coca-Cola", "Pepsi", "Sprite", "Fanta", "Mountain Dew", "Thums Up", "7Up", "Mirinda", "Limca")),
    Kind("Chips", ("chips", "", "namkeen"), "snacks", "packet",
         ("Classic Salted", "Magic Masala", "Cream & Onion", "Tomato Tango", "Chilli Lemon", "Masala Munch"),
         (_p("26 g", "26g", "5 rupee wala", "26"), _p("52 g", "52g", "10 rupee wala", "52"),
          _p("90 g", "90g", "20 rupee wala", "90"), _p("150 g", "150g", "150")),
         ("Lay's", "Kurkure", "Bingo", "Uncle Chipps", "Doritos", "Pringles", "Balaji", "Haldiram's")),
    Kind("Spice Powder", ("masala", "powder", ""), "spices", "packet",
         ("Turmeric", "Red Chilli", "Coriander", "Garam Masala", "Meat Masala", "Chhole Masala", "Jeera"),
         (_p("50 g", "50g", "50"), _p("100 g", "100g", "100"), _p("200 g", "200g", "200"), _p("500 g", "500g", "500")),
         ("Everest", "MDH", "Catch", "Badshah", "Aachi", "Eastern", "Suhana", "Sakthi")),
    Kind("Ghee", ("ghee", "ghiu", ""), "dairy", "jar",
         ("Pure Cow", "Desi", "Buffalo"),
         (_p("200 ml", "200ml", "200"), _p("500 ml", "500ml", "500", "aadha litre"),
          _p("1 L", "1 ltr", "1l", "1 litre")),
         ("Amul", "Patanjali", "Gowardhan", "Aashirvaad Svasti", "Nandini", "DDC", "Mother Dairy")),
    Kind("Hair Oil", ("oil", "tel", "kesh tel"), "personal care", "bottle",
         ("Coconut", "Almond", "Amla", "Jasmine", "Cooling"),
         (_p("100 ml", "100ml", "100"), _p("200 ml", "200ml", "200"), _p("500 ml", "500ml", "500")),
         ("Parachute", "Bajaj", "Dabur", "Navratna", "Himalaya", "Clinic Plus", "Nihar")),
)

_FUNCTION_BEFORE = ("", "", "", "bhai ", "dai ", "sir ", "")
_FUNCTION_AFTER = ("", "", "", " dinu", " pathaunu", " bhejo", " chahiye", " h", " hai", " thapnu",
                   " dijiye", " pathaidinu", " ni", " ta", " chaiyo")
_COUNT_UNITS = {"packet": ("pkt", "packet", "poka", "pc", ""), "piece": ("pc", "pcs", "piece", "wata", ""),
                "bottle": ("bottle", "btl", "pc", ""), "pouch": ("pouch", "pkt", "packet", ""),
                "bag": ("bag", "bora", "pkt", ""), "jar": ("jar", "pc", "")}


def _typo(rng: random.Random, word: str) -> str:
    """A shop owner's misspelling: a doubled or dropped letter, a swapped vowel."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    choice = rng.random()
    if choice < 0.35 and word[i] == word[i - 1]:
        return word[:i] + word[i + 1:]  # dettol -> detol
    if choice < 0.55:
        return word[:i] + word[i + 1:]
    if choice < 0.8 and word[i] in "aeiou":
        return word[:i] + rng.choice("aeiou".replace(word[i], "")) + word[i + 1:]  # surf -> sarf
    return word[:i] + word[i] + word[i:]


def _catalogue(rng: random.Random) -> tuple[list[dict[str, str]], list[dict[str, object]]]:
    rows: list[dict[str, str]] = []
    families: list[dict[str, object]] = []
    n = 0
    for kind in KINDS:
        for brand in kind.brands:
            # most brands carry a few variants; some only one ("drop the variant when only one exists")
            count = 1 if rng.random() < 0.2 else rng.randint(2, len(kind.variants))
            variants = rng.sample(kind.variants, count)
            family = {"brand": brand, "kind": kind, "skus": []}
            for vi, variant in enumerate(variants):
                packs = rng.sample(kind.packs, rng.randint(2, len(kind.packs)))
                for pi, (form, said) in enumerate(packs):
                    n += 1
                    sku = f"SKU-{n:05d}"
                    name = f"{brand} {variant} {kind.product} {form}".replace("  ", " ")
                    # best sellers: the first variant and the first pack listed sell most, with noise
                    sales = int(1000 / (1 + vi) / (1 + 0.7 * pi) * rng.uniform(0.8, 1.2)) + rng.randint(0, 9)
                    rows.append({"sku": sku, "name": name, "aliases": "", "brand": brand,
                                 "category": kind.category, "unit": kind.unit,
                                 "price": f"{rng.uniform(10, 900):.2f}", "sales": str(sales)})
                    family["skus"].append({"sku": sku, "variant": variant, "pack": form, "said": said,
                                           "sales": sales})
            families.append(family)
    return rows, families


def _extend(rows: list[dict[str, str]], rng: random.Random, target: int) -> None:
    """Regional lines of the same families (other towns' distributors list them under their own
    SKU, name and pack), until the catalogue reaches the target size."""
    base = list(rows)
    k = len(rows)
    regions = ("Kathmandu", "Pokhara", "Biratnagar", "Butwal", "Delhi", "Patna", "Siliguri", "Lucknow",
               "Dharan", "Nepalgunj", "Birgunj", "Gorakhpur", "Janakpur", "Hetauda", "Itahari", "Varanasi")
    for region in regions:
        for row in base:
            if len(rows) >= target:
                return
            if rng.random() < 0.5:
                continue
            k += 1
            rows.append({**row, "sku": f"SKU-{k:05d}", "name": f"{row['name']} - {region} Depot",
                         "sales": "0"})


def _said_brand(rng: random.Random, brand: str, clash: set[str]) -> str:
    words = brand.lower().replace("'s", "").replace("-", " ").replace("&", "and").split()
    if len(words) > 1 and rng.random() < 0.45 and words[0] not in clash:
        words = words[:1]  # surf excel -> surf
    if rng.random() < 0.3:
        j = max(range(len(words)), key=lambda i: len(words[i]))
        words[j] = _typo(rng, words[j])
    return " ".join(words)


def _order(rng: random.Random, family: dict[str, object], clash: set[str]) -> tuple[str, dict[str, object]]:
    kind: Kind = family["kind"]  # type: ignore[assignment]
    skus: list[dict[str, object]] = family["skus"]  # type: ignore[assignment]
    target = rng.choice(skus)
    variants = list(dict.fromkeys(s["variant"] for s in skus))
    best_variant = max(variants, key=lambda v: sum(s["sales"] for s in skus if s["variant"] == v))
    say_variant = target["variant"] != best_variant or rng.random() < 0.3
    same_variant = [s for s in skus if s["variant"] == target["variant"]]
    say_pack = len(same_variant) > 1 and (target is not max(same_variant, key=lambda s: s["sales"])
                                          or rng.random() < 0.6)
    if not say_variant:
        pool = [s for s in skus if s["variant"] == best_variant] if len(variants) > 1 else same_variant
        if not say_pack:
            target = max(pool, key=lambda s: s["sales"])
        else:
            target = next((s for s in pool if s["pack"] == target["pack"]), target)
            if target["variant"] != best_variant and len(variants) > 1:
                say_variant = True
    parts = [_said_brand(rng, family["brand"], clash)]
    if say_variant:
        words = target["variant"].lower().replace("&", "").split()
        parts.append(" ".join(words if rng.random() < 0.5 else words[:1]))
    shop = rng.choice(kind.shop_words)
    if shop and shop not in parts[0]:
        parts.append(shop)
    if say_pack:
        parts.append(rng.choice(target["said"]))
    qty = rng.choice((1, 2, 2, 3, 5, 5, 6, 10, 10, 12, 20, 24, 50))
    unit = rng.choice(_COUNT_UNITS.get(kind.unit, ("",)) + ("carton",) * (rng.random() < 0.15))
    glued = rng.random() >= 0.7 and unit in ("pkt", "pc")
    quantity = f"{qty}{unit}" if glued else f"{qty} {unit}".strip()
    if rng.random() < 0.25:
        parts.insert(0, quantity)
    else:
        parts.append(quantity)
    if rng.random() < 0.15:
        parts.insert(1, rng.choice(("ko", "ka", "pani", "wala")))
    text = rng.choice(_FUNCTION_BEFORE) + " ".join(parts) + rng.choice(_FUNCTION_AFTER)
    return text, {"sku": target["sku"], "quantity": float(qty), "unit": None}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--size", type=int, default=6000)
    ap.add_argument("--orders", type=int, default=600)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    rows, families = _catalogue(rng)
    _extend(rows, rng, args.size)
    DATA.mkdir(exist_ok=True)
    with open(DATA / "sku_catalog.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, HEADER)
        writer.writeheader()
        writer.writerows(rows)
    first_words: dict[str, int] = {}
    for f in families:
        w = str(f["brand"]).lower().split()[0]
        first_words[w] = first_words.get(w, 0) + 1
    clash = {w for w, c in first_words.items() if c > 1}
    order = list(range(len(families)))
    rng.shuffle(order)
    test_families = set(order[: len(order) // 3])
    for split, keep in (("dev", lambda i: i not in test_families), ("test", lambda i: i in test_families)):
        chosen = [i for i in range(len(families)) if keep(i)]
        with open(DATA / f"sku_orders_{split}.jsonl", "w", encoding="utf-8") as handle:
            for _ in range(args.orders if split == "dev" else args.orders // 2):
                lines = [_order(rng, families[rng.choice(chosen)], clash) for _ in range(rng.choice((1, 1, 2, 3)))]
                text = "\n".join(t for t, _ in lines)
                handle.write(json.dumps({"text": text, "intent": "order", "items": [g for _, g in lines]},
                                        ensure_ascii=False) + "\n")
    print(f"{len(rows)} catalogue rows, {len(families)} families ({len(test_families)} held out)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
