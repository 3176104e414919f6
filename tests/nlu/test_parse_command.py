import argparse
import io
import json

from nlu.commands import parse as parse_command
from tests.nlu.conftest import DEMO_CSV


def _run(argv, products=()):
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    parse_command.register(sub, lambda: list(products))
    args = parser.parse_args(argv)
    out = io.StringIO()
    code = parse_command.run(args, lambda: list(products), out=out)
    return code, out.getvalue()


def test_text_json(tmp_path):
    code, out = _run(["parse", "2 kg chini ra 5 packet wai wai", "--catalog", str(DEMO_CSV), "--json",
                      "--no-intent"])
    record = json.loads(out)
    assert code == 0 and record["intent"] == "order"
    assert [(i["sku"], i["quantity"], i["unit"]) for i in record["items"]] == [
        ("SUGAR-LOOSE", 2.0, "kg"), ("WAIWAI-CHK-PKT", 5.0, "packet")]
    assert {"sku", "name", "quantity", "unit", "score", "candidates"} <= record["items"][0].keys()


def test_file_plain_and_jsonl_keep_order(tmp_path):
    path = tmp_path / "m.jsonl"
    path.write_text('{"text": "coke 2 crate"}\nrara 10\n\n{"text": "कोक एक क्रेट", "intent": "order"}\n',
                    encoding="utf-8")
    code, out = _run(["parse", "--file", str(path), "--catalog", str(DEMO_CSV), "--json", "--no-intent"])
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [r["text"] for r in lines] == ["coke 2 crate", "rara 10", "कोक एक क्रेट"]
    assert [r["items"][0]["sku"] for r in lines] == ["COKE-250-CRATE", "RARA-PKT", "COKE-250-CRATE"]


def test_database_products_when_no_catalog(demo_products):
    code, out = _run(["parse", "rara 10", "--json", "--no-intent"], products=demo_products)
    assert code == 0 and json.loads(out)["items"][0]["sku"] == "RARA-PKT"


def test_needs_text_or_file():
    code, out = _run(["parse", "--catalog", str(DEMO_CSV)])
    assert code == 2 and out == ""


ODD_LINES = ["h", "h2o", "2X", "B12 tablet", "👍🏽", "ﷺ", "\u202eabc", "x\u200by", "१२३४५६७८९०१२३४५६७८९०",
             "1e30 kg chini", "-3 packet rara", "chini ka rate kya h", "{not json", '{"text": 5}', "a\u2028b", "\x85x"]


def test_file_gives_one_json_line_per_input_line(tmp_path):
    from tests.support.corpora import load_corpora, sample, shared_data

    corpus = []
    if (shared_data() / "corpora").is_dir():
        corpus = [t for texts in load_corpora().values() for t in sample(texts, 217)][:1300]
    lines = [line for line in ODD_LINES + corpus if "\n" not in line and "\r" not in line]
    blank = ["   ", "\u2028", "\x85"]  # whitespace only: skipped like empty lines
    path = tmp_path / "messages.txt"
    path.write_bytes("\n".join(lines + blank).encode() + b"\n\xff\xfe broken utf-8 \n")
    code, out = _run(["parse", "--file", str(path), "--catalog", str(DEMO_CSV), "--json"])
    records = [json.loads(line) for line in out.split("\n")[:-1]]
    assert code == 0 and len(records) == len(lines) + 1
    assert [r["text"] for r in records[:len(lines)]] == [str(json.loads(t)["text"]) if t.startswith('{"') else t
                                                         for t in lines]


class _CalibratedIntent:
    """A model sure of "greeting" at 0.6, whose own cross-validated threshold is 0.65."""

    threshold = 0.65

    def predict(self, text, *, tfidf_only=False):
        return "greeting", 0.6


def test_parse_uses_the_models_threshold_as_the_product_does(monkeypatch):
    monkeypatch.setattr(parse_command, "_classifier", _CalibratedIntent)
    message = ["parse", "blorp zinga", "--catalog", str(DEMO_CSV), "--json"]
    assert json.loads(_run(message)[1])["intent"] != "greeting"  # 0.6 is under the model's 0.65
    parser = argparse.ArgumentParser()
    parse_command.register(parser.add_subparsers(dest="command"), lambda: [])
    out = io.StringIO()
    parse_command.run(parser.parse_args(message), lambda: [], threshold=0.5, out=out)  # config.yml's, when set
    assert json.loads(out.getvalue())["intent"] == "greeting"
