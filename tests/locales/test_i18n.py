"""Catalogs are complete, compiled and Vietnamese numbers look Vietnamese."""

from __future__ import annotations

import logging
import os
import time
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.logs import RedactingFilter
from locales import CATALOG_DIR
from locales.translator import CatalogError, Translator, load_translators


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_message_is_translated(language: str) -> None:
    with (CATALOG_DIR / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    with (CATALOG_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    missing = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id)
        strings = found.string if found else None
        ok = all(strings) if isinstance(strings, tuple) else bool(strings)
        if not ok or (found and found.fuzzy):
            missing.append(message.id)
    assert missing == []


def test_vietnamese_has_a_single_plural_form() -> None:
    with (CATALOG_DIR / "vi" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="vi")
    assert catalog.plural_forms == "nplurals=1; plural=0;"


def test_numbers_percentages_and_dates_in_vietnamese(vi: Translator) -> None:
    assert vi.number(1733) == "1.733"
    assert vi.percent(0.2999) == "29,99%"
    assert vi.percent(2 / 1733) == "0,12%"
    assert vi.long_date(date(2026, 11, 30)) == "thứ Hai, 30/11/2026"


def test_english_formats(translators: dict[str, Translator]) -> None:
    en = translators["en"]
    assert en.number(1733) == "1,733"
    assert en.long_date(date(2026, 11, 30)) == "Monday, 30/11/2026"


def test_refuses_to_start_with_an_uncompiled_catalog(tmp_path: Path) -> None:
    for language in ("vi", "en"):
        folder = tmp_path / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "messages.po").write_text("", encoding="utf-8")
    with pytest.raises(CatalogError, match="compile"):
        load_translators(tmp_path)


def test_refuses_a_catalog_older_than_its_source(tmp_path: Path) -> None:
    for language in ("vi", "en"):
        folder = tmp_path / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        source = CATALOG_DIR / language / "LC_MESSAGES"
        (folder / "messages.mo").write_bytes((source / "messages.mo").read_bytes())
        (folder / "messages.po").write_text("", encoding="utf-8")
        past = time.time() - 3600
        os.utime(folder / "messages.mo", (past, past))
    with pytest.raises(CatalogError, match="older"):
        load_translators(tmp_path)


def test_the_token_is_masked_in_log_messages_and_tracebacks() -> None:
    token = "123456:SECRET-token"
    record = logging.LogRecord(
        "httpx", logging.ERROR, __file__, 1, "POST https://x/bot%s/getMe", (token,), None
    )
    try:
        raise RuntimeError(f"failed calling /bot{token}/sendMessage")
    except RuntimeError:
        import sys

        record.exc_info = sys.exc_info()
    RedactingFilter([token]).filter(record)
    text = logging.Formatter().format(record)
    assert token not in text
    assert "***" in text


def test_every_setting_is_documented_in_env_example() -> None:
    from pathlib import Path

    from bot.settings import Settings

    example = (Path(__file__).resolve().parents[2] / ".env.example").read_text("utf-8")
    keys = {
        line.split("=", 1)[0]
        for line in example.splitlines()
        if "=" in line and not line.startswith("#")
    }
    assert {name.upper() for name in Settings.model_fields} == keys


def test_whole_numbers_are_written_as_babel_writes_them() -> None:
    """Whole numbers take a fast path (hundreds per /tiendo): it must agree with Babel."""
    from babel.numbers import format_decimal

    from locales.translator import load_translators

    values = [0, 7, -7, 999, 1000, 1733, -1733, 17_196, 1_000_000, -123_456_789, 10**15]
    for language, translator in load_translators().items():
        for value in values:
            assert translator.number(value) == format_decimal(value, locale=language)
    assert load_translators()["vi"].number(1733) == "1.733"
    assert load_translators()["vi"].number(2.5) == "2,5"  # not whole: Babel's way
