"""
Fuzz the code and name normalisers and the participation matcher.

Beyond "never a traceback", the normalisers promise more, and these tests hold them to
it: a recognised Kemendagri code comes out as ``NN.NN.NN.NNNN`` and normalises to itself;
its dotted, undotted, numeric and spreadsheet forms all give the same code; a name
key is lower-case ASCII letters and digits and normalises to itself.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
from hypothesis import example, given
from hypothesis import strategies as st

from geo_outreach.inputs import reconcile, validate
from geo_outreach.inputs.codes import normalise_code, normalise_name, normalise_unit_name
from geo_outreach.inputs.columns import InputTable
from tests.conftest import TINY_VILLAGES, tiny_village_frame
from tests.fuzz_strategies import cells

KEMENDAGRI_FORMAT = re.compile(r"\d{2}\.\d{2}\.\d{2}\.[12]\d{3}")
CODE_KINDS = {"kemendagri", "bps", "invalid", "empty"}

TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]))
"""Any text without lone surrogates (which no file can hold)."""

CODE_LIKE = st.text(alphabet="0123456789. -,'eE+", max_size=20)
"""Digits with dots, spaces, dashes and the debris of spreadsheets."""

ANY_CELL = st.one_of(
    TEXT, CODE_LIKE, st.none(), st.booleans(), st.integers(), st.floats(),
    st.decimals(allow_nan=True).filter(lambda d: not d.is_snan()), st.fractions(),
    st.just(pd.NA), st.just(pd.NaT),
    st.integers(-(2**63), 2**63 - 1).map(np.int64), st.floats().map(np.float64),
)
"""What a table cell can hold once read from CSV, Excel or a GIS file."""


@st.composite
def kemendagri_digits(draw: st.DrawFn) -> str:
    """Ten digits of a Kemendagri village code: province 11-99, village part 1xxx or 2xxx."""
    province = draw(st.integers(11, 99))
    regency, district = draw(st.integers(0, 99)), draw(st.integers(0, 99))
    village = draw(st.integers(1000, 2999))
    return f"{province:02d}{regency:02d}{district:02d}{village:04d}"


def _dotted(digits: str) -> str:
    return f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"


# --- codes -----------------------------------------------------------------------------


@given(value=ANY_CELL)
@example(value=Decimal(3404072003))
@example(value=Fraction(3404072003, 1))
@example(value=float("inf"))
@example(value="\u0663\u0664\u0660\u0664\u0660\u0667\u0662\u0660\u0660\u0663")  # Arabic digits
def test_normalise_code_classifies_any_cell(value: object) -> None:
    check = normalise_code(value)
    assert check.kind in CODE_KINDS
    assert (check.code is not None) == (check.kind == "kemendagri")
    if check.code is not None:
        assert KEMENDAGRI_FORMAT.fullmatch(check.code), check.code
        assert normalise_code(check.code).code == check.code  # idempotent
    else:
        assert check.reason


@given(text=CODE_LIKE)
def test_normalise_code_on_code_like_text_is_idempotent(text: str) -> None:
    check = normalise_code(text)
    if check.code is not None:
        assert KEMENDAGRI_FORMAT.fullmatch(check.code)
        assert normalise_code(check.code) == check


@given(digits=kemendagri_digits(), padding=st.sampled_from(["", " ", "  ", "\t"]))
def test_every_written_form_of_a_valid_code_gives_the_dotted_code(digits: str,
                                                                  padding: str) -> None:
    dotted = _dotted(digits)
    forms = [dotted, digits, int(digits), float(digits), f"{digits}.0", f"'{digits}",
             f"{padding}{dotted}{padding}", dotted.replace(".", ". "), np.int64(digits),
             np.float64(digits)]
    assert {normalise_code(form).code for form in forms} == {dotted}


@given(digits=kemendagri_digits())
def test_a_bps_code_is_never_taken_for_a_kemendagri_code(digits: str) -> None:
    bps = f"{digits[:6]}0{digits[7:]}"  # the 7th digit of a BPS code ends its district
    check = normalise_code(bps)
    assert check.kind == "bps"
    assert check.code is None


# --- names -----------------------------------------------------------------------------


@given(text=st.one_of(TEXT, ANY_CELL))
@example(text="\u212a")  # the Kelvin sign lower-cases to an ASCII k
@example(text="Ds. Kel. Kal.")
@example(text="Kota Gede")
def test_name_keys_are_compact_and_idempotent(text: object) -> None:
    for normalise in (normalise_name, normalise_unit_name):
        key = normalise(text)
        assert re.fullmatch(r"[a-z0-9]*", key), key
        assert normalise(key) == key


@given(village=st.sampled_from([v[1] for v in TINY_VILLAGES]),
       prefix=st.sampled_from(["", "Desa ", "Kel. ", "KALURAHAN ", "ds.", "Kelurahan  "]),
       case=st.sampled_from([str, str.upper, str.lower, str.title]))
def test_prefixes_and_case_do_not_change_a_village_key(village: str, prefix: str,
                                                       case: object) -> None:
    assert normalise_name(case(prefix + village)) == normalise_name(village)  # type: ignore[operator]


# --- the matcher -----------------------------------------------------------------------

_TINY_CODES = [v[0] for v in TINY_VILLAGES]
_TINY_NAMES = [v[1] for v in TINY_VILLAGES]
_TINY_UNITS = sorted({v[3] for v in TINY_VILLAGES} | {v[4] for v in TINY_VILLAGES})


def _column(known: list[str]) -> st.SearchStrategy[object]:
    return st.one_of(st.sampled_from(known), st.sampled_from(known).map(str.upper), cells(),
                     st.none(), ANY_CELL)


@st.composite
def participation_tables(draw: st.DrawFn) -> InputTable:
    """A participation table as read: identifiers near the tiny villages', odd counts."""
    size = draw(st.integers(0, 12))
    columns = {
        "code": _column(_TINY_CODES), "name": _column(_TINY_NAMES),
        "district": _column(_TINY_UNITS), "regency": _column(_TINY_UNITS),
        "labour_force": st.one_of(st.integers(0, 5000), cells()),
        "participants": st.one_of(st.integers(0, 5000), cells()),
    }
    # read_participation guarantees an identifier, participants and a denominator
    identifiers = draw(st.sampled_from([["code"], ["name"], ["code", "name"]]))
    units = draw(st.lists(st.sampled_from(["district", "regency"]), unique=True))
    present = [*identifiers, *units, "labour_force", "participants"]
    data = pd.DataFrame({c: draw(st.lists(columns[c], min_size=size, max_size=size))
                         for c in present},
                        index=pd.Index(range(2, size + 2), name="row"), dtype=object)
    return InputTable(data, "peserta.csv", {c: c.upper() for c in present})


@given(table=participation_tables())
def test_matcher_reports_every_row_once(table: InputTable) -> None:
    villages = tiny_village_frame()
    cleaned, _problems = validate.validate_participation(table)
    result = reconcile.reconcile_participation(cleaned, villages, source=table.source,
                                               headers=table.headers)
    rows = result.report.loc[result.report["status"] != "no_data", "row"]
    assert sorted(rows.astype(int)) == sorted(table.data.index)
    assert set(result.report["status"]) <= set(reconcile.MATCH_STATUSES)
    assert set(result.matched["code"]) <= set(villages["code"])
    assert not result.matched["code"].duplicated().any()


@given(given_name=st.one_of(TEXT, st.sampled_from(_TINY_UNITS)),
       known=st.lists(st.sampled_from(_TINY_UNITS).map(normalise_unit_name), max_size=4))
def test_unit_resolution_answers_a_known_key_or_none(given_name: str, known: list[str]) -> None:
    key, _note = reconcile._resolve_unit(given_name, known)
    assert key is None or key in known
