"""Voice benchmark: item F1 of spoken orders through Ogg/Opus, speech recognition and the item parser.

    .venv/bin/python bench/voice_orders.py [--orders 30] [--seed 11] [--backend pocketsphinx]

Needs espeak-ng from Debian (`apt-get install -y espeak-ng`). Each order is 1-3 items said as
"two kilo chini and five packets wai wai" by one of several espeak-ng voices at 120-175 words per
minute, encoded to Ogg/Opus at 16 kbit/s like a WhatsApp voice note, decoded back to 16 kHz mono and
transcribed. Items are (sku, quantity) pairs found by the product's item parser in the transcript,
against the items the sentence was made from (which the parser reads exactly as clean text). Also
reported: how many transcripts fall below `media.confirm_below` and would be read back first, and the
F1 of the ones that would go straight to a draft.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.media_common import f1, items_of, load_products, order_lines, parser
from bot.config import MediaConfig
from nlu.media.asr import PocketsphinxTranscriber
from nlu.media.audio import encode_ogg_opus, read_wav

VOICES = ["en-us", "en-gb", "en-gb-x-rp", "en-029", "en-gb-scotland", "en-us+f3", "en-gb+m4"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--orders", type=int, default=30)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--show", action="store_true", help="print each sentence and transcript")
    args = ap.parse_args()
    if shutil.which("espeak-ng") is None:
        sys.exit("espeak-ng is missing: apt-get install -y espeak-ng")
    rng = random.Random(args.seed)
    products = load_products()
    pipeline = parser(products)
    transcriber = PocketsphinxTranscriber(products)
    threshold = MediaConfig().confirm_below
    started = time.perf_counter()
    transcriber._decoder()
    print(f"backend pocketsphinx (catalogue grammar); decoder build {time.perf_counter() - started:.2f} s")
    truth, predicted, sure_truth, sure_pred = [], [], [], []
    seconds, read_back, exact = [], 0, 0
    for n in range(args.orders):
        lines = order_lines(rng, products, pipeline, rng.randint(1, 3), spoken=True)
        sentence = " and ".join(line.text for line in lines)
        voice, speed = VOICES[n % len(VOICES)], rng.randint(120, 175)
        wav = subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "--stdout", sentence],
                             capture_output=True, check=True).stdout
        samples, rate = read_wav(wav)
        ogg = encode_ogg_opus(samples, rate, bitrate=16000)
        t0 = time.perf_counter()
        transcript = transcriber.transcribe_sync(ogg)
        seconds.append(time.perf_counter() - t0)
        want = Counter((line.sku, line.quantity) for line in lines)
        got = items_of(pipeline, [transcript.text])
        truth.append(want)
        predicted.append(got)
        exact += want == got
        if transcript.confidence < threshold:
            read_back += 1
        else:
            sure_truth.append(want)
            sure_pred.append(got)
        if args.show:
            mark = "ok " if want == got else "ERR"
            print(f"{mark} [{voice} {speed}wpm c={transcript.confidence:.2f}] {sentence!r} -> {transcript.text!r}")
    p, r, f = f1(truth, predicted)
    audio_note = f"{args.orders} voice orders, {sum(sum(t.values()) for t in truth)} items"
    print(audio_note)
    print(f"item precision {p:.3f}  recall {r:.3f}  F1 {f:.3f};  orders exactly right {exact}/{args.orders}")
    print(f"read back (confidence < {threshold}): {read_back}/{args.orders}; "
          f"F1 of the rest (straight to a draft) {f1(sure_truth, sure_pred)[2]:.3f} on {len(sure_truth)} orders")
    print(f"seconds per voice note: mean {sum(seconds) / len(seconds):.2f}  max {max(seconds):.2f}")


if __name__ == "__main__":
    main()
