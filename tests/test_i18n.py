"""Tests of geo_outreach.i18n: complete labels in both languages, number formats."""

from __future__ import annotations

import math
import re
import string
from pathlib import Path

import pytest

from geo_outreach import i18n
from geo_outreach.escape import escape_markdown
from geo_outreach.i18n import (
    GLOSSARY,
    LABELS,
    LANGUAGES,
    MISSING_VALUE,
    column_labels,
    format_gap,
    format_km,
    format_number,
    format_percent,
    t,
)
from geo_outreach.inputs.schema import (
    DENOMINATORS,
    OFFICE_OUTPUT_COLUMNS,
    OFFICE_TYPES,
    PRIORITY_OUTPUT_COLUMNS,
    VILLAGE_OUTPUT_COLUMNS,
)


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def test_languages():
    assert LANGUAGES == ("id", "en")


@pytest.mark.parametrize("key", sorted(LABELS))
def test_every_label_exists_in_both_languages(key: str):
    assert set(LABELS[key]) == set(LANGUAGES)
    for lang in LANGUAGES:
        assert LABELS[key][lang].strip()


@pytest.mark.parametrize("key", sorted(LABELS))
def test_both_languages_take_the_same_placeholders(key: str):
    assert _placeholders(LABELS[key]["id"]) == _placeholders(LABELS[key]["en"])


@pytest.mark.parametrize("term", sorted(GLOSSARY))
def test_every_glossary_term_is_explained_in_both_languages(term: str):
    assert set(GLOSSARY[term]) == set(LANGUAGES)
    assert all(GLOSSARY[term][lang].strip() for lang in LANGUAGES)


def test_glossary_covers_the_domain_terms():
    wanted = {"cakupan", "angkatan kerja", "penduduk bekerja", "peserta aktif", "BPU", "PU",
              "Jakon", "PMI", "kalurahan", "kapanewon", "kabupaten", "KC", "KCP",
              "radius 5 km", "kesenjangan terhadap target", "pekerja belum terdaftar"}
    assert wanted <= set(GLOSSARY)
    assert set(i18n.glossary("en")) == set(GLOSSARY)


def test_required_texts():
    assert t("app.title") == "geo-outreach: kesenjangan kepesertaan BPJS Ketenagakerjaan"
    assert t("demo.banner") == "DEMO — data kepesertaan sintetis, bukan data BPJS"
    assert t("demo.banner", "en") == "DEMO — synthetic participation data, not BPJS data"
    assert t("note.approximate").startswith("Lokasi perkiraan — unggah koordinat kantor")
    assert [t(f"tab.{tab}") for tab in ("map", "priority", "data")] == ["Peta", "Prioritas",
                                                                        "Data"]
    for widget in ("radius", "target", "denominator", "regency", "language"):
        assert t(f"sidebar.{widget}", "id") != t(f"sidebar.{widget}", "en")


def test_t_fills_placeholders():
    assert t("note.target", "en", target="40%") == "Coverage target: 40%"
    assert t("note.coverage_formula", denominator="angkatan kerja") == (
        "Cakupan = peserta aktif ÷ angkatan kerja")


def test_t_refuses_unknown_keys_and_languages():
    with pytest.raises(KeyError, match="no label 'nope'"):
        t("nope")
    with pytest.raises(KeyError, match="unknown language 'fr'"):
        t("tab.map", "fr")  # type: ignore[arg-type]


@pytest.mark.parametrize("denominator", DENOMINATORS)
def test_denominator_labels(denominator: str):
    for lang in LANGUAGES:
        assert t(f"denominator.{denominator}", lang)
        assert t(f"denominator.{denominator}.title", lang)


@pytest.mark.parametrize("office_type", OFFICE_TYPES)
def test_office_type_labels(office_type: str):
    assert i18n.has_label(f"office_type.{office_type}")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_output_column_has_a_header(lang: str):
    columns = {*VILLAGE_OUTPUT_COLUMNS, *OFFICE_OUTPUT_COLUMNS, *PRIORITY_OUTPUT_COLUMNS,
               "workers_to_target"}
    labels = column_labels(sorted(columns), lang)  # type: ignore[arg-type]
    assert all(labels[column] != column for column in columns)
    assert len(set(labels.values())) == len(columns)  # distinct headers


def test_column_labels_examples():
    assert column_labels(["coverage"], "id") == {"coverage": "Cakupan"}
    assert column_labels(["coverage", "extra"], "en") == {"coverage": "Coverage",
                                                          "extra": "extra"}
    assert column_labels(["name"], "id", table="villages") == {"name": "Kalurahan/kelurahan"}
    assert column_labels(["name"], "id", table="offices") == {"name": "Kantor"}
    assert column_labels(["name"], "en") == {"name": "Name"}


def test_i18n_is_a_plain_data_module():
    assert "streamlit" not in Path(i18n.__file__).read_text(encoding="utf-8")


# --- number formats ----------------------------------------------------------------
@pytest.mark.parametrize(("value", "lang", "decimals", "expected"), [
    (1234567, "id", 0, "1.234.567"),
    (1234567, "en", 0, "1,234,567"),
    (1234.56, "id", 1, "1.234,6"),
    (1234.56, "en", 2, "1,234.56"),
    (0, "id", 0, "0"),
    (-0.001, "id", 1, "0,0"),
    (-1500, "id", 0, "-1.500"),
])
def test_format_number(value: float, lang: str, decimals: int, expected: str):
    assert format_number(value, lang, decimals=decimals) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("missing", [None, math.nan, float("inf"), "abc", True])
def test_missing_numbers(missing: object):
    assert format_number(missing) == MISSING_VALUE
    assert format_percent(missing) == MISSING_VALUE
    assert format_gap(missing) == MISSING_VALUE
    assert format_km(missing) == MISSING_VALUE


def test_pandas_na_is_missing():
    import pandas as pd  # noqa: PLC0415

    assert format_number(pd.NA) == MISSING_VALUE


def test_format_percent():
    assert format_percent(0.2534) == "25,3%"
    assert format_percent(0.2534, "en") == "25.3%"
    assert format_percent(0.4, "id", decimals=0) == "40%"


def test_format_gap():
    assert format_gap(0.125) == "12,5 poin persen di bawah target"
    assert format_gap(-0.05, "en") == "5.0 percentage points above target"
    assert format_gap(0.00001) == "tepat pada target"


def test_format_km():
    assert format_km(5) == "5 km"
    assert format_km(2.5) == "2,5 km"
    assert format_km(3.456, "en") == "3.5 km"


def test_every_literal_key_used_in_the_code_exists():
    root = Path(i18n.__file__).resolve().parents[2]
    sources = [root / "app.py", *sorted(root.glob("app_*.py")),
               *sorted((root / "app_pages").glob("*.py")),
               *sorted((root / "geo_outreach").rglob("*.py"))]
    pattern = re.compile(r"""\bt\(\s*["']([a-z_][\w.]*)["']""")
    used = {key for path in sources if path.exists()
            for key in pattern.findall(path.read_text(encoding="utf-8"))}
    assert used  # the scan found the calls
    assert sorted(key for key in used if not i18n.has_label(key)) == []


def test_markdown_in_a_users_file_name_shows_as_typed():
    shown = escape_markdown("peserta_[klik](javascript:alert(1))*.csv, row 3: `x` <b>")
    assert "\\[klik\\]" in shown
    assert "\\*" in shown
    assert "\\`x\\`" in shown
    assert "\\<b\\>" in shown
