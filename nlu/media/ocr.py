"""Text from images: lines in reading order, each with a confidence.

`RapidOcr` (the embedded default, models inside the `rapidocr` wheel) and `GoogleVisionOcr`
(Cloud Vision over its REST transport) share one shape: `read(image_bytes) -> OcrResult`.
"""

from __future__ import annotations

import io
import logging
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import median
from typing import Any, Protocol

MAX_PIXELS = 40_000_000          # larger images are refused before decoding (decompression bombs)
MAX_SIDE = 2000                  # images are shrunk to this longest side before OCR


class UnreadableImage(ValueError):
    """The bytes are not an image we can decode."""


@dataclass(frozen=True)
class OcrLine:
    text: str
    confidence: float
    box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)   # x0, y0, x1, y1


@dataclass(frozen=True)
class OcrResult:
    lines: list[OcrLine]
    backend: str

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def confidence(self) -> float:
        return min((line.confidence for line in self.lines), default=0.0)


class OcrEngine(Protocol):
    name: str

    def read(self, data: bytes) -> OcrResult: ...


_LEADING_ONE = re.compile(r"^[Il|!](?=\s+(?!(?:want|need|am|have|will|would|think)\b)[^\W\d])", re.IGNORECASE)
_DIGIT_LIKE = re.compile(r"\b(?=[0-9OoIlS]*[0-9])[0-9OoIlS]+\b")
_DIGIT_FIX = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "S": "5"})


def tidy_line(text: str) -> str:
    """OCR's usual slips in order lists: a leading 'I' or '|' for 1, 'O' inside numbers ('1O kg' -> '10 kg')."""
    text = " ".join(text.split())
    if not any(c.isdigit() for c in text[1:]):
        text = _LEADING_ONE.sub("1", text)
    return _DIGIT_LIKE.sub(lambda m: m.group().translate(_DIGIT_FIX), text)


def reading_order(fragments: Iterable[OcrLine]) -> list[OcrLine]:
    """Join text fragments into lines: rows top to bottom (by vertical overlap), left to right within a row."""
    items = sorted((f for f in fragments if f.text.strip()), key=lambda f: (f.box[1] + f.box[3]) / 2)
    if not items:
        return []
    typical = median(f.box[3] - f.box[1] for f in items) or 1.0
    rows: list[list[OcrLine]] = []
    for frag in items:
        centre = (frag.box[1] + frag.box[3]) / 2
        if rows:
            row = rows[-1]
            row_centre = sum((f.box[1] + f.box[3]) / 2 for f in row) / len(row)
            if abs(centre - row_centre) < typical * 0.5:
                row.append(frag)
                continue
        rows.append([frag])
    lines = []
    for row in rows:
        row.sort(key=lambda f: f.box[0])
        lines.append(OcrLine(
            text=tidy_line(" ".join(f.text.strip() for f in row)),
            confidence=min(f.confidence for f in row),
            box=(min(f.box[0] for f in row), min(f.box[1] for f in row),
                 max(f.box[2] for f in row), max(f.box[3] for f in row)),
        ))
    return lines


def load_image(data: bytes) -> Any:
    """Decode image bytes to an RGB numpy array, upright (EXIF orientation) and at most MAX_SIDE."""
    import numpy as np
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_PIXELS:
                raise UnreadableImage(f"image too large: {img.width}x{img.height}")
            upright = ImageOps.exif_transpose(img).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise UnreadableImage(f"not a readable image: {exc}") from exc
    if max(upright.size) > MAX_SIDE:
        upright.thumbnail((MAX_SIDE, MAX_SIDE))
    return np.asarray(upright)


class RapidOcr:
    """The embedded default: PP-OCR models run with onnxruntime, loaded once per process."""

    name = "rapidocr"
    _lock = threading.Lock()
    _engine: Any = None

    def __init__(self, min_score: float = 0.5) -> None:
        self.min_score = min_score

    @classmethod
    def engine(cls) -> Any:
        with cls._lock:
            if cls._engine is None:
                from rapidocr import RapidOCR

                cls._engine = RapidOCR(params={"Global.log_level": "warning"})
                logging.getLogger("RapidOCR").setLevel(logging.WARNING)
            return cls._engine

    def read(self, data: bytes) -> OcrResult:
        image = load_image(data)
        engine = self.engine()
        with self._lock:  # one inference at a time per process: onnxruntime already uses every core
            out = engine(image)
        fragments = []
        for text, score, box in zip(out.txts or (), out.scores or (), _boxes(out.boxes), strict=False):
            if float(score) >= self.min_score:
                fragments.append(OcrLine(str(text), float(score), box))
        return OcrResult(reading_order(fragments), self.name)


def _boxes(boxes: Any) -> list[tuple[float, float, float, float]]:
    if boxes is None:
        return []
    return [(float(min(p[0] for p in b)), float(min(p[1] for p in b)),
             float(max(p[0] for p in b)), float(max(p[1] for p in b))) for b in boxes]


class GoogleVisionOcr:
    """Cloud Vision document text detection over REST; credentials from GOOGLE_APPLICATION_CREDENTIALS.

    `endpoint` overrides the API host (a scheme may be given, e.g. a local stub's http://127.0.0.1:PORT).
    """

    name = "google"

    def __init__(self, endpoint: str | None = None, credentials: Any = None, timeout: float = 30.0) -> None:
        from google.cloud import vision

        options = {"api_endpoint": endpoint} if endpoint else None
        self._vision = vision
        self._client = vision.ImageAnnotatorClient(transport="rest", client_options=options,
                                                   credentials=credentials)
        self.timeout = timeout

    def read(self, data: bytes) -> OcrResult:
        vision = self._vision
        response = self._client.document_text_detection(
            image=vision.Image(content=data), image_context=vision.ImageContext(language_hints=["en", "ne", "hi"]),
            timeout=self.timeout)
        if response.error and response.error.message:
            raise RuntimeError(f"Cloud Vision: {response.error.message}")
        return OcrResult(vision_lines(response), self.name)


def vision_lines(response: Any) -> list[OcrLine]:
    """Lines from a Vision response: the full text's own line breaks, confidence from its blocks."""
    full = response.full_text_annotation
    text = full.text if full and full.text else (
        response.text_annotations[0].description if response.text_annotations else "")
    confidences = [b.confidence for p in (full.pages if full else []) for b in p.blocks if b.confidence]
    confidence = min(confidences) if confidences else 1.0
    return [OcrLine(tidy_line(line), confidence) for line in text.splitlines() if line.strip()]


def make_ocr(backend: str = "auto", *, google_credentials: str | None = None,
             google_endpoint: str | None = None) -> OcrEngine:
    """`auto` uses Cloud Vision when credentials are configured, otherwise rapidocr."""
    if backend == "google" or (backend == "auto" and google_credentials):
        return GoogleVisionOcr(endpoint=google_endpoint)
    if backend in ("auto", "rapidocr"):
        return RapidOcr()
    raise ValueError(f"unknown OCR backend {backend!r}")
