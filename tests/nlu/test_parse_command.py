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
