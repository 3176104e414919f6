"""Write a large real-style catalogue CSV (sku,name,aliases,brand,category,unit,price).

    .venv/bin/python bench/make_catalog.py [--count 8000] [--seed 7] [--out bench/data/catalog_8k.csv]

Our own generator, written for this project: the brand, product, variant and pack lists below were
typed here from general knowledge of Indian and Nepali shop shelves; no third-party names list was
copied. Brand names are trademarks of their owners and are used only as realistic test strings.

The names are written the many ways real distributor lists write them: sizes as "500g", "500 GM",
"0.5 kg", "(500 g)", multipacks "2x200 g", "6x1 L", "200 g x 2", "Pack of 3", "1 L each", "5x6 pcs",
"Combo", letter-digit words (H2O, 2X, 4G, B12, 48h), percentages, brackets, emoji, a few names of
~300 characters, Devanagari-only names, and the same name under two SKUs. Same seed, same file.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HEADER = ("sku", "name", "aliases", "brand", "category", "unit", "price")
DEFAULT_OUT = Path(__file__).resolve().parent / "data" / "catalog_8k.csv"


@dataclass(frozen=True)
class Line:
    """One product line: its category, what it is, who makes it, how it is packed."""

    category: str
    products: tuple[str, ...]
    brands: tuple[str, ...]
    variants: tuple[str, ...]
    packing: str  # "mass" | "volume" | "count"
    unit: str  # selling unit when packed
    sizes: tuple[float, ...]  # g, ml or pieces
    price_per: float  # rupees per 100 g / 100 ml / piece, roughly


def _t(text: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in text.split(";") if w.strip())


LINES = (
    Line("noodles", _t("Instant Noodles;Noodles;Chow Mein;Cup Noodles;Hakka Noodles;Atta Noodles"),
         _t("Wai Wai;Rara;Mayos;Current;2PM;Maggi;Yippee;Top Ramen;Ching's Secret;Knorr;Preeti;Ruchee"),
         _t("Chicken;Veg;Masala;Hot & Spicy;Jhol;Tom Yum;Curry;Chilli Chicken;Pizza Masala;Atta"),
         "mass", "packet", (60, 70, 75, 80, 120, 280, 420), 30),
    Line("rice", _t("Basmati Rice;Jeera Masino Rice;Sona Mansuli Rice;Long Grain Rice;Brown Rice;Parboiled Rice"),
         _t("India Gate;Daawat;Kohinoor;Fortune;Aashirvaad;Nanglo;Tilda;Lal Qilla;Mansarovar"),
         _t("Classic;Super;Premium;Everyday;Rozana;Dubar;Mogra;Tibar;Gold"),
         "mass", "packet", (1000, 5000, 10000, 25000), 12),
    Line("flour", _t("Atta;Chakki Atta;Maida;Besan;Sooji;Rice Flour;Multigrain Atta"),
         _t("Aashirvaad;Pillsbury;Fortune;Shakti Bhog;Patanjali;Nebico;Annapurna;Rajdhani"),
         _t("Whole Wheat;Select;Sharbati;0% Maida;High Fibre;Fine;Coarse"),
         "mass", "packet", (500, 1000, 2000, 5000, 10000), 6),
    Line("pulses", _t("Toor Dal;Masoor Dal;Moong Dal;Chana Dal;Urad Dal;Rajma;Kabuli Chana;Black Gram"),
         _t("Tata Sampann;Fortune;Rajdhani;Organic Tattva;24 Mantra;Nanglo;Patanjali"),
         _t("Unpolished;Split;Whole;Premium;Organic;Dhuli;Chilka"),
         "mass", "packet", (500, 1000, 2000, 5000), 16),
    Line("oil", _t("Mustard Oil;Sunflower Oil;Soyabean Oil;Rice Bran Oil;Groundnut Oil;Olive Oil;Ghee"),
         _t("Fortune;Saffola;Dhara;Sundrop;Dhaara;Patanjali;Engine;Figaro;Amul;Gau Ras;DDC;Emami Healthy & Tasty"),
         _t("Refined;Kachi Ghani;Filtered;Gold;Active;Lite;Extra Virgin;Pure Desi"),
         "volume", "bottle", (200, 500, 1000, 2000, 5000, 15000), 18),
    Line("spices", _t("Garam Masala;Chilli Powder;Turmeric Powder;Coriander Powder;"
                      "Jeera;Chaat Masala;Meat Masala;Kitchen King"),
         _t("MDH;Everest;Catch;Badshah;Suhana;Patanjali;Tata Sampann;Aachi;Eastern"),
         _t("Kashmiri;Deggi Mirch;Pure;Whole;Powder;Super;Rich Aroma"),
         "mass", "packet", (50, 100, 200, 500), 35),
    Line("tea", _t("Tea;Leaf Tea;Dust Tea;Green Tea;Masala Tea;CTC Tea;Orthodox Tea"),
         _t("Tata Tea;Red Label;Taj Mahal;Wagh Bakri;Society;Tokla;Ilam;Mount Everest;Himalayan Java;Lipton;Tetley"),
         _t("Premium;Gold;Agni;Leaf;Elaichi;Tulsi;Lemon;Strong"),
         "mass", "packet", (100, 250, 500, 1000), 45),
    Line("beverages", _t("Coffee;Instant Coffee;Health Drink;Chocolate Drink;Malt Drink"),
         _t("Nescafe;Bru;Horlicks;Bournvita;Complan;Boost;Milo;Protinex"),
         _t("Classic;Gold;Original;Chocolate;Kesar Badam;Lite;Junior;Women's Plus"),
         "mass", "jar", (50, 100, 200, 400, 500, 1000), 90),
    Line("soft drinks", _t("Soft Drink;Cola;Lemon Drink;Orange Drink;Energy Drink;Soda"),
         _t("Coca-Cola;Pepsi;Sprite;Fanta;Thums Up;Limca;Mountain Dew;7UP;Mirinda;Red Bull;Sting;Real Fizz"),
         _t("Regular;Zero Sugar;Diet;Original;Lime;Tropical"),
         "volume", "bottle", (200, 250, 300, 500, 600, 750, 1250, 1500, 2000, 2250), 8),
    Line("juice", _t("Juice;Fruit Drink;Nectar;Mango Drink;Litchi Drink"),
         _t("Real;Tropicana;Frooti;Maaza;Slice;Paper Boat;B Natural;Appy;Safal"),
         _t("Mango;Mixed Fruit;Guava;Litchi;Orange;Apple;Pomegranate;Aam Panna"),
         "volume", "bottle", (125, 160, 200, 600, 1000, 1200), 10),
    Line("water", _t("Packaged Drinking Water;Mineral Water;Water Bottle;Sparkling Water"),
         _t("Bisleri;Kinley;Aquafina;Himalayan;Bailley;Cello;Milton;Borosil"),
         _t("H2O;Pure;Unbreakable;Steel;Blue;Clear;Insulated"),
         "volume", "bottle", (250, 500, 1000, 2000, 5000, 20000), 2),
    Line("biscuits", _t("Biscuits;Cookies;Cream Biscuits;Digestive;Marie;Rusk;Crackers"),
         _t("Parle-G;Britannia;Sunfeast;Good Day;Hide & Seek;Bourbon;"
            "Marie Gold;Oreo;McVitie's;Priya Gold;Tiger;Monaco"),
         _t("Cashew;Butter;Chocolate;Cream;Elaichi;Nutri Choice;Choco Chips;Glucose;Salted"),
         "mass", "packet", (50, 75, 100, 120, 150, 200, 250, 400, 800), 12),
    Line("snacks", _t("Chips;Namkeen;Bhujia;Puffs;Nachos;Mixture;Moong Dal Namkeen;Peanuts"),
         _t("Lay's;Kurkure;Bingo;Uncle Chipps;Haldiram's;Bikaji;Balaji;Doritos;Pringles;Too Yumm"),
         _t("Classic Salted;Magic Masala;Masala Munch;Aloo Bhujia;Cream & Onion;Tomato Tango;Spicy Treat"),
         "mass", "packet", (20, 26, 30, 40, 52, 90, 150, 200, 400, 1000), 15),
    Line("dairy", _t("Milk;Curd;Paneer;Butter;Cheese Slices;Toned Milk;Dahi;Lassi"),
         _t("Amul;Mother Dairy;Nandini;DDC;Sujal;Britannia;Gowardhan;Go;Sumul"),
         _t("Full Cream;Toned;Double Toned;Salted;Unsalted;Malai;Probiotic"),
         "mass", "packet", (100, 200, 400, 500, 1000), 12),
    Line("personal care", _t("Bath Soap;Shampoo;Toothpaste;Body Lotion;Face Wash;Hair Oil;Talc;Deodorant;Body Milk"),
         _t("Lux;Lifebuoy;Dove;Pears;Santoor;Cinthol;Dettol;Colgate;Pepsodent;Close-Up;"
            "Nivea;Vaseline;Ponds;Himalaya;Parachute;Bajaj;Clinic Plus;Sunsilk;Head & Shoulders;Garnier"),
         _t("Total;Strong Teeth;Aloe Vera;Deep Moisture;Neem;Almond;Sandal;Anti-Dandruff;Lemon Fresh;Cool Mint"),
         "count", "piece", (1, 2, 3, 4, 6), 60),
    Line("household", _t("Detergent Powder;Detergent Bar;Dishwash Bar;Dishwash Gel;"
                         "Toilet Cleaner;Floor Cleaner;Mosquito Coil;Liquid Vaporiser"),
         _t("Surf Excel;Ariel;Tide;Rin;Wheel;Ghadi;Vim;Exo;Pril;Harpic;Lizol;Good Knight;All Out;Mortein;Odonil;Colin"),
         _t("Easy Wash;Matic Front Load;Lemon;Original;Power Plus;Citrus;Jasmine;Neem;Fast Card"),
         "mass", "packet", (75, 100, 150, 500, 1000, 2000, 4000), 20),
    Line("baby care", _t("Diapers;Baby Wipes;Baby Powder;Baby Soap;Sanitary Pads"),
         _t("Pampers;Huggies;MamyPoko;Johnson's;Himalaya;Stayfree;Whisper;Sofy;Carefree"),
         _t("New Born;Small;Medium;Large;XL;XXL;Ultra;Pants Style;Night"),
         "count", "packet", (5, 6, 7, 10, 20, 24, 40, 56, 76), 12),
    Line("confectionery", _t("Chocolate;Candy;Toffee;Chewing Gum;Lollipop;Wafer"),
         _t("Cadbury;Dairy Milk;KitKat;5 Star;Perk;Munch;Alpenliebe;Pulse;Eclairs;Centre Fresh;Mentos;Polo"),
         _t("Silk;Fruit & Nut;Roast Almond;Caramel;Orange;Kachcha Aam;Mint;Peppermint"),
         "mass", "packet", (10, 13, 24, 40, 50, 110, 150, 300), 60),
    Line("electronics", _t("Battery;LED Bulb;Extension Board;Mobile Charger;Earphones;Torch"),
         _t("Eveready;Duracell;Nippo;Philips;Syska;Havells;Wipro;Anchor;boAt;Mi"),
         _t("AA;AAA;9W;12W;4G;Type-C;USB;Fast;Rechargeable;Cool Day Light"),
         "count", "piece", (1, 2, 4, 10), 120),
    Line("stationery", _t("Notebook;Ball Pen;Gel Pen;Pencil;Eraser;Glue Stick;Geometry Box"),
         _t("Classmate;Reynolds;Cello;Camlin;Natraj;Apsara;Doms;Fevicol;Luxor"),
         _t("Single Line;Ruled;A4;Blue;Black;Extra Dark;Smooth;HB;2B"),
         "count", "piece", (1, 5, 10, 20), 15),
    Line("health", _t("Multivitamin Tablets;Vitamin B12 Tablets;Pain Balm;"
                      "Antiseptic Liquid;Digestive Churna;Chyawanprash;Honey"),
         _t("Dabur;Zandu;Patanjali;Himalaya;Baidyanath;Dettol;Savlon;Moov;Iodex;Hajmola"),
         _t("Original;Sugar Free;Imli;Pudina;Regular;Ayurvedic;Herbal"),
         "mass", "jar", (25, 50, 100, 250, 500, 1000), 50),
)

# Words real lists stick on names (one or two per name, sometimes none).
DESCRIPTORS = _t("""New;Value Pack;Super Saver;Family Pack;Economy Pack;Festive Pack;Rs 10 Off;Buy 2 Get 1 Free;
    100% Natural;0% Added Sugar;Extra 20%;Upto 30% Off;Pro-Health;48h Intensive Moisture Care;2X Almond Oil;
    With Deep Moisture Serum;B12 Enriched;Vitamin D3;H2O Resistant;4G Ready;No.1;Made in Nepal;Made in India;
    Export Quality;Limited Edition;(Imported);[Best Seller];{New Look};Combo""")
EMOJI = ("🌶", "⭐", "🔥", "🍫", "🥛", "✨", "👶🏽", "🇳🇵", "🇮🇳", "👨‍👩‍👧")
DEVANAGARI = (
    ("चिनी", "mass"), ("नुन", "mass"), ("मसुरो दाल", "mass"), ("मुग दाल", "mass"), ("चामल", "mass"),
    ("तोरीको तेल", "volume"), ("घ्यू", "volume"), ("गुन्द्रुक", "mass"), ("चिउरा", "mass"), ("बेसार", "mass"),
    ("जीरा", "mass"), ("मरिच", "mass"), ("सख्खर", "mass"), ("मैदा", "mass"), ("आटा", "mass"), ("दूध", "volume"),
    ("साबुन", "count"), ("सलाई", "count"), ("धूप", "count"), ("चाउचाउ", "mass"),
)


def _amount(value: float, rng: random.Random) -> str:
    text = f"{value:g}"
    return text if rng.random() < 0.9 else text.replace(".", ",") if "." in text else text + ".0"


def mass(grams: float, rng: random.Random) -> str:
    """A weight as lists write it: 500g, 500 GM, 0.5 kg, 1Kg, 1/2 kg, (500 g)."""
    if grams >= 1000 and rng.random() < 0.8:
        kg = grams / 1000
        if kg == 0.5 and rng.random() < 0.3:
            return "1/2 kg"
        return rng.choice(("{} kg", "{}kg", "{} Kg", "{} KG", "{}KG", "{} Kgs", "{} kilo")).format(_amount(kg, rng))
    if grams == 500 and rng.random() < 0.2:
        return rng.choice(("0.5 kg", ".5 kg", "1/2 kg"))
    styles = ("{} g", "{}g", "{} gm", "{}gm", "{} GM", "{}G", "{} gms", "{} Grams")
    return rng.choice(styles).format(_amount(grams, rng))


def volume(ml: float, rng: random.Random) -> str:
    """A volume as lists write it: 1 L, 1L, 1 ltr, 1 Litre, 500 ml, 500ML."""
    if ml >= 1000 and rng.random() < 0.85:
        styles = ("{} L", "{}L", "{} ltr", "{}ltr", "{} Litre", "{} Ltr.", "{} lt")
        return rng.choice(styles).format(_amount(ml / 1000, rng))
    return rng.choice(("{} ml", "{}ml", "{} ML", "{}ML", "{} Ml")).format(_amount(ml, rng))


def count(pieces: float, rng: random.Random) -> str:
    n = int(pieces)
    return rng.choice(("{} pcs", "{}pcs", "{} Pcs", "{} N", "{} Nos", "Pack of {}", "{} pieces", "({} Pcs)")).format(n)


def pack(line: Line, size: float, rng: random.Random) -> str:
    """The size part of a name, multipacks included: "2x200 g", "6x1 L", "200 g x 2", "1 L each"."""
    one = {"mass": mass, "volume": volume, "count": count}[line.packing](size, rng)
    roll = rng.random()
    if roll < 0.70:
        return one
    n = rng.choice((2, 3, 4, 5, 6, 10, 12, 24))
    return rng.choice((
        f"{n}x{one.replace(' ', '')}", f"{n} x {one}", f"{one} x {n}", f"{n}x{one}", f"Pack of {n} ({one} each)",
        f"{one} each, Pack of {n}", f"{one} (Pack of {n})", f"Combo of {n}, {one}", f"{n}×{one}",
    ))


def _joiner(rng: random.Random) -> str:
    return rng.choice((" ", " ", " ", " - ", ", ", " | ", " – ", " / "))


def product_name(line: Line, rng: random.Random) -> tuple[str, str, str, float]:
    """(name, brand, product, size) of one product of a line."""
    brand = rng.choice(line.brands)
    product = rng.choice(line.products)
    variant = rng.choice(line.variants) if rng.random() < 0.8 else ""
    size = rng.choice(line.sizes)
    parts = [brand, product, variant] if rng.random() < 0.6 else [brand, variant, product]
    name = " ".join(p for p in parts if p)
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        name += _joiner(rng) + rng.choice(DESCRIPTORS)
    size_text = pack(line, size, rng)
    if rng.random() < 0.15:
        name += f" ({size_text})"
    else:
        name += _joiner(rng) + size_text
    if rng.random() < 0.04:
        name = f"{rng.choice(EMOJI)} {name}" if rng.random() < 0.5 else f"{name} {rng.choice(EMOJI)}"
    if rng.random() < 0.05:
        name = name.upper()
    if rng.random() < 0.004:  # the 300-character names some exports carry
        extra = ", ".join(rng.sample(DESCRIPTORS, 8))
        name = (name + ", " + extra + ", " + " ".join([product] * 12))[:300]
    return name, brand, product, size


def devanagari_name(rng: random.Random) -> tuple[str, str, str]:
    word, packing = rng.choice(DEVANAGARI)
    if packing == "mass":
        size = rng.choice(("१ केजी", "५०० ग्राम", "५ केजी", "२५ केजी बोरा", "१ किलो", "२०० ग्राम"))
        unit = "packet"
    elif packing == "volume":
        size = rng.choice(("१ लिटर", "५०० एमएल", "१५ लिटर जार", "२०० मिलि"))
        unit = "bottle"
    else:
        size = rng.choice(("१ वटा", "१२ वटा", "१० प्याकेट"))
        unit = "piece"
    return f"{word} {size}", word, unit


def aliases(brand: str, product: str, rng: random.Random) -> str:
    out = []
    if rng.random() < 0.4:
        out.append(f"{brand} {product}".lower())
    if rng.random() < 0.1:
        out.append(brand.lower().replace(" ", ""))
    return "|".join(dict.fromkeys(a for a in out if a and "|" not in a))


def rows(count_: int = 8000, seed: int = 7) -> Iterator[tuple[str, ...]]:
    """count_ catalogue rows, the same for the same seed."""
    rng = random.Random(seed)
    names: list[str] = []
    for i in range(count_):
        sku = f"GEN-{i:05d}"
        roll = rng.random()
        if roll < 0.01 and names:  # the same name under another SKU (another distributor's code)
            name = rng.choice(names)
            yield sku, name, "", "", "misc", "piece", f"{rng.randint(10, 900)}"
            continue
        if roll < 0.04:
            name, word, unit = devanagari_name(rng)
            price = rng.randint(20, 3000)
            yield sku, name, word, "", "nepali", unit, f"{price}"
            names.append(name)
            continue
        line = rng.choice(LINES)
        name, brand, product, size = product_name(line, rng)
        unit = line.unit
        if line.packing == "mass" and rng.random() < 0.1:
            unit = rng.choice(("kg", "carton", "box"))
        price = max(5.0, line.price_per * (size / 100 if line.packing != "count" else size) * rng.uniform(0.6, 1.6))
        yield (sku, name, aliases(brand, product, rng), brand, line.category, unit,
               f"{price:.2f}")
        names.append(name)


def write(path: Path, count_: int = 8000, seed: int = 7) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for row in rows(count_, seed):
            writer.writerow(row)
            n += 1
    return n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=8000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()
    n = write(args.out, args.count, args.seed)
    print(f"wrote {n} products to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
