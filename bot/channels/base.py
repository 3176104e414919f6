"""The channel boundary: providers turn payloads into InboundMessage and send OutboundMessage."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, Protocol

from domain.interactive import Interactive
from nlu.normalize import encodable

# Inbound providers that are this product's own pages (the simulator, the terminal chat). A message
# typed there counts as the number writing on any channel: the demo's replies may go out through a
# provider, which still refuses them when WhatsApp's window says otherwise (WindowClosed).
LOCAL_PROVIDERS = ("console", "web")


@dataclass(frozen=True)
class Media:
    url: str
    content_type: str


def storable(text: str) -> str:
    """`text` without what PostgreSQL cannot store: NUL characters and lone UTF-16 surrogates."""
    return encodable(text.replace("\x00", ""))


def _storable_value(value: Any) -> Any:
    return storable(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class InboundMessage:
    provider: str          # twilio | meta | console
    provider_id: str       # the provider's message id: the dedupe key
    phone: str             # E.164 without the channel prefix
    text: str = ""
    media: tuple[Media, ...] = ()
    profile_name: str | None = None
    button_payload: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Whatever a provider sent, every text field is one PostgreSQL can store."""
        for name in ("provider_id", "phone", "text", "profile_name", "button_payload"):
            object.__setattr__(self, name, _storable_value(getattr(self, name)))
        object.__setattr__(self, "media", tuple(Media(storable(m.url), storable(m.content_type)) for m in self.media))
        object.__setattr__(self, "extra", {storable(k): _storable_value(v) for k, v in self.extra.items()})


@dataclass(frozen=True)
class OutboundMessage:
    recipient: str
    body: str
    media_url: str | None = None
    template: dict[str, Any] | None = None
    ref: str | None = None  # the outbox row id; providers that echo it back (Meta) let a crash be settled
    interactive: Interactive | None = None  # buttons or a list under the body


@dataclass(frozen=True)
class SendResult:
    sid: str
    status: str


class TransientSendError(Exception):
    """Try again later (rate limit, provider down)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentSendError(Exception):
    """Sending again will not help (bad number, rejected content)."""


class WindowClosed(PermanentSendError):
    """The provider refuses free text: the recipient's 24-hour window is closed (Cloud API 131047,
    Twilio 63016). Only a template, or the recipient's next message, gets it through."""


class SenderAuthError(Exception):
    """The provider refuses our credentials (token rotated, account suspended): no message can go out
    until they work again, so this is the sender's state, not the message's fault."""


class Sender(Protocol):
    async def send(self, message: OutboundMessage) -> SendResult: ...

    async def find_sent(self, message: OutboundMessage, since_epoch: float,
                        exclude: Collection[str] = ()) -> SendResult | None:
        """After a crash between marking and sending: did this message reach the provider?

        `exclude` holds the ids of messages already recorded for other outbox rows, so a message with
        the same text sent earlier is not taken for this one.
        """
        ...

    async def close(self) -> None:
        """Release the sender's connections."""
        ...
