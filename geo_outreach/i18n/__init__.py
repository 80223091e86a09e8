"""
Labels for the app, the CLI and the maps, in Bahasa Indonesia (default) and English.

The texts are data, TOML files beside this module: one per language (``id.toml``,
``en.toml``) and, for a topic with many texts of its own, a pair ``id.<topic>.toml``
and ``en.<topic>.toml`` holding only ``[labels]``. :data:`LABELS` holds every
user-facing text under a key, in both languages; :func:`t` looks one up and fills in its
placeholders; :data:`GLOSSARY` explains the terms users meet (cakupan, angkatan kerja,
kapanewon, KCP ...);
:func:`value_label` puts coded table cells into words (yes/no, match statuses ...). The number
formatters write ``1.234.567`` and ``12,5%`` in Indonesian and ``1,234,567`` and
``12.5%`` in English. :func:`words` writes a
:class:`~geo_outreach._errors.Translatable` text (a part of a problem's message, a match
report's note) in either language; :mod:`geo_outreach.i18n.problem_text` writes whole
problems and errors.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Final, get_args

from geo_outreach._errors import Measure, MessageArg, Translatable
from geo_outreach.config import Language

if TYPE_CHECKING:
    from collections.abc import Iterable

LANGUAGES: Final[tuple[Language, ...]] = get_args(Language)
"""The supported languages, default first: ``("id", "en")``."""

LANGUAGE_NAMES: Final[dict[Language, str]] = {"id": "Bahasa Indonesia", "en": "English"}

MISSING_VALUE: Final = "—"
"""Shown for a number that does not exist (no data, or nothing to divide by)."""

LABEL_FILES: Final = {lang: Path(__file__).with_name(f"{lang}.toml") for lang in LANGUAGES}
"""One TOML file per language, each with a ``[labels]`` and a ``[glossary]`` table."""

TOPIC_FILES: Final = {lang: sorted(Path(__file__).parent.glob(f"{lang}.*.toml"))
                      for lang in LANGUAGES}
"""Per language, the topic files (``id.progress.toml`` ...): more ``[labels]``, no glossary."""


def _load_texts() -> tuple[dict[str, dict[Language, str]], dict[str, dict[Language, str]]]:
    """Read every language's file into key → language → text (labels, glossary)."""
    labels: dict[str, dict[Language, str]] = {}
    terms: dict[str, dict[Language, str]] = {}
    for lang, path in LABEL_FILES.items():
        for file in (path, *TOPIC_FILES[lang]):
            with file.open("rb") as handle:
                texts = tomllib.load(handle)
            for key, text in texts["labels"].items():
                if lang in labels.get(key, {}):
                    raise ValueError(f"label {key!r} is defined twice for {lang} ({file.name})")
                labels.setdefault(key, {})[lang] = text
            for term, text in texts.get("glossary", {}).items():
                terms.setdefault(term, {})[lang] = text
    return labels, terms


LABELS, GLOSSARY = _load_texts()
"""Every user-facing text: key → language → text, with ``{placeholders}`` for :func:`t`;
and short explanations of the domain terms, term → language → text."""


def t(key: str, lang: Language = "id", **fmt: object) -> str:
    """
    Look up a label and fill in its placeholders.

    Parameters
    ----------
    key
        A key of :data:`LABELS`, e.g. ``"tab.map"``.
    lang
        ``"id"`` (Bahasa Indonesia) or ``"en"``.
    **fmt
        Values for the label's ``{placeholders}``.

    Returns
    -------
    str
        The label in ``lang``.

    Raises
    ------
    KeyError
        For an unknown key or language (a programming error, not a user one).

    Examples
    --------
    >>> t("note.target", "en", target="40%")
    'Coverage target: 40%'
    """
    _check_language(lang)
    if key not in LABELS:
        raise KeyError(f"no label {key!r}; add it to geo_outreach/i18n/id.toml and en.toml")
    text = LABELS[key][lang]
    return text.format(**fmt) if fmt else text


def words(text: object, lang: Language = "id") -> str:
    """
    Write a message, or a part of one, in a language.

    Parameters
    ----------
    text
        A :class:`~geo_outreach._errors.Translatable` (written from its label, its
        arguments in ``lang`` too), a :class:`~geo_outreach._errors.Measure` (with the
        language's separators), or anything else (written as it is).
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    str
        The text in ``lang``.

    Raises
    ------
    KeyError
        When the text names a label that does not exist, or lacks one of its arguments.

    Examples
    --------
    >>> words(Translatable("rows 3, 4", "problem.part.rows.many", {"rows": "3, 4"}))
    'baris 3, 4'
    """
    if isinstance(text, Translatable) and text.key is not None:
        return t(text.key, lang, **{name: words(value, lang) for name, value in text.args.items()})
    if isinstance(text, Measure):
        return format_number(text.value, lang, decimals=text.decimals)
    return str(text)


def phrase(key: str, /, **args: MessageArg) -> Translatable:
    """
    Take a label as a part of a message: its English text, ready for any language.

    Parameters
    ----------
    key
        A key of :data:`LABELS`, e.g. ``"upload.what.participation"``.
    **args
        Values for the label's placeholders.

    Returns
    -------
    Translatable
        The label in English, with its key and arguments.
    """
    return Translatable(words(Translatable("", key, args), "en"), key, args)


def has_label(key: str) -> bool:
    """
    Tell whether a label exists.

    Parameters
    ----------
    key
        A candidate key of :data:`LABELS`.

    Returns
    -------
    bool
        True when :func:`t` knows ``key``.
    """
    return key in LABELS


def column_labels(
    columns: Iterable[str], lang: Language = "id", *, table: str | None = None
) -> dict[str, str]:
    """
    Map machine column names to display headers.

    Parameters
    ----------
    columns
        Column names, e.g. those of :data:`geo_outreach.inputs.schema.VILLAGE_OUTPUT_COLUMNS`.
    lang
        ``"id"`` or ``"en"``.
    table
        ``"villages"``, ``"offices"`` or ``"priority"`` to prefer that table's own header
        where one exists (``name`` is "Kalurahan/kelurahan" for villages, "Kantor" for
        offices).

    Returns
    -------
    dict[str, str]
        Each column to its header; a column without a label keeps its own name.

    Examples
    --------
    >>> column_labels(["coverage", "extra"], "en")
    {'coverage': 'Coverage', 'extra': 'extra'}
    """
    _check_language(lang)
    labels = {}
    for column in columns:
        keys = ([f"col.{table}.{column}"] if table else []) + [f"col.{column}"]
        found = next((key for key in keys if key in LABELS), None)
        labels[column] = LABELS[found][lang] if found else column
    return labels


VALUE_KEY_PREFIXES: Final[dict[str, str]] = {"office_type": "office_type",
                                             "denominator": "denominator"}
"""Columns whose values are labelled under their own prefix; any other column ``c`` has
its values under ``value.c.<value>`` (e.g. ``value.status.fuzzy``)."""


def value_label(column: str, value: object, lang: Language = "id") -> object:
    """
    Put one table cell into words: a yes/no, or a code such as a match status.

    Parameters
    ----------
    column
        The cell's column (machine name), e.g. ``"status"`` or ``"reach_method"``.
    value
        The cell.
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    object
        ``"Ya"``/``"Tidak"`` (``"Yes"``/``"No"``) for a boolean, the label of a known code,
        a :class:`~geo_outreach._errors.Translatable` text (a match report's note) in
        ``lang``, else ``value`` unchanged (names, numbers, free text).

    Examples
    --------
    >>> value_label("status", "fuzzy", "en")
    'similar name, check it'
    >>> value_label("has_data", True)
    'Ya'
    >>> value_label("name", "Caturtunggal")
    'Caturtunggal'
    """
    _check_language(lang)
    if _is_boolean(value):
        return LABELS["value.true" if value else "value.false"][lang]
    if isinstance(value, Translatable) and value.key is not None:  # a match report's note
        try:
            return words(value, lang)
        except KeyError:
            return value
    if not isinstance(value, str):
        return value
    key = f"{VALUE_KEY_PREFIXES.get(column, f'value.{column}')}.{value}"
    return LABELS[key][lang] if key in LABELS else value


def _is_boolean(value: object) -> bool:
    """Tell whether a cell is a Python or NumPy boolean."""
    return isinstance(value, bool) or getattr(getattr(value, "dtype", None), "kind", "") == "b"


def glossary(lang: Language = "id") -> dict[str, str]:
    """
    Return the glossary in one language.

    Parameters
    ----------
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    dict[str, str]
        Term → explanation.
    """
    _check_language(lang)
    return {term: texts[lang] for term, texts in GLOSSARY.items()}


def format_number(value: object, lang: Language = "id", *, decimals: int = 0) -> str:
    """
    Write a number with the language's separators.

    Parameters
    ----------
    value
        A number; None and NaN give :data:`MISSING_VALUE`.
    lang
        ``"id"``: ``1.234.567,8``; ``"en"``: ``1,234,567.8``.
    decimals
        Digits after the decimal separator.

    Returns
    -------
    str
        The formatted number.

    Examples
    --------
    >>> format_number(1234567.891, "id", decimals=1)
    '1.234.567,9'
    """
    _check_language(lang)
    number = _as_float(value)
    if number is None:
        return MISSING_VALUE
    text = f"{number:,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]  # no "-0"
    if lang == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def format_percent(fraction: object, lang: Language = "id", *, decimals: int = 1) -> str:
    """
    Write a fraction as a percentage.

    Parameters
    ----------
    fraction
        0.253 for 25.3 %; None and NaN give :data:`MISSING_VALUE`.
    lang
        ``"id"`` or ``"en"``.
    decimals
        Digits after the decimal separator.

    Returns
    -------
    str
        ``"25,3%"`` in Indonesian, ``"25.3%"`` in English.
    """
    number = _as_float(fraction)
    if number is None:
        return MISSING_VALUE
    return f"{format_number(number * 100, lang, decimals=decimals)}%"


def format_gap(gap: object, lang: Language = "id", *, decimals: int = 1) -> str:
    """
    Describe a gap to the target in percentage points.

    Parameters
    ----------
    gap
        Target minus coverage as a fraction (positive below the target).
    lang
        ``"id"`` or ``"en"``.
    decimals
        Digits after the decimal separator.

    Returns
    -------
    str
        E.g. ``"12,5 poin persen di bawah target"``.
    """
    number = _as_float(gap)
    if number is None:
        return MISSING_VALUE
    if round(abs(number) * 100, decimals) == 0:
        return t("map.gap_none", lang)
    points = format_number(abs(number) * 100, lang, decimals=decimals)
    return t("map.gap_below" if number > 0 else "map.gap_above", lang, points=points)


def format_km(value: object, lang: Language = "id", *, decimals: int = 1) -> str:
    """
    Write a distance or radius in kilometres, e.g. ``"5 km"`` or ``"2,5 km"``.

    Parameters
    ----------
    value
        Kilometres; None and NaN give :data:`MISSING_VALUE`.
    lang
        ``"id"`` or ``"en"``.
    decimals
        Maximum digits after the decimal separator; trailing zeros are dropped.

    Returns
    -------
    str
        The distance with its unit.
    """
    number = _as_float(value)
    if number is None:
        return MISSING_VALUE
    text = format_number(number, lang, decimals=decimals)
    separator = "," if lang == "id" else "."
    if separator in text:
        text = text.rstrip("0").rstrip(separator)
    return t("map.distance_km", lang, distance=text)


def _as_float(value: object) -> float | None:
    """Return ``value`` as a finite float, or None for None, NaN, NA and text."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _check_language(lang: str) -> None:
    """Refuse a language the labels do not have."""
    if lang not in LANGUAGES:
        raise KeyError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
