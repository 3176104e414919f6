"""Which webhooks this server mounts, and whether it checks their signatures.

A webhook whose signing secret is unset is not mounted at all: with an empty key anyone could sign
a request (`From=<an admin>`, `/credit … limit 9999999`). Signature checking can be switched off only
with KHAACHO_INSECURE_DEV=1, and then every start says so in the log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.config import Config, ConfigError, unsigned_webhook_problems

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WebhookPlan:
    twilio: bool            # POST /webhooks/twilio and /webhooks/twilio/status
    twilio_signed: bool     # their X-Twilio-Signature is checked
    meta: bool              # GET/POST /webhooks/meta (always signed: X-Hub-Signature-256)


def webhook_plan(config: Config) -> WebhookPlan:
    """The plan for `config`; ConfigError when it would accept requests nobody signed."""
    channels, secrets = config.channels, config.secrets
    problems = unsigned_webhook_problems(channels, secrets)
    if channels.meta.enabled and not secrets.meta_app_secret:
        problems.append("META_APP_SECRET: required by channels.meta.enabled")
    if problems:
        raise ConfigError(problems)
    tw = channels.twilio
    unsigned = tw.enabled and not tw.validate_signature
    twilio = tw.enabled and (unsigned or bool(secrets.twilio_auth_token))
    if unsigned:
        log.critical("INSECURE: Twilio webhook signatures are NOT checked (KHAACHO_INSECURE_DEV=1); "
                     "anyone can post as any number. Never run this way in production.")
    elif tw.enabled and not twilio:
        log.warning("/webhooks/twilio is not mounted: TWILIO_AUTH_TOKEN is unset, so no request "
                    "could be verified")
    return WebhookPlan(twilio=twilio, twilio_signed=twilio and not unsigned, meta=channels.meta.enabled)
