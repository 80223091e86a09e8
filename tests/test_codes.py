"""Tests for geo_outreach.inputs.codes: village codes and place names."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from geo_outreach.inputs.codes import (
    CodeCheck,
    is_blank,
    normalise_code,
    normalise_name,
    normalise_unit_name,
)


@pytest.mark.parametrize("value", [
    "34.04.07.2003",
    "3404072003",
    3404072003,
    3404072003.0,
    np.int64(3404072003),
    "3404072003.0",
    "'3404072003",
    "  34.04.07.2003 ",
    "34 04 07 2003",
    "\u201834.04.07.2003",
])
def test_kemendagri_codes_in_any_spelling_give_the_dotted_code(value):
    check = normalise_code(value)
    assert check == CodeCheck("34.04.07.2003", "kemendagri", "")


def test_kelurahan_code_starting_with_1_is_kemendagri():
    assert normalise_code("3471031001").code == "34.71.03.1001"


@pytest.mark.parametrize(("value", "dotted"), [
    ("3404070003", "34.04.070.003"),
    ("34.04.070.003", "34.04.070.003"),
    (3404070003, "34.04.070.003"),
    (3471010001.0, "34.71.010.001"),
])
def test_bps_codes_are_recognised_and_never_taken_for_kemendagri(value, dotted):
    check = normalise_code(value)
    assert check.kind == "bps"
    assert check.code is None
    assert "BPS" in check.reason
    assert "Kemendagri" in check.reason
    assert dotted in check.reason
    assert "differ" in check.reason


@pytest.mark.parametrize(("value", "reason"), [
    ("34.04.07.3003", "must begin with 1"),
    ("34.04.07", "kapanewon/kecamatan code"),
    ("340407", "kapanewon/kecamatan code"),
    ("34.04", "kabupaten/kota code"),
    ("34O4072003", "other than digits"),
    ("12345", "5 digits"),
    ("3404072003.5", "does not look like a village code"),
    (3404072003.5, "not a whole number"),
    (True, "not a whole number"),
    ("34.4.7.2003", "does not look like a village code"),
    ("3.40407E+09", "scientific notation"),
])
def test_malformed_codes_are_invalid_with_a_reason(value, reason):
    check = normalise_code(value)
    assert check.kind == "invalid"
    assert check.code is None
    assert reason in check.reason


@pytest.mark.parametrize("value", [None, "", "   ", float("nan"), pd.NA, np.nan, "-", "nan"])
def test_blank_codes_are_empty(value):
    assert normalise_code(value).kind == "empty"


def test_code_check_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        normalise_code("3404072003").code = "x"  # type: ignore[misc]


@pytest.mark.parametrize("value", [None, "", "  ", float("nan"), pd.NA, np.nan])
def test_is_blank_for_empty_cells(value):
    assert is_blank(value)


@pytest.mark.parametrize("value", [0, "0", "x", 3404072003])
def test_is_blank_false_for_values(value):
    assert not is_blank(value)


@pytest.mark.parametrize("written", [
    "Caturtunggal",
    "Catur Tunggal",
    "CATUR TUNGGAL",
    "catur-tunggal",
    "Kalurahan Caturtunggal",
    "Kelurahan Catur Tunggal",
    "Desa Caturtunggal",
    "Kel. Caturtunggal",
    "Kal. Caturtunggal",
    "Ds. Catur Tunggal",
    "  Desa   Catur  Tunggal ",
    "Desa/Kelurahan Caturtunggal",
])
def test_village_names_compare_equal_despite_prefixes_spaces_and_case(written):
    assert normalise_name(written) == "caturtunggal"


def test_village_name_keeps_words_that_only_start_like_a_prefix():
    assert normalise_name("Kalibawang") == "kalibawang"
    assert normalise_name("Desa") == "desa"


def test_village_name_drops_accents_and_apostrophes():
    assert normalise_name("Séndang'adi") == "sendangadi"


def test_village_name_of_blank_is_empty():
    assert normalise_name(None) == ""
    assert normalise_name(float("nan")) == ""


@pytest.mark.parametrize("written", ["Kota Yogyakarta", "Yogyakarta", "KOTA YOGYAKARTA",
                                     "Kota Jogja", "Jogjakarta", "Kodya Yogyakarta"])
def test_city_names_are_one_key(written):
    assert normalise_unit_name(written) == "yogyakarta"


@pytest.mark.parametrize("written", ["Kotagede", "Kota Gede", "Kemantren Kotagede",
                                     "Kemantren Kota Gede", "Kec. Kotagede"])
def test_kotagede_keeps_its_kota(written):
    assert normalise_unit_name(written) == "kotagede"


@pytest.mark.parametrize(("written", "key"), [
    ("Kabupaten Gunungkidul", "gunungkidul"),
    ("Kab. Gunung Kidul", "gunungkidul"),
    ("Kapanewon Depok", "depok"),
    ("Kecamatan Depok", "depok"),
    ("Kec. Depok", "depok"),
    ("Kulon Progo", "kulonprogo"),
    ("Kabupaten Kulonprogo", "kulonprogo"),
])
def test_unit_prefixes_are_stripped(written, key):
    assert normalise_unit_name(written) == key
