"""Configuration: behaviour from config.yml, secrets and addresses from the environment.

Every section is a dataclass; `load_config` checks each key against its type and collects one
clear line per bad value, so a broken file is reported whole rather than one error at a time.
"""

from __future__ import annotations

import dataclasses
import os
import re
import types
import typing
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml

from domain.delivery import minutes_of
from domain.durations import parse_duration
from domain.formatting import DEFAULT_TIMEZONE, zone_named
from domain.retention import at_least_one
from domain.service_window import Template
from storage.redis_connection import RedisTarget, parse_sentinels

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "config.yml"
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


class ConfigError(Exception):
    """Raised with one line per problem, each naming its key."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class PlatformConfig:
    timezone: str = DEFAULT_TIMEZONE  # IANA name; its midnights bound the days of reports, roll-ups, quiet hours


@dataclass(frozen=True)
class DatabaseConfig:
    # connections each `serve` or `worker` process may open; keep processes × pool_size + 10 within
    # PostgreSQL's max_connections (README "Connection-pool math")
    pool_size: int = 20


MIN_POOL_SIZE = 3  # one for handling and the two it leaves for storing (bot.intake.STORE_RESERVE)


def _pool_size(value: int) -> None:
    if value < MIN_POOL_SIZE:
        raise ValueError(f"must be at least {MIN_POOL_SIZE}, got {value}")


@dataclass(frozen=True)
class WebConfig:
    port: int = 8080
    max_body_bytes: int = 65536
    model_parse_open: bool = False   # POST /model/parse without an API key (a trusted network only)
    spool_dir: str = "var/spool"     # inbound messages kept on disk while PostgreSQL is down (relative: to the repo)
    simulator: bool = False          # the chat simulator at / (anyone reaching it can speak as any phone)
    time_travel: bool = False        # demo mode: the simulator may move the clock and run due jobs
    session_ttl: timedelta = timedelta(hours=8)  # an /admin login lasts this long


@dataclass(frozen=True)
class TwilioChannelConfig:
    enabled: bool = True
    validate_signature: bool = True


@dataclass(frozen=True)
class MetaChannelConfig:
    enabled: bool = False
    catalog_id: str = ""          # the WhatsApp catalogue (Commerce Manager) connected to the number; "": none
    currency: str = "NPR"         # the product feed's currency: NPR | INR
    feed_link: str = "https://khaacho.example/p/{sku}"            # the feed's product page, {sku} filled in
    feed_image_link: str = "https://khaacho.example/img/{sku}.jpg"


@dataclass(frozen=True)
class ChannelsConfig:
    twilio: TwilioChannelConfig = field(default_factory=TwilioChannelConfig)
    meta: MetaChannelConfig = field(default_factory=MetaChannelConfig)
    outbound: str = "twilio"   # the provider the outbox sends through: twilio | meta


# Reply languages, each with a file in data/messages/: English, Roman and Devanagari Nepali, Roman and Devanagari Hindi.
LANGUAGES = ("en", "ne", "ne-deva", "hi", "hi-deva")


@dataclass(frozen=True)
class LanguagesConfig:
    default: str = "en"
    supported: list[str] = field(default_factory=lambda: list(LANGUAGES))


@dataclass(frozen=True)
class NluConfig:
    backend: str = "local"
    intent_threshold: float | None = None  # None: the model's own, cross-validated at training
    match_threshold: float = 80.0
    ambiguity_margin: float = 4.0
    alias_agree: int = 3  # retailers choosing the same SKU for a phrase before it means that SKU for everyone
    rasa_url: str = "http://127.0.0.1:5005"
    openai_model: str = "gpt-4o-mini"


@dataclass(frozen=True)
class OrdersConfig:
    vendor_response_sla: timedelta = timedelta(minutes=15)
    max_vendor_attempts: int = 3
    draft_ttl: timedelta = timedelta(hours=24)
    dispatch_limit: timedelta = timedelta(hours=6)
    delivery_limit: timedelta = timedelta(hours=48)
    payment_pending_limit: timedelta = timedelta(hours=72)


@dataclass(frozen=True)
class SelfHealingConfig:
    cooldown: timedelta = timedelta(minutes=15)
    held_limit: timedelta = timedelta(hours=4)


@dataclass(frozen=True)
class CreditConfig:
    default_limit: float = 50000
    min_limit: float = 10000
    max_limit: float = 500000
    limit_step: float = 10000
    payment_terms: timedelta = timedelta(days=14)
    limit_review: timedelta = timedelta(days=30)


@dataclass(frozen=True)
class OutboxConfig:
    rate_per_sender: float = 80
    rate_total: float = 400
    max_tries: int = 5
    batch_size: int = 200
    stale_after: timedelta = timedelta(minutes=1)
    held_for: timedelta = timedelta(days=7)  # a reply held for the 24-hour window this long is dead, never sent


@dataclass(frozen=True)
class RemindersConfig:
    quiet_hours: dict[str, str] = field(default_factory=lambda: {"start": "21:00", "end": "07:00"})


@dataclass(frozen=True)
class TemplatesConfig:
    """Approved WhatsApp templates for messages outside the 24-hour window (domain.service_window)."""

    fallback_language: str = "en"          # the translation used when the recipient's language has none
    messages: dict[str, Template] = field(default_factory=dict)  # reply text key -> its template


@dataclass(frozen=True)
class SafeModeConfig:
    enabled: bool = False
    auto_backlog: int = 500
    auto_error_rate: float = 0.2
    window: timedelta = timedelta(minutes=10)
    min_handled: int = 20
    auto_duration: timedelta = timedelta(minutes=30)


@dataclass(frozen=True)
class RoutingConfig:
    """Delivery planning: how often, distances (haversine x road_factor, or an OSRM server), speeds."""

    every: timedelta = timedelta(minutes=30)
    road_factor: float = 1.4
    osrm_url: str = ""                   # e.g. http://127.0.0.1:5000; empty: haversine x road_factor
    speed_kmh: float = 20.0
    service_minutes: float = 10.0        # at each stop
    solver_seconds: float = 1.0          # OR-Tools search time per vendor
    day_starts: str = "08:00"            # a vendor's working hours when it set none (platform.timezone)
    day_ends: str = "19:00"


@dataclass(frozen=True)
class MetricsConfig:
    """Prometheus: each `serve` answers GET /metrics; a `worker` listens on `worker_port` (0: it does not,
    e.g. with PROMETHEUS_MULTIPROC_DIR set, where any `serve` reports every process of the machine)."""

    worker_port: int = 0


@dataclass(frozen=True)
class RetentionConfig:
    """Inbound and outbound messages and the audit log live in monthly partitions (UTC months): the
    current month and `months` whole months before it stay in PostgreSQL; older months are written to
    `archive_dir` as gzip CSV and dropped; `months_ahead` months are made before they begin."""

    months: int = 12
    months_ahead: int = 3
    archive_dir: str = "var/archive"   # relative: to the repo


@dataclass(frozen=True)
class AdminEntry:
    phone: str
    name: str = "Admin"


@dataclass(frozen=True, repr=False)
class Secrets:
    """Values from the environment: secrets and addresses, so `repr` and `str` show only which are set."""

    database_url: str | None = None
    database_read_url: str | None = None  # a read replica for the dashboard, /stats and exports (else database_url)
    redis_url: str | None = None
    redis_sentinels: str | None = None     # host:port,host:port: Redis through Sentinel (REDIS_URL: db, password)
    redis_sentinel_master: str = "mymaster"
    twilio_account_sid: str = "ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    twilio_auth_token: str = ""
    twilio_from_number: str = "+14155238886"
    twilio_api_base_url: str = "https://api.twilio.com"
    public_base_url: str | None = None
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    google_application_credentials: str | None = None
    khaacho_secret_key: str = ""   # signs download links; else a key stored in the database
    meta_app_secret: str = ""      # checks X-Hub-Signature-256
    meta_verify_token: str = ""    # the webhook verification challenge
    meta_access_token: str = ""    # Graph API bearer token
    meta_phone_number_id: str = ""
    meta_api_base_url: str = "https://graph.facebook.com"
    khaacho_insecure_dev: str = ""  # "1": a development machine; allows unsigned webhooks (logged loudly)

    @property
    def redis_target(self) -> RedisTarget:
        sentinels = parse_sentinels(self.redis_sentinels) if self.redis_sentinels else []
        return RedisTarget(self.redis_url, sentinels, self.redis_sentinel_master)

    @property
    def insecure_dev(self) -> bool:
        return self.khaacho_insecure_dev.strip().lower() in {"1", "true", "yes"}

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={'<set>' if getattr(self, f.name) else '<unset>'}"
                          for f in dataclasses.fields(self))
        return f"Secrets({shown})"


@dataclass(frozen=True)
class MediaConfig:
    """Photos and voice notes: which OCR / speech / extraction backend, and the limits."""

    ocr: str = "auto"                    # auto (Cloud Vision when credentials are set) | rapidocr | google
    transcription: str = "auto"          # auto (OpenAI when a key is set) | pocketsphinx | openai
    extraction: str = "auto"             # auto (OpenAI when a key is set) | off | openai
    max_bytes: int = 10_000_000
    max_voice_seconds: float = 180
    timeout: timedelta = timedelta(seconds=60)
    confirm_below: float = 0.75          # a transcript less sure than this is read back before ordering
    openai_transcription_model: str = "gpt-4o-mini-transcribe"
    google_endpoint: str = ""            # Cloud Vision API host override (empty: Google's)


@dataclass(frozen=True)
class MarketConfig:
    """Price intelligence: when a vendor's price is an outlier, and the band a suggested price keeps to."""

    alert_share: float = 0.15            # a vendor price this share off the market median is an alert
    suggest_band: float = 0.05           # a suggested retail price stays within median ± this share
    sales_days: int = 14                 # stock cover: average daily sales over this many days
    low_cover_days: float = 3            # cover under this many days is low stock
    target_cover_days: int = 14          # reorder advice brings cover up to this


@dataclass(frozen=True)
class Config:
    platform: PlatformConfig = field(default_factory=PlatformConfig)
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    web: WebConfig = field(default_factory=WebConfig)
    channels: ChannelsConfig = field(default_factory=ChannelsConfig)
    languages: LanguagesConfig = field(default_factory=LanguagesConfig)
    nlu: NluConfig = field(default_factory=NluConfig)
    orders: OrdersConfig = field(default_factory=OrdersConfig)
    self_healing: SelfHealingConfig = field(default_factory=SelfHealingConfig)
    credit: CreditConfig = field(default_factory=CreditConfig)
    pricing: dict[str, Any] = field(default_factory=dict)
    outbox: OutboxConfig = field(default_factory=OutboxConfig)
    reminders: RemindersConfig = field(default_factory=RemindersConfig)
    templates: TemplatesConfig = field(default_factory=TemplatesConfig)
    safe_mode: SafeModeConfig = field(default_factory=SafeModeConfig)
    admins: list[AdminEntry] = field(default_factory=list)
    media: MediaConfig = field(default_factory=MediaConfig)
    routing: RoutingConfig = field(default_factory=RoutingConfig)
    metrics: MetricsConfig = field(default_factory=MetricsConfig)
    market: MarketConfig = field(default_factory=MarketConfig)
    retention: RetentionConfig = field(default_factory=RetentionConfig)
    secrets: Secrets = field(default_factory=Secrets)


_CHOICES = {
    "nlu.backend": {"local", "openai", "rasa"},
    "channels.outbound": {"twilio", "meta"},
    "channels.meta.currency": {"NPR", "INR"},
    "languages.default": set(LANGUAGES),
    "languages.supported": set(LANGUAGES),
    "media.ocr": {"auto", "rapidocr", "google"},
    "media.transcription": {"auto", "pocketsphinx", "openai"},
    "media.extraction": {"auto", "off", "openai"},
}
# Values checked by a function that raises ValueError with the reason.
_CHECKS = {"database.pool_size": _pool_size, "retention.months": at_least_one, "retention.months_ahead": at_least_one,
           "platform.timezone": zone_named, "routing.day_starts": minutes_of, "routing.day_ends": minutes_of}
# Keys that are gone, and what took their place.
_REPLACED = {"reminders.timezone_offset_minutes": "platform.timezone, an IANA name like Asia/Kathmandu",
             "reminders.lead": "the retailer's usual ordering hour on the predicted day (no setting)",
             "reminders.template_sid": "templates.messages.reorder_reminder (README: the 24-hour window)"}


def _convert(value: Any, hint: Any, key: str, problems: list[str]) -> Any:
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, key, problems)
    if hint is timedelta:
        return parse_duration(value)
    if hint is bool:
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, got {value!r}")
        return value
    if hint in (int, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"expected a number, got {value!r}")
        if hint is int and not float(value).is_integer():
            raise ValueError(f"expected a whole number, got {value!r}")
        return hint(value)
    if hint is str:
        return str(value)
    if origin is list:
        if not isinstance(value, list):
            raise ValueError(f"expected a list, got {value!r}")
        (item_hint,) = typing.get_args(hint)
        return [_convert(v, item_hint, f"{key}[{i}]", problems) for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ValueError(f"expected a mapping, got {value!r}")
        _, item_hint = typing.get_args(hint)
        if dataclasses.is_dataclass(item_hint):
            return {str(k): _build(item_hint, v, f"{key}{k}.", problems) for k, v in value.items()}
        return dict(value)
    if origin in (types.UnionType, typing.Union):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if value is None or len(args) != 1:
            return value
        return _convert(value, args[0], key, problems)  # "float | None": a number or null
    return value


def _build(cls: Any, data: Any, prefix: str, problems: list[str]) -> Any:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.append(f"{prefix or 'config'}: expected a mapping, got {data!r}")
        return cls() if all(f.default is not dataclasses.MISSING or
                            f.default_factory is not dataclasses.MISSING
                            for f in dataclasses.fields(cls)) else None
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    for extra in sorted(set(data) - known):
        key = f"{prefix}{extra}"
        problems.append(f"{key}: replaced by {_REPLACED[key]}" if key in _REPLACED else f"{key}: unknown key")
    kwargs = {}
    for f in dataclasses.fields(cls):
        key = f"{prefix}{f.name}"
        if f.name not in data:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                problems.append(f"{key}: required")
            continue
        try:
            kwargs[f.name] = _convert(data[f.name], hints[f.name], key + ".", problems)
        except ValueError as exc:
            problems.append(f"{key}: {exc}")
            continue
        if key in _CHECKS:
            try:
                _CHECKS[key](kwargs[f.name])
            except ValueError as exc:
                problems.append(f"{key}: {exc}")
        if key in _CHOICES:
            chosen = kwargs[f.name] if isinstance(kwargs[f.name], list) else [kwargs[f.name]]
            if any(not isinstance(v, str) or v not in _CHOICES[key] for v in chosen):
                problems.append(f"{key}: must be one of {', '.join(sorted(_CHOICES[key]))}")
    try:
        return cls(**kwargs)
    except TypeError:
        return None


def _secrets_from_env(env: typing.Mapping[str, str], problems: list[str]) -> Secrets:
    values = {f.name: env.get(f.name.upper()) or None for f in dataclasses.fields(Secrets)}
    for key in ("database_url", "database_read_url"):
        if values[key] and not values[key].startswith(("postgres://", "postgresql://")):
            problems.append(f"{key.upper()}: expected a postgresql:// URL")
    if values["redis_sentinels"]:
        try:
            parse_sentinels(values["redis_sentinels"])
        except ValueError as exc:
            problems.append(f"REDIS_SENTINELS: {exc}")
    if values["redis_url"] and not values["redis_url"].startswith(("redis://", "rediss://", "unix://")):
        problems.append("REDIS_URL: expected a redis://, rediss:// or unix:// URL")
    for key in ("twilio_api_base_url", "public_base_url", "openai_base_url", "meta_api_base_url"):
        if values[key] and not values[key].startswith(("http://", "https://")):
            problems.append(f"{key.upper()}: expected an http(s):// URL")
    sid = values["twilio_account_sid"]
    if sid and not re.fullmatch(r"AC[0-9a-zA-Z]{32}", sid):
        problems.append("TWILIO_ACCOUNT_SID: expected AC followed by 32 letters or digits")
    number = values["twilio_from_number"]
    if number and not _E164.match(number.removeprefix("whatsapp:")):
        problems.append("TWILIO_FROM_NUMBER: expected a phone in E.164 form, like +14155238886")
    creds = values["google_application_credentials"]
    if creds and not Path(creds).is_file():
        problems.append("GOOGLE_APPLICATION_CREDENTIALS: no such file")
    return Secrets(**{k: v for k, v in values.items() if v is not None})


def load_config(path: Path | None = None, env: typing.Mapping[str, str] | None = None) -> Config:
    """Read and check config.yml and the environment; raise ConfigError listing every problem."""
    path = path or Path(os.environ.get("KHAACHO_CONFIG", DEFAULT_CONFIG))
    env = os.environ if env is None else env
    problems: list[str] = []
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError([f"{path}: cannot read: {exc}"]) from exc
    raw = dict(raw) if isinstance(raw, dict) else {}
    raw.pop("secrets", None)
    config = _build(Config, raw, "", problems)
    secrets = _secrets_from_env(env, problems)
    for i, admin in enumerate(getattr(config, "admins", None) or []):
        if admin and not _E164.match(admin.phone):
            problems.append(f"admins[{i}].phone: expected E.164 like +9779800000001, got {admin.phone!r}")
    if getattr(config, "channels", None) is not None:
        problems.extend(_meta_problems(config.channels, secrets))
        problems.extend(unsigned_webhook_problems(config.channels, secrets))
    languages = getattr(config, "languages", None)
    if languages is not None and languages.default in LANGUAGES and languages.default not in languages.supported:
        problems.append(f"languages.default: {languages.default!r} must be one of languages.supported")
    if getattr(config, "templates", None) is not None and getattr(config, "channels", None) is not None:
        problems.extend(template_problems(config.templates, config.channels.outbound))
    if getattr(getattr(config, "nlu", None), "backend", None) == "openai" and not secrets.openai_api_key:
        problems.append("OPENAI_API_KEY: required when nlu.backend is openai")
    if problems:
        raise ConfigError(problems)
    return dataclasses.replace(config, secrets=secrets)


def template_problems(templates: TemplatesConfig, outbound: str) -> list[str]:
    """Each template names what the outbound provider sends it by, in languages the product speaks."""
    problems = []
    if templates.fallback_language not in LANGUAGES:
        problems.append(f"templates.fallback_language: must be one of {', '.join(LANGUAGES)}")
    for key, template in templates.messages.items():
        at = f"templates.messages.{key}"
        if template is None:
            continue
        if not template.languages:
            problems.append(f"{at}.languages: at least one language")
        if outbound == "meta" and not re.fullmatch(r"[a-z0-9_]{1,512}", template.name):
            problems.append(f"{at}.name: the Cloud API template name (lower case letters, digits, _)")
        if len(set(template.variables)) != len(template.variables):
            problems.append(f"{at}.variables: a parameter named twice")
        for language, translation in template.languages.items():
            if language not in LANGUAGES:
                problems.append(f"{at}.languages.{language}: must be one of {', '.join(LANGUAGES)}")
            elif translation is None:
                continue
            elif outbound == "twilio" and not re.fullmatch(r"HX[0-9a-fA-F]{32}", translation.sid):
                problems.append(f"{at}.languages.{language}.sid: the Twilio Content SID (HX and 32 hex digits)")
            elif outbound == "meta" and not re.fullmatch(r"[a-z]{2,3}(_[A-Z]{2})?", translation.code):
                problems.append(f"{at}.languages.{language}.code: a WhatsApp language code like en or en_US")
    return problems


def _meta_problems(channels: ChannelsConfig, secrets: Secrets) -> list[str]:
    """The Meta Cloud API secrets that the enabled webhook or the chosen outbound provider needs."""
    needed = {k: "channels.meta.enabled" for k in ("meta_app_secret", "meta_verify_token") if channels.meta.enabled}
    if channels.outbound == "meta":
        needed.update(dict.fromkeys(("meta_access_token", "meta_phone_number_id"), "channels.outbound: meta"))
    problems = [f"{key.upper()}: required by {why}" for key, why in needed.items() if not getattr(secrets, key)]
    if secrets.meta_phone_number_id and not secrets.meta_phone_number_id.isdigit():
        problems.append("META_PHONE_NUMBER_ID: expected the digits of the Cloud API phone number id")
    return problems


def unsigned_webhook_problems(channels: ChannelsConfig, secrets: Secrets) -> list[str]:
    """Unchecked webhook signatures let anyone post as any number (an admin too): development only."""
    if channels.twilio.enabled and not channels.twilio.validate_signature and not secrets.insecure_dev:
        return ["channels.twilio.validate_signature: false lets anyone post as any number; "
                "allowed only on a development machine with KHAACHO_INSECURE_DEV=1"]
    return []


def is_e164(phone: str) -> bool:
    return bool(_E164.match(phone))
