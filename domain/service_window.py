"""WhatsApp's 24-hour customer-service window, and the approved templates that reach past it.

A business may send free text to a number only within 24 hours of that number's last message on the
channel; outside it WhatsApp refuses free text (Cloud API error 131047, Twilio 63016) and only an
approved template goes through. `delivery` is the one rule: inside the window a message goes as its
text; outside it as the template configured for its reply text, filled with that text's parameters in
the template's variable order; with no such template it is held until the customer writes again.
The outbox applies it to every message it sends (jobs/outbox.py), so no handler decides it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

WINDOW = timedelta(hours=24)
_SPACES = re.compile(r"\s*[\r\n\t]+\s*| {4,}")


class Delivery(StrEnum):
    TEXT = "text"          # inside the window: free text (or buttons, a list, media)
    TEMPLATE = "template"  # outside it: the approved template
    HOLD = "held"          # outside it, no template: waits for the customer's next message


@dataclass(frozen=True)
class Translation:
    """One approved language of a template: the Cloud API language code, and Twilio's Content SID
    (Twilio approves each language as a content of its own)."""

    code: str = ""
    sid: str = ""


@dataclass(frozen=True)
class Template:
    """An approved template standing in for one reply text outside the window."""

    name: str = ""                                   # the Cloud API template name
    variables: list[str] = field(default_factory=list)  # the text's parameters, in the order {{1}}, {{2}}, ...
    languages: dict[str, Translation] = field(default_factory=dict)  # our language -> its translation


@dataclass(frozen=True)
class TextRef:
    """What a message was rendered from: a reply text key, its language and its parameters as words."""

    key: str
    language: str
    params: Mapping[str, str]

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "language": self.language, "params": dict(self.params)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TextRef:
        return cls(str(data.get("key", "")), str(data.get("language", "")),
                   {str(k): str(v) for k, v in (data.get("params") or {}).items()})


@dataclass(frozen=True)
class FilledTemplate:
    """A template ready to send: its name, language code, Content SID and variable values in order."""

    name: str
    language: str
    sid: str
    values: tuple[str, ...]

    def variables(self) -> dict[str, str]:
        """{"1": first value, "2": ...}: the numbered variables both providers take."""
        return {str(i): v for i, v in enumerate(self.values, 1)}


def within_window(last_inbound_at: datetime | None, now: datetime) -> bool:
    """True while free text may be sent: the number wrote less than 24 hours ago."""
    return last_inbound_at is not None and now - last_inbound_at < WINDOW


def one_line(value: str) -> str:
    """A template variable as WhatsApp takes it: no new lines or tabs, no run of four spaces."""
    return _SPACES.sub(lambda m: "; " if m.group(0).strip(" ") else "   ", value.strip())


def fill(ref: TextRef, templates: Mapping[str, Template], fallback_language: str,
         provider: str) -> FilledTemplate | None:
    """The template configured for `ref`'s text in its language (else `fallback_language`), filled
    with its parameters; None when there is none, it lacks what `provider` needs, or a variable is
    not among the text's parameters."""
    template = templates.get(ref.key)
    if template is None:
        return None
    translation = template.languages.get(ref.language) or template.languages.get(fallback_language)
    if translation is None or any(v not in ref.params for v in template.variables):
        return None
    if (provider == "twilio" and not translation.sid) or (provider == "meta" and not (template.name
                                                                                      and translation.code)):
        return None
    return FilledTemplate(template.name, translation.code, translation.sid,
                          tuple(one_line(ref.params[v]) for v in template.variables))


def delivery(last_inbound_at: datetime | None, now: datetime, template: FilledTemplate | None) -> Delivery:
    """How a message goes out now: free text inside the window, else its template, else it waits."""
    if within_window(last_inbound_at, now):
        return Delivery.TEXT
    return Delivery.TEMPLATE if template is not None else Delivery.HOLD
