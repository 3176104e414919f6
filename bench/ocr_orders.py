"""OCR benchmark: item F1 and seconds per image on rendered order lists.

    .venv/bin/python bench/ocr_orders.py [--images 60] [--seed 7] [--backend rapidocr]

Needs fonts from Debian (any missing one is skipped and named):
    apt-get install -y fonts-dejavu-core fonts-liberation fonts-comic-neue fonts-dkg-handwriting \
        fonts-femkeklaver fonts-humor-sans
Each image is a list of 2-5 order lines ("5 packet Wai Wai") in one of those fonts (three are
handwriting-like), on a paper-like background (tint, gradient, ruled lines), rotated up to ±4°, blurred
and noised. Items are scored as (sku, quantity) pairs found by the product's item parser on the OCR
lines, against the lines the image was made from (which the parser reads exactly as clean text).
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.media_common import f1, items_of, load_products, order_lines, parser
from nlu.media.ocr import make_ocr

FONTS = {
    "DejaVu Sans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "DejaVu Serif": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "Liberation Sans": "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "Comic Neue (handwriting-like)": "/usr/share/fonts/opentype/comic-neue/ComicNeue-Regular.otf",
    "DkgHandwriting": "/usr/share/fonts/truetype/fifthhorseman/dkg.ttf",
    "Femkeklaver (handwriting)": "/usr/share/fonts/truetype/femkeklaver/femkeklaver.ttf",
    "Humor Sans (handwriting-like)": "/usr/share/fonts/truetype/humor-sans/Humor-Sans.ttf",
}


def paper(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    w, h = size
    base = np.array([rng.randint(225, 250), rng.randint(215, 245), rng.randint(185, 235)], dtype=np.float32)
    shade = np.linspace(rng.uniform(-18, 0), rng.uniform(0, 12), h, dtype=np.float32)[:, None, None]
    img = np.clip(base[None, None, :] + shade + np.random.default_rng(rng.randint(0, 1 << 30)).normal(0, 3, (h, w, 3)),
                  0, 255)
    out = Image.fromarray(img.astype(np.uint8))
    if rng.random() < 0.6:  # ruled notebook lines
        draw = ImageDraw.Draw(out)
        for y in range(60, h, 64):
            draw.line([(0, y), (w, y)], fill=(150, 170, 205), width=1)
    return out


def render(rng: random.Random, lines: list[str], font_path: str) -> bytes:
    size = rng.randint(30, 42)
    font = ImageFont.truetype(font_path, size)
    width = max(int(font.getlength(t)) for t in lines) + 120
    img = paper(rng, (max(width, 480), 90 + 64 * len(lines)))
    draw = ImageDraw.Draw(img)
    ink = rng.choice([(20, 20, 30), (25, 35, 110), (40, 40, 40), (60, 20, 20)])
    for i, text in enumerate(lines):
        draw.text((40 + rng.randint(-8, 8), 36 + 64 * i + rng.randint(-3, 3)), text, fill=ink, font=font)
    img = img.rotate(rng.uniform(-4, 4), resample=Image.BICUBIC, expand=True, fillcolor=(200, 195, 185))
    img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0, 1.2)))
    noisy = np.asarray(img, dtype=np.float32) + np.random.default_rng(rng.randint(0, 1 << 30)).normal(
        0, rng.uniform(2, 10), (img.height, img.width, 3))
    out = io.BytesIO()
    Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)).save(out, "JPEG", quality=rng.randint(60, 90))
    return out.getvalue()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--images", type=int, default=60)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--backend", default="rapidocr", help="rapidocr | google (needs GOOGLE_APPLICATION_CREDENTIALS)")
    ap.add_argument("--save", type=Path, help="write the images here to look at them")
    args = ap.parse_args()
    fonts = {name: path for name, path in FONTS.items() if Path(path).is_file()}
    for name in sorted(set(FONTS) - set(fonts)):
        print(f"font missing, skipped: {name} ({FONTS[name]})")
    if not fonts:
        sys.exit("no fonts: see the apt-get line at the top of this file")
    rng = random.Random(args.seed)
    products = load_products()
    pipeline = parser(products)
    engine = make_ocr(args.backend)
    started = time.perf_counter()
    engine.read(render(rng, ["warm up 1 kg"], next(iter(fonts.values()))))
    print(f"backend {engine.name}; first image (model load included) {time.perf_counter() - started:.2f} s")
    truth, predicted, per_font = [], [], {name: ([], []) for name in fonts}
    seconds, exact = [], 0
    for n in range(args.images):
        font = list(fonts)[n % len(fonts)]
        lines = order_lines(rng, products, pipeline, rng.randint(2, 5))
        image = render(rng, [line.text for line in lines], fonts[font])
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            (args.save / f"order_{n:03d}.jpg").write_bytes(image)
        t0 = time.perf_counter()
        result = engine.read(image)
        seconds.append(time.perf_counter() - t0)
        want = Counter((line.sku, line.quantity) for line in lines)
        got = items_of(pipeline, [line.text for line in result.lines])
        truth.append(want)
        predicted.append(got)
        per_font[font][0].append(want)
        per_font[font][1].append(got)
        exact += want == got
    p, r, f = f1(truth, predicted)
    print(f"{args.images} images, {sum(sum(t.values()) for t in truth)} items")
    print(f"item precision {p:.3f}  recall {r:.3f}  F1 {f:.3f};  images read exactly {exact}/{args.images}")
    print(f"seconds per image: mean {np.mean(seconds):.2f}  median {np.median(seconds):.2f}  max {max(seconds):.2f}")
    for name, (t, g) in per_font.items():
        print(f"  {name:32s} F1 {f1(t, g)[2]:.3f}  ({len(t)} images)")


if __name__ == "__main__":
    main()
