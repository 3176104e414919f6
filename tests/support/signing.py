"""Signing webhook posts the way Twilio does, with the twilio package's own validator."""

from __future__ import annotations

import itertools

from twilio.request_validator import RequestValidator

_sids = itertools.count(1)


def twilio_form(phone: str, body: str, sid: str | None = None, **extra: str) -> dict[str, str]:
    return {"MessageSid": sid or f"SM{next(_sids):032x}", "AccountSid": "AC" + "a1" * 16,
            "From": f"whatsapp:{phone}", "To": "whatsapp:+14155238886", "Body": body, "NumMedia": "0",
            "ProfileName": "Test", "WaId": phone.lstrip("+"), **extra}


def sign(auth_token: str, url: str, form: dict[str, str]) -> str:
    return RequestValidator(auth_token).compute_signature(url, form)
