"""The pure core, without Telegram or a database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.models import PendingKind, Person, Role
from core.parsing import ErrorCode
from core.permissions import COMMAND_ROLES, may_report_for, may_run, may_view
from core.phones import PhoneError, display_phone, normalize_phone
from core.text import fold, slug, within_one_edit
from core.units import (
    NEW_COMMUNE,
    Level,
    UnitDirectory,
    UnitError,
    find_units,
    parse_units_csv,
)


@pytest.mark.parametrize(
    "raw", ["0912 345 678", "84912345678", "+84 912 345 678", "0912.345.678", "(+84) 912-345-678"]
)
def test_every_common_phone_form_is_one_person(raw: str) -> None:
    assert normalize_phone(raw) == "84912345678"
    assert display_phone(normalize_phone(raw)) == "0912 345 678"


@pytest.mark.parametrize("raw", ["", "12345", "091234567890123", "abc", "0012"])
def test_a_phone_that_is_not_vietnamese_is_refused(raw: str) -> None:
    with pytest.raises(PhoneError):
        normalize_phone(raw)


def test_fold_ignores_case_diacritics_and_spacing_in_nfc_and_nfd() -> None:
    import unicodedata

    text = "  Đào   TẠO nghề "
    assert fold(text) == "dao tao nghe"
    assert fold(unicodedata.normalize("NFD", text)) == "dao tao nghe"
    assert slug("Sà Lủng") == "sa-lung"


def test_shipped_units_hold_every_reference_row(units: UnitDirectory) -> None:
    import csv
    from pathlib import Path

    reference = Path(__file__).resolve().parents[1] / "data" / "meo_vac_units.csv"
    with reference.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        found = units.named(row["name"], [row["level"]])
        assert found, row["name"]
        if row["current_commune"]:
            assert units[found[0].current or ""].name == row["current_commune"]
        for alias in filter(None, row["aliases"].split("|")):
            assert alias in found[0].aliases


def test_the_2025_merger_maps_18_communes_to_6(units: UnitDirectory) -> None:
    new = units.of_level(NEW_COMMUNE)
    assert sorted(u.name for u in new) == sorted(
        ["Mèo Vạc", "Sơn Vĩ", "Sủng Máng", "Khâu Vai", "Tát Ngà", "Niêm Sơn"]
    )
    assert len(units.of_level("commune")) == 18
    son_vi = [v.name for v in units.villages_in("n:son-vi")]
    assert "Xà Phìn" in son_vi  # was in Thượng Phùng before 2025
    assert "Sà Lủng" not in son_vi


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("thôn Sà Lủng", "v:sa-lung"),
        ("thon sa lung", "v:sa-lung"),
        ("xã Sơn Vĩ", "n:son-vi"),
        ("xã cũ Sơn Vĩ", "c:son-vi"),
        ("Thượng Phùng", "c:thuong-phung"),
        ("huyện Mèo Vạc", "d:meo-vac"),
        ("TT Mèo Vạc", "c:thi-tran-meo-vac"),
        ("Sơn Vỹ", "c:son-vi"),
    ],
)
def test_units_are_found_by_old_and_new_names(units: UnitDirectory, text: str, code: str) -> None:
    assert [u.code for u in find_units(units, text)] == [code]


def test_a_units_file_with_an_unknown_parent_names_the_line() -> None:
    text = "level,name,parent,current_commune,aliases,note\nvillage,Thôn A,Xã B,,,\n"
    with pytest.raises(UnitError, match="line 2"):
        parse_units_csv(text)


def _person(role: Role, scope: str) -> Person:
    return Person(id=1, name="A", phone="84912000009", role=role, scope=scope)


def test_every_command_has_a_role_table_entry() -> None:
    assert may_run(None, "start")
    assert not may_run(None, "report")
    assert may_run(_person(Role.CADRE, "v:sa-lung"), "report")
    assert not may_run(_person(Role.CADRE, "v:sa-lung"), "tiendo")
    assert may_run(_person(Role.LEADER, "d:meo-vac"), "tiendo")
    assert not may_run(_person(Role.LEADER, "d:meo-vac"), "moi")
    assert may_run(_person(Role.ADMIN, "d:meo-vac"), "moi")
    assert not may_run(_person(Role.ADMIN, "d:meo-vac"), "no-such-command")
    assert set(COMMAND_ROLES) >= {"start", "huongdan", "dangky", "tiendo", "ngonngu", "moi"}


def test_scope_limits_reporting_and_viewing(units: UnitDirectory) -> None:
    cadre = _person(Role.CADRE, "v:sa-lung")
    assert may_report_for(cadre, "v:sa-lung", units)
    assert not may_report_for(cadre, "v:xa-phin", units)
    commune_leader = _person(Role.LEADER, "n:son-vi")
    assert may_view(commune_leader, "v:xa-phin", units)
    assert may_view(commune_leader, "c:thuong-phung", units)  # wholly inside Sơn Vĩ now
    assert not may_view(commune_leader, "v:sa-lung", units)
    assert not may_view(commune_leader, "d:meo-vac", units)
    assert may_view(_person(Role.LEADER, "d:meo-vac"), "n:khau-vai", units)


def _edit_distance(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, start=1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[-1]


@given(st.text("abc", max_size=6), st.text("abc", max_size=6))
def test_one_edit_means_one_insertion_deletion_or_replacement(a: str, b: str) -> None:
    # Village and unit names are matched with one typo allowed; this is what a typo is.
    assert within_one_edit(a, b) == (_edit_distance(a, b) <= 1)


def test_stored_and_printed_codes_keep_their_spelling() -> None:
    # Stored in the database or printed by `python -m bot parse`: a new spelling would
    # orphan old rows and break readers of the JSON.
    assert list(ErrorCode) == [  # in the order of precedence of the spec
        "empty",
        "unknown_indicator",
        "not_done",
        "invalid_date",
        "unknown_village",
        "ambiguous_village",
        "missing_count",
        "invalid_count",
    ]
    assert list(Level) == ["district", "commune", "commune2025", "village"]
    assert list(PendingKind) == ["village", "repeat", "pick", "household", "decision"]
    assert all(type(u.level) is Level for u in parse_units_csv(_UNITS_CSV))


_UNITS_CSV = """level,name,parent,current_commune,aliases
district,Mèo Vạc,,,
commune,Pả Vi,Mèo Vạc,Mèo Vạc,
village,Pả Vi Hạ,Pả Vi,Mèo Vạc,
"""
