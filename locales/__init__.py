"""Gettext catalogs (vi, en) for every user-facing string; compiled with Babel."""

from pathlib import Path

__all__ = ["CATALOG_DIR", "DOMAIN", "LANGUAGES"]

CATALOG_DIR = Path(__file__).resolve().parent
DOMAIN = "messages"
LANGUAGES = ("vi", "en")
