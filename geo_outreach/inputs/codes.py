"""
Village codes and place names, turned into keys that compare reliably.

Two code systems name Indonesian villages, and they look alike:

* **Kemendagri** (Ministry of Home Affairs, Kepmendagri kode wilayah): province 2 digits,
  regency 2, district 2, village 4, written ``34.04.07.2003``. The village part begins with
  1 for a kelurahan and 2 for a desa (kalurahan in DIY).
* **BPS** (Statistics Indonesia, MFD codes): province 2, regency 2, district 3, village 3,
  written ``3404070003`` or ``34.04.070.003``.

Both have 10 digits undotted, but the 7th digit tells them apart: in a Kemendagri code it
is the first digit of the village part (1 or 2); in a BPS code it is the last digit of the
3-digit district code (nearly always 0). The two numberings differ, so a BPS code must
never be read as a Kemendagri code.
"""

from __future__ import annotations

import itertools
import math
import numbers
import re
import unicodedata
from dataclasses import dataclass
from typing import Final, Literal

from geo_outreach._errors import Translatable

CodeKind = Literal["kemendagri", "bps", "invalid", "empty"]

KEMENDAGRI_PARTS: Final = (2, 2, 2, 4)
BPS_PARTS: Final = (2, 2, 3, 3)
VILLAGE_CODE_DIGITS: Final = 10
KELURAHAN_DIGIT: Final = "1"
DESA_DIGIT: Final = "2"

VILLAGE_PREFIXES: Final = frozenset({"kalurahan", "kelurahan", "desa", "kel", "kal", "ds"})
"""Words that may precede a village name and are not part of it."""

UNIT_PREFIXES: Final = frozenset({
    "kabupaten", "kab", "kapanewon", "kecamatan", "kec", "kemantren", "kota", "kodya",
    "kotamadya",
})
"""Words that may precede a kapanewon/kecamatan/kemantren or kabupaten/kota name."""

UNIT_SYNONYMS: Final[dict[str, str]] = {
    "jogja": "yogyakarta",
    "jogjakarta": "yogyakarta",
    "yogya": "yogyakarta",
    "jogya": "yogyakarta",
    "djogjakarta": "yogyakarta",
    "ngayogyakarta": "yogyakarta",
}
"""Other spellings of a unit name, by compact key."""

_NOT_A_PREFIX_WHEN_JOINED: Final = frozenset({"kotagede", "kotabaru"})
"""Names that start with a prefix word when written split (``Kota Gede``)."""

_EMPTY_TEXT: Final = frozenset({"", "nan", "none", "null", "-", "na", "n/a", "#n/a"})
_APOSTROPHES: Final = "'\u2018\u2019`"


@dataclass(frozen=True)
class CodeCheck:
    """
    What a code cell turned out to hold.

    Attributes
    ----------
    code
        The dotted Kemendagri village code (``34.04.07.2003``) when recognised, else None.
    kind
        ``"kemendagri"``, ``"bps"`` (a BPS village code: not usable as is),
        ``"invalid"`` (neither) or ``"empty"`` (blank cell).
    reason
        Why, in one sentence, for messages; empty for a valid Kemendagri code. A
        :class:`~geo_outreach._errors.Translatable` English text: its label
        (``problem.part.code.*``) words it in the user's language.
    """

    code: str | None
    kind: CodeKind
    reason: str


def is_blank(value: object) -> bool:
    """
    Tell whether a cell is empty: None, NaN, NA or only whitespace.

    Parameters
    ----------
    value
        A cell as read.

    Returns
    -------
    bool
        True for an empty cell.
    """
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(value != value)  # noqa: PLR0124 - NaN and pd.NA are not equal to themselves
    except TypeError:  # pd.NA refuses bool()
        return True
    except ValueError:  # a list of values (a GeoJSON array property) holds something
        return False


def _reason(label: str, english: str, /, **args: str) -> Translatable:
    """Say why a code is not usable, in English and with its label ``problem.part.code.*``."""
    return Translatable(english, f"problem.part.code.{label}", args)


def _code_text(value: object) -> str | None:
    """Turn a cell into code text, or None when a number cannot be a code."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        return str(int(number)) if number.is_integer() else None
    text = str(value).strip().lstrip(_APOSTROPHES).strip()
    text = re.sub(r"\s+", "", text)
    return re.sub(r"^(\d+)\.0+$", r"\1", text)  # 3404072003.0 from a spreadsheet


def _from_parts(parts: list[str], text: str) -> CodeCheck:
    """Classify a code split into its numeric parts."""
    lengths = tuple(len(part) for part in parts)
    digits = "".join(parts)
    if lengths == KEMENDAGRI_PARTS:
        return _kemendagri_or_invalid(digits, text)
    if lengths == BPS_PARTS:
        return _bps(digits, text)
    if lengths == KEMENDAGRI_PARTS[:3]:
        return CodeCheck(None, "invalid", _reason(
            "district_code", f"'{text}' is a kapanewon/kecamatan code, not a village code (a "
            "village code has 4 parts, e.g. 34.04.07.2003)", text=text))
    if lengths == KEMENDAGRI_PARTS[:2]:
        return CodeCheck(None, "invalid", _reason(
            "regency_code", f"'{text}' is a kabupaten/kota code, not a village code (a village "
            "code has 4 parts, e.g. 34.04.07.2003)", text=text))
    return CodeCheck(None, "invalid", _reason(
        "shape", f"'{text}' does not look like a village code: expected 4 parts of 2, 2, 2 and 4 "
        "digits, e.g. 34.04.07.2003", text=text))


def _kemendagri_or_invalid(digits: str, text: str) -> CodeCheck:
    """Format 10 Kemendagri digits, checking that the village part starts with 1 or 2."""
    village_part = digits[6:]
    if village_part[0] not in (KELURAHAN_DIGIT, DESA_DIGIT):
        return CodeCheck(None, "invalid", _reason(
            "village_digit", f"'{text}' is not a Kemendagri village code: the 4-digit village "
            "part must begin with 1 (kelurahan) or 2 (desa)", text=text))
    dotted = f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{village_part}"
    return CodeCheck(dotted, "kemendagri", "")


def _bps(digits: str, text: str) -> CodeCheck:
    """Describe a BPS village code."""
    dotted = f"{digits[:2]}.{digits[2:4]}.{digits[4:7]}.{digits[7:]}"
    return CodeCheck(None, "bps", _reason(
        "bps", f"'{text}' looks like a BPS village code ({dotted}: kecamatan in 3 digits, desa "
        "in 3), not a Kemendagri code (34.04.07.2003: kecamatan in 2 digits, desa in 4 "
        "beginning with 1 or 2); the two numberings differ, so it cannot be used as is",
        text=text, dotted=dotted))


def normalise_code(value: object) -> CodeCheck:
    """
    Recognise a village code and write it the Kemendagri way.

    Parameters
    ----------
    value
        A code cell as read: ``"34.04.07.2003"``, ``"3404072003"``, ``3404072003``,
        ``3404072003.0`` (a number from Excel), ``"'3404072003"`` (Excel text prefix),
        with or without spaces.

    Returns
    -------
    CodeCheck
        ``code`` is the dotted Kemendagri code when ``kind`` is ``"kemendagri"``. A BPS
        code (``3404070003``, ``34.04.070.003``) gets ``kind="bps"`` and a reason.

    Examples
    --------
    >>> normalise_code(3404072003.0).code
    '34.04.07.2003'
    >>> normalise_code("3404070003").kind
    'bps'
    """
    if is_blank(value):
        return CodeCheck(None, "empty", _reason("blank", "the code is blank"))
    text = _code_text(value)
    if text is None:
        return CodeCheck(None, "invalid", _reason(
            "not_whole", f"'{value}' is not a whole number, so not a code", value=f"{value}"))
    if text.lower() in _EMPTY_TEXT:
        return CodeCheck(None, "empty", _reason("blank", "the code is blank"))
    return _classify(text)


def _undotted_parts(digits: str) -> list[str] | None:
    """Split undotted digits the way their length and 7th digit say, None if no way fits."""
    if len(digits) == VILLAGE_CODE_DIGITS:
        kemendagri = digits[6] in (KELURAHAN_DIGIT, DESA_DIGIT)
        lengths: tuple[int, ...] = KEMENDAGRI_PARTS if kemendagri else BPS_PARTS
    else:
        lengths = {6: KEMENDAGRI_PARTS[:3], 4: KEMENDAGRI_PARTS[:2]}.get(len(digits), ())
    if not lengths:
        return None
    bounds = [sum(lengths[:i]) for i in range(len(lengths) + 1)]
    return [digits[a:b] for a, b in itertools.pairwise(bounds)]


def _classify(text: str) -> CodeCheck:
    """Classify a code written as digits, with or without dots."""
    if re.fullmatch(r"\d([.,]\d+)?[eE]\+?\d+", text):
        return CodeCheck(None, "invalid", _reason(
            "scientific", f"'{text}' is a code that a spreadsheet turned into scientific "
            "notation, losing digits; format the code column as text and type the codes again",
            text=text))
    parts = text.split(".") if "." in text else _undotted_parts(text)
    if not all(part.isdigit() for part in text.split(".")):
        return CodeCheck(None, "invalid", _reason(
            "characters", f"'{text}' has characters other than digits and dots", text=text))
    if parts is None:
        return CodeCheck(None, "invalid", _reason(
            "digit_count", f"'{text}' has {len(text)} digits; a village code has 10 (e.g. "
            "3404072003 or 34.04.07.2003)", text=text, digits=str(len(text))))
    return _from_parts(parts, text)


def _words(text: object) -> list[str]:
    """Lower-case ASCII words of a name, punctuation removed (apostrophes joined)."""
    if is_blank(text):
        return []
    plain = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).lower()
    for mark in _APOSTROPHES:
        plain = plain.replace(mark, "")
    return re.findall(r"[a-z0-9]+", plain)


def _strip_prefixes(words: list[str], prefixes: frozenset[str]) -> list[str]:
    """Drop leading prefix words, always keeping at least one word."""
    while (len(words) > 1 and words[0] in prefixes
           and "".join(words) not in _NOT_A_PREFIX_WHEN_JOINED):
        words = words[1:]
    return words


def normalise_name(text: object) -> str:
    """
    Turn a village name into a compact key for comparison.

    Parameters
    ----------
    text
        A kalurahan/kelurahan/desa name as written, e.g. ``"Kel. Catur Tunggal"``.

    Returns
    -------
    str
        Lower-case letters and digits only, without the prefixes Kalurahan, Kelurahan,
        Desa, Kel., Kal. and Ds.: ``"caturtunggal"``. Empty for a blank cell.

    Examples
    --------
    >>> normalise_name("Desa  Catur-Tunggal") == normalise_name("Caturtunggal")
    True
    """
    return "".join(_strip_prefixes(_words(text), VILLAGE_PREFIXES))


def normalise_unit_name(text: object) -> str:
    """
    Turn a kapanewon/kecamatan/kemantren or kabupaten/kota name into a compact key.

    Parameters
    ----------
    text
        A name as written, e.g. ``"Kabupaten Gunung Kidul"``, ``"Kec. Depok"``,
        ``"Kota Yogyakarta"``.

    Returns
    -------
    str
        Lower-case letters and digits only, without the prefixes Kabupaten, Kab.,
        Kapanewon, Kecamatan, Kec., Kemantren and Kota; the city's other spellings
        (Jogja, Jogjakarta, Yogya) become ``"yogyakarta"``. A name that merely begins
        with "Kota" keeps it: ``"Kota Gede"`` and ``"Kotagede"`` give ``"kotagede"``.

    Examples
    --------
    >>> normalise_unit_name("Kota Yogyakarta") == normalise_unit_name("Yogyakarta")
    True
    """
    key = "".join(_strip_prefixes(_words(text), UNIT_PREFIXES))
    return UNIT_SYNONYMS.get(key, key)
