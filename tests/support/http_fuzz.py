"""Malformed HTTP requests for every public route: what the fuzz test and bench/fuzz_http.py send.

`RequestFuzzer(rng, keys).next()` gives one request: random and truncated bodies, wrong content types,
bad UTF-8, duplicated and missing fields, NumMedia that disagrees with the MediaUrl fields, deeply
nested JSON, odd query strings and paths, and now and then a 10 MB body. Most webhook posts are signed
with the real secrets (over exactly what the server will parse), so they reach past the signature check.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

import aiohttp
from yarl import URL

from bot.channels.meta import signature_header
from tests.support.signing import sign

META_SAMPLES = [payload for path in sorted((Path(__file__).resolve().parent.parent / "data" / "meta").glob("*.json"))
                for payload in json.loads(path.read_text()).values()]
FORM = "application/x-www-form-urlencoded"
BIG = 10 * 1024 * 1024
WORDS = ["namaste", "2 kg chini", "chini ka rate kya h", "accept 99999999999999999999", "reject 0",
         "payment ok -5", "1e30 kg rice", "१२३४५६७८९०", "/credit +9779800000001 limit 9999999", "/help",
         "/stats 99999d", "/export orders 2026-13-45", "h2o", "2X", "²", "🧑‍🌾🍚", "\u200d\u202e", "a" * 4000,
         "media:1", "0", "-3", "NaN", "null", "' OR 1=1 --", "%00", "\x00", "क्ष"]


@dataclass(frozen=True)
class FuzzKeys:
    """The secrets a signed request needs (match the server's environment)."""

    twilio_token: str
    public_base_url: str
    meta_secret: str = ""
    api_key: str = ""
    phones: list[str] = field(default_factory=lambda: ["+9779800000001", "+9779800000000"])


@dataclass(frozen=True)
class FuzzRequest:
    kind: str
    method: str
    path: str                       # percent-encoded as sent
    headers: dict[str, str]
    body: bytes = b""


class RequestFuzzer:
    def __init__(self, rng: random.Random, keys: FuzzKeys, *, big_every: int = 0) -> None:
        self.rng, self.keys, self.big_every, self.count = rng, keys, big_every, 0
        self._makers: list[tuple[float, Callable[[], FuzzRequest]]] = [
            (30, self.twilio_inbound), (8, self.twilio_status), (20, self.meta_notify), (3, self.meta_verify),
            (10, self.model_parse), (8, self.download), (20, self.api)]

    def next(self) -> FuzzRequest:
        self.count += 1
        if self.big_every and self.count % self.big_every == 0:
            return self.big()
        weights = [w for w, _ in self._makers]
        return self.rng.choices([m for _, m in self._makers], weights)[0]()

    # --- values -------------------------------------------------------------------------------------

    def text(self) -> str:
        r = self.rng
        pick = r.random()
        if pick < 0.45:
            return r.choice(WORDS)
        if pick < 0.75:
            return "".join(chr(r.choice([r.randrange(32, 127), r.randrange(0x900, 0x980), r.randrange(0, 0x110000)]))
                           for _ in range(r.randrange(0, 40)))
        if pick < 0.9:
            return " ".join(r.choice(WORDS) for _ in range(r.randrange(1, 8)))
        return str(r.choice([0, -1, 2**63, 10**30, 1e308, -0.0, r.randrange(-10**6, 10**6)]))

    def junk_bytes(self, limit: int = 300) -> bytes:
        return self.rng.randbytes(self.rng.randrange(0, limit))

    def json_value(self, depth: int = 0) -> Any:
        r = self.rng
        choice = r.randrange(9 if depth < 4 else 6)
        if choice == 0:
            return None
        if choice == 1:
            return r.choice([True, False])
        if choice == 2:
            return r.choice([0, -1, 2**64, 10**40, 1.5, -1e308])
        if choice in (3, 4, 5):
            return self.text()
        if choice in (6, 7):
            return [self.json_value(depth + 1) for _ in range(r.randrange(0, 4))]
        return {self.text()[:20]: self.json_value(depth + 1) for _ in range(r.randrange(0, 4))}

    def nested(self) -> bytes:
        depth = self.rng.randrange(100, 30_000)
        opener, closer = self.rng.choice([("[", "]"), ('{"a":', "}")])
        return (opener * depth + "1" + closer * self.rng.choice([depth, depth // 2, 0])).encode()

    def mutate(self, node: Any, rate: float = 0.15) -> Any:
        """`node` with random parts replaced, dropped or duplicated."""
        r = self.rng
        if r.random() < rate / 3:
            return self.json_value()
        if isinstance(node, dict):
            out = {}
            for k, v in node.items():
                if r.random() < rate / 4:
                    continue
                out[k] = self.mutate(v, rate)
            if r.random() < rate / 3:
                out[self.text()[:20]] = self.json_value()
            return out
        if isinstance(node, list):
            items = [self.mutate(v, rate) for v in node if r.random() > rate / 4]
            if items and r.random() < rate:
                items += items * r.randrange(1, 3)
            return items
        return node

    def finish_json(self, payload: Any) -> bytes:
        r = self.rng
        pick = r.random()
        if pick < 0.05:
            return self.nested()
        if pick < 0.1:
            return self.junk_bytes()
        body = json.dumps(payload, ensure_ascii=r.random() < 0.5).encode("utf-8", "surrogatepass")
        if pick < 0.2:
            return body[:r.randrange(0, len(body) + 1)]
        if pick < 0.25:
            at = r.randrange(0, len(body) + 1)
            return body[:at] + r.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00"]) + body[at:]
        return body

    def content_type(self, right: str) -> str | None:
        return self.rng.choice([right] * 8 + [
            None, "text/plain", "application/json", "multipart/form-data; boundary=x", FORM,
            f"{right}; charset=klingon", f"{right}; charset=latin-1", f"{right}; charset=utf-16", "*/*", "",
            "application/x-www-form-urlencoded;;;", "/", "a/b/c; q=\"x"])

    # --- routes -------------------------------------------------------------------------------------

    def _twilio_fields(self, path: str) -> list[tuple[str, str]]:
        r = self.rng
        if path.endswith("/status"):
            fields = {"MessageSid": r.choice([f"SM{r.getrandbits(128):032x}", self.text(), ""]),
                      "MessageStatus": r.choice(["delivered", "read", "failed", "undelivered", self.text()]),
                      "ErrorCode": r.choice(["63016", "", self.text()]), "AccountSid": "AC" + "a1" * 16}
        else:
            phone = r.choice([*self.keys.phones, f"+97798{r.randrange(10**8):08d}", "+1", "abc", "",
                              "+" + "9" * 30, self.text()])
            fields = {"MessageSid": f"SM{r.getrandbits(128):032x}", "AccountSid": "AC" + "a1" * 16,
                      "From": r.choice(["whatsapp:", "", "sms:", "whatsapp:whatsapp:"]) + phone,
                      "To": "whatsapp:+14155238886", "Body": self.text(), "ProfileName": self.text()[:30],
                      "WaId": phone.lstrip("+"), "NumMedia": r.choice(["0", "1", "3", "10", "11", "-1", "abc", "",
                                                                       " 2", "٣", "1e3", "99999999999999999999"])}
            for i in range(r.choice([0, 0, 1, 2, 5, 12])):
                fields[f"MediaUrl{i}"] = r.choice(["https://api.twilio.com/2010-04-01/Accounts/x/Media/ME1",
                                                   "http://169.254.169.254/latest", "file:///etc/passwd", "",
                                                   self.text()])
                fields[f"MediaContentType{i}"] = r.choice(["image/jpeg", "audio/ogg", "", self.text()])
            for name in r.sample(["ButtonPayload", "ButtonText", "Latitude", "Longitude", "SmsMessageSid"],
                                 r.randrange(0, 3)):
                fields[name] = self.text()
        pairs = [(k, v) for k, v in fields.items() if r.random() > 0.08]
        for _ in range(r.choice([0, 0, 0, 1, 3])):
            name = r.choice([k for k, _ in pairs] or ["Body"])
            pairs.insert(r.randrange(len(pairs) + 1), (name, self.text()))
        if r.random() < 0.1:
            pairs.append((self.text()[:15], self.text()))
        return pairs

    def _twilio(self, path: str, kind: str) -> FuzzRequest:
        r = self.rng
        body = urlencode(self._twilio_fields(path), encoding="utf-8", errors="surrogatepass").encode()
        pick = r.random()
        if pick < 0.08:
            body = body[:r.randrange(0, len(body) + 1)]
        elif pick < 0.14:
            body = body.replace(b"%", b"%FF%", 1) if r.random() < 0.5 else body + b"&Body=%ED%A0%80%C3"
        elif pick < 0.18:
            body = self.junk_bytes()
        headers = {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"}
        try:  # signed over what the server parses (last value of a duplicated field wins)
            form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict"))
            if r.random() < 0.8:
                headers["X-Twilio-Signature"] = sign(self.keys.twilio_token,
                                                     self.keys.public_base_url.rstrip("/") + path, form)
        except UnicodeDecodeError:
            pass
        if r.random() < 0.05:
            headers.pop("X-Twilio-Signature")
        ctype = self.content_type(FORM)
        if ctype is not None:
            headers["Content-Type"] = ctype
        return FuzzRequest(kind, "POST", path, headers, body)

    def twilio_inbound(self) -> FuzzRequest:
        return self._twilio("/webhooks/twilio", "twilio")

    def twilio_status(self) -> FuzzRequest:
        return self._twilio("/webhooks/twilio/status", "twilio-status")

    def meta_notify(self) -> FuzzRequest:
        r = self.rng
        payload = self.mutate(copy.deepcopy(r.choice(META_SAMPLES)), r.choice([0.0, 0.1, 0.3, 0.6]))
        if r.random() < 0.1:
            payload = self.json_value()
        body = self.finish_json(payload)
        headers = {"X-Hub-Signature-256": signature_header(self.keys.meta_secret, body) if r.random() < 0.85
                   else r.choice(["", "sha256=", "sha256=00", "md5=abc", "sha256=" + "é" * 64])}
        ctype = self.content_type("application/json")
        if ctype is not None:
            headers["Content-Type"] = ctype
        return FuzzRequest("meta", "POST", "/webhooks/meta", headers, body)

    def meta_verify(self) -> FuzzRequest:
        query = [(k, self.text()) for k in ("hub.mode", "hub.verify_token", "hub.challenge") if self.rng.random() < 0.8]
        return FuzzRequest("meta-verify", "GET", "/webhooks/meta?" + urlencode(query, errors="surrogatepass"), {})

    def _auth(self) -> dict[str, str]:
        return self.rng.choice([{"Authorization": f"Bearer {self.keys.api_key}"}] * 6 + [
            {}, {"Authorization": "Bearer"}, {"Authorization": "Basic eDp5"}, {"Authorization": "Bearer " + "x" * 500},
            {"Authorization": "Bearer khk_\u00e9"}])

    def model_parse(self) -> FuzzRequest:
        r = self.rng
        payload = r.choice([{"text": self.text()}, {"text": self.text(), "message_id": self.json_value()},
                            {"txt": "x"}, self.json_value(), {"text": "w " * 3000}])
        headers = self._auth()
        ctype = self.content_type("application/json")
        if ctype is not None:
            headers["Content-Type"] = ctype
        return FuzzRequest("model-parse", "POST", "/model/parse", headers, self.finish_json(payload))

    def download(self) -> FuzzRequest:
        r = self.rng
        token = r.choice([
            quote(self.text(), safe="", errors="surrogatepass"), "%FF%FE", "..%2F..%2Fetc%2Fpasswd", "a.b.c",
            "a." + "9" * 5000 + ".c",
            "b3JkZXJzLmNzdg." + str(r.randrange(10**12)) + "." + "A" * 43, "x" * 5000, ".", "..",
            "b3JkZXJzLmNzdg.%C2%B2.sig", quote("\u00e9.1.\u00e9")])
        return FuzzRequest("download", r.choice(["GET", "GET", "HEAD", "POST"]), "/downloads/" + (token or "x"),
                           {})

    def api(self) -> FuzzRequest:
        r = self.rng
        path = r.choice(["/api/v1/admin/dashboard", "/api/v1/orders", "/api/v1/vendors/scores", "/api/v1/exports",
                         "/api/v1/exports", "/api/v1/openapi.json",
                         "/api/v1/" + quote(self.text(), safe="/", errors="surrogatepass"),
                         "/api/v1/orders/%FF"])
        names = ["period", "status", "retailer", "vendor", "from", "to", "limit", "cursor", self.text()[:10]]
        values = ["", "-1", "0", "99999999999999999999", "1" * 5000, "today", "7d", "999999999d", "2026-13-45",
                  "2026-02-30T25:00", "DELIVERED,FAILED", "delivered,,", "+9779800000001", "²", "१२", "\x00"]
        query = [(r.choice(names), r.choice([*values, self.text()])) for _ in range(r.randrange(0, 5))]
        full = path + ("?" + urlencode(query, errors="surrogatepass") if query else "")
        headers = self._auth()
        method, body = r.choice(["GET"] * 6 + ["POST", "POST", "PUT", "DELETE"]), b""
        if method == "POST":
            payload = r.choice([{"from": r.choice(["2026-01-01", "2026-13-01", self.text()]),
                                 "to": r.choice(["2026-01-31", "1900-01-01", "9999-12-31", self.json_value()]),
                                 "format": r.choice(["csv", "xlsx", "pdf", self.json_value()]),
                                 "kind": r.choice(["orders", "users", None])}, self.json_value()])
            body = self.finish_json(payload)
            ctype = self.content_type("application/json")
            if ctype is not None:
                headers["Content-Type"] = ctype
        return FuzzRequest("api", method, full, headers, body)

    def big(self) -> FuzzRequest:
        path, ctype = self.rng.choice([("/webhooks/twilio", FORM), ("/webhooks/meta", "application/json"),
                                       ("/model/parse", "application/json"), ("/api/v1/exports", "application/json")])
        auth = {"Authorization": f"Bearer {self.keys.api_key}"}
        return FuzzRequest("big", "POST", path, {"Content-Type": ctype, **auth},
                           b"Body=" + b"a" * BIG if ctype == FORM else b'{"text": "' + b"a" * BIG + b'"}')


async def fire(http: aiohttp.ClientSession, base_url: str, request: FuzzRequest) -> int:
    """Send `request` as is; its status, or 0 when the server dropped the connection."""
    url = URL(base_url.rstrip("/") + request.path, encoded=True)
    skip = {"Content-Type"} if "Content-Type" not in request.headers else set()
    try:
        async with http.request(request.method, url, data=request.body or None, headers=request.headers,
                                skip_auto_headers=skip) as response:
            await response.read()
            return response.status
    except (aiohttp.ClientPayloadError, aiohttp.ServerDisconnectedError, aiohttp.ClientOSError):
        return 0  # a 413 may close the connection before the 10 MB are read; counted apart
