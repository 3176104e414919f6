"""config.yml and the environment are checked at start: one clear line per bad value, secrets hidden."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_config, parse_duration


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_config_loads() -> None:
    config = load_config(env={})
    assert config.orders.vendor_response_sla.total_seconds() == 15 * 60
    assert config.admins and config.admins[0].phone.startswith("+977")


def test_each_bad_value_gets_one_line_naming_its_key(tmp_path: Path) -> None:
    path = write(tmp_path, """
orders: {vendor_response_sla: soon, max_vendor_attempts: 2.5}
nlu: {backend: magic, intent_threshold: high}
web: {port: "8080", colour: blue}
admins: [{phone: "9800000000", name: X}]
""")
    env = {"DATABASE_URL": "mysql://x", "REDIS_URL": "http://x", "TWILIO_ACCOUNT_SID": "nope",
           "TWILIO_AUTH_TOKEN": "s3cret-token"}
    with pytest.raises(ConfigError) as caught:
        load_config(path, env)
    problems = caught.value.problems
    for key in ("orders.vendor_response_sla", "orders.max_vendor_attempts", "nlu.backend",
                "nlu.intent_threshold", "web.port", "web.colour", "admins[0].phone", "DATABASE_URL",
                "REDIS_URL", "TWILIO_ACCOUNT_SID"):
        assert sum(line.startswith(key + ":") for line in problems) == 1, (key, problems)
    assert "s3cret-token" not in str(caught.value)


def test_secrets_never_show_in_repr() -> None:
    config = load_config(env={"TWILIO_AUTH_TOKEN": "s3cret-token", "OPENAI_API_KEY": "sk-hidden"})
    assert config.secrets.twilio_auth_token == "s3cret-token"
    assert "s3cret-token" not in repr(config) and "sk-hidden" not in repr(config)


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30), ("15m", 900), ("2h", 7200), ("1d", 86400),
                                               ("1.5h", 5400)])
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text).total_seconds() == seconds


def test_unreadable_file_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.yml", {})


def test_the_platform_time_zone_is_an_iana_name(tmp_path: Path) -> None:
    assert load_config(env={}).platform.timezone == "Asia/Kathmandu"
    assert load_config(write(tmp_path, "platform: {timezone: Europe/Berlin}\n"), {}).platform.timezone == \
        "Europe/Berlin"
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, "platform: {timezone: Nepal/Pokhara}\n"), {})
    assert caught.value.problems == [
        "platform.timezone: 'Nepal/Pokhara' is not a time zone: use an IANA name like Asia/Kathmandu"]


def test_the_old_offset_key_names_its_replacement(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, "reminders: {timezone_offset_minutes: 345}\n"), {})
    assert caught.value.problems == [
        "reminders.timezone_offset_minutes: replaced by platform.timezone, an IANA name like Asia/Kathmandu"]


def test_templates_are_read_per_text_and_language(tmp_path: Path) -> None:
    shipped = load_config(env={}).templates
    reminder = shipped.messages["reorder_reminder"]
    assert reminder.variables == ["name", "every", "lines"] and reminder.languages["hi"].code == "hi"
    text = ("templates:\n  messages:\n    order_dispatched:\n      variables: [order_id, order_id]\n"
            "      languages: {en: {code: en}, xx: {sid: HX1}}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text), {})
    assert caught.value.problems == [
        "templates.messages.order_dispatched.variables: a parameter named twice",
        "templates.messages.order_dispatched.languages.en.sid: the Twilio Content SID (HX and 32 hex digits)",
        "templates.messages.order_dispatched.languages.xx: must be one of en, ne, ne-deva, hi, hi-deva"]
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, "reminders: {template_sid: HX1}\n"), {})
    assert caught.value.problems[0].startswith(
        "reminders.template_sid: replaced by templates.messages.reorder_reminder")
