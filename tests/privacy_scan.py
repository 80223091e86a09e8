"""
Scan a shared file's text for household data: ids, names, NIKs, coordinates, small counts.

Used by the share, static-map and map tests on every file meant to leave the machine::

    leaks = household_leaks(page, households) + small_count_leaks(page, result)
    assert not leaks, leaks[:5]

Coordinates count as leaked when a household's latitude and longitude, rounded or cut to
4 to 8 decimals, stand next to each other in the text, in either order (GeoJSON's
``[lon, lat]``, Leaflet's ``[lat, lon]``, ``"lat": .., "lon": ..``), or when one of them
appears alone with 6 or more decimals (the maps round to 5). Four decimals are an 11 m
grid, so a polygon corner can meet a household by chance: scan a small household set
(a few hundred points), not a register of thousands.
"""

from __future__ import annotations

import html
import itertools
import json
import math
import re
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from geo_outreach.analysis.household_reach import prepare_households
from geo_outreach.analysis.pipeline import analyse
from geo_outreach.config import AnalysisParams
from geo_outreach.inputs.prepare import InputPaths, prepare_inputs
from geo_outreach.inputs.synthetic import synthetic_households

if TYPE_CHECKING:
    from pathlib import Path

    from geo_outreach.analysis.result import AnalysisResult

COORDINATE_COLUMNS: Final = ("lat", "lon", "latitude", "longitude", "x", "y")
MIN_TEXT_LENGTH: Final = 6
"""Text values shorter than this (e.g. a ``workers`` count) are not searched for."""
NEAR_CHARS: Final = 40
"""Two numbers at most this far apart are read as one coordinate pair."""

_NUMBER: Final = re.compile(r"(?<![\w.])-?\d{1,3}\.\d{4,}(?![\d])")
_NIK: Final = re.compile(r"(?<![\w.])\d{16}(?!\w)")  # not inside a hex name
_FEATURES: Final = re.compile(r"\{\s*\"(?:type\"\s*:\s*\"FeatureCollection\"\s*,\s*\")?features\"")


def household_leaks(text: str, households: pd.DataFrame, *, decimals: range = range(4, 9),
                    ) -> list[str]:
    """
    List the household ids, names, NIK-like numbers and coordinates found in ``text``.

    Parameters
    ----------
    text
        The shared file's text (an HTML page, text drawn from a PDF, ...).
    households
        The household table given to the analysis: ``lat``/``lon`` plus any text columns
        (ids, names, NIKs, addresses); every text value of 6 or more characters is
        searched for, case-insensitively and HTML-escaped as well.
    decimals
        The precisions a coordinate is looked for at.

    Returns
    -------
    list of str
        One line per leak found; empty when the text is clean.
    """
    leaks = []
    lowered = text.lower()
    for column in households.columns:
        if column.lower() in COORDINATE_COLUMNS or households[column].dtype.kind in "biufc":
            continue
        values = households[column].dropna().astype(str).unique()
        leaks.extend(f"{column} {value!r}" for value in values
                     if len(value) >= MIN_TEXT_LENGTH and (
                         value.lower() in lowered or html.escape(value).lower() in lowered))
    leaks += [f"NIK-like number {match.group()}" for match in _NIK.finditer(text)]
    leaks += _coordinate_leaks(text, households, decimals)
    return leaks


def small_count_leaks(page: str, result: AnalysisResult) -> list[str]:
    """
    List the counts of fewer than ``k`` households that a map page shows as numbers.

    Parameters
    ----------
    page
        A folium map page (its GeoJSON layers are read).
    result
        The analysis the page was drawn from, with its exact (unsuppressed) counts.

    Returns
    -------
    list of str
        One line per H3 cell or village that shows a suppressed count as a number.
    """
    summary = result.household_summary or {}
    k = int(summary.get("min_cell_households", 10))  # type: ignore[call-overload]
    villages = result.villages.set_index("code") if "code" in result.villages else None
    leaks = []
    for feature in _features(page):
        properties = feature.get("properties", {})
        if "households" in properties:  # an H3 cell
            shown = _number(properties["households"])
            if shown is not None and shown < k:
                leaks.append(f"cell shows {shown:g} households (< {k})")
            if shown is None and _number(properties.get("uncovered")) is not None:
                leaks.append(f"hidden cell shows {properties['uncovered']} uncovered")
        elif villages is not None and properties.get("code") in villages.index:
            exact = villages.loc[properties["code"]]
            within = exact.get("households_within_radius")
            counted = exact.get("reach_method") == "household_points"
            small = within is not None and not _missing(within) and 0 < within < k
            if counted and small and _number(properties.get("uncovered_in")) is not None:
                leaks.append(f"village {properties['code']} ({within:.0f} households) shows "
                             f"{properties['uncovered_in']} uncovered inside the radius")
    return leaks


def small_register(folder: Path) -> tuple[AnalysisResult, pd.DataFrame]:
    """
    Analyse the bundled data with a small household register, as a branch might bring it.

    300 households spread thinly over DIY (most villages and H3 cells hold fewer than
    k) and a cluster of 40 beside the first office (one cell above k), each with an id,
    a name, a NIK and an address that are easy to search for.

    Parameters
    ----------
    folder
        Where the register is written as ``rumah_tangga.csv``.

    Returns
    -------
    tuple
        The analysis result and the register as given to it.
    """
    prepared = prepare_inputs(InputPaths())
    spread = synthetic_households(prepared.villages, 300, seed=5)
    office = prepared.offices.geometry.iloc[0]
    rng = np.random.default_rng(7)
    cluster = pd.DataFrame({
        "lat": office.y + 0.004 + rng.uniform(-0.0004, 0.0004, 40),
        "lon": office.x + 0.004 + rng.uniform(-0.0004, 0.0004, 40),
        "workers": rng.integers(1, 4, 40), "registered": 0})
    table = pd.concat([spread.drop(columns="id"), cluster], ignore_index=True)
    table.insert(0, "id", [f"KK-RAHASIA-{i:05d}" for i in range(len(table))])
    table["nama_kepala_keluarga"] = [f"Warga Rahasia {i:05d}" for i in range(len(table))]
    table["nik"] = [f"34040{i:011d}" for i in range(len(table))]
    table["alamat"] = [f"Jl. Kenanga Rahasia No. {i}" for i in range(len(table))]
    path = folder / "rumah_tangga.csv"
    table.to_csv(path, index=False)
    households = prepare_households(prepared, path)
    return analyse(prepared, AnalysisParams(), households=households), table


# --- helpers ------------------------------------------------------------------------------
def _coordinate_leaks(text: str, households: pd.DataFrame, decimals: range) -> list[str]:
    lat_column = next(c for c in households.columns if c.lower() in ("lat", "latitude", "y"))
    lon_column = next(c for c in households.columns if c.lower() in ("lon", "longitude", "x"))
    pairs: dict[tuple[str, str], int] = {}
    singles: dict[str, int] = {}
    for row, (lat, lon) in enumerate(zip(households[lat_column], households[lon_column],
                                         strict=True)):
        for places in decimals:
            for lat_text in _forms(float(lat), places):
                for lon_text in _forms(float(lon), places):
                    pairs[(lat_text, lon_text)] = row
                    pairs[(lon_text, lat_text)] = row
            if places >= 6:  # the maps round to 5 decimals
                for value in (lat, lon):
                    for form in _forms(float(value), places):
                        singles[form] = row
    numbers = [(m.start(), m.end(), _strip(m.group())) for m in _NUMBER.finditer(text)]
    leaks = [f"household row {singles[number]}: coordinate {number}"
             for _, _, number in numbers
             if number in singles and len(number.partition(".")[2]) >= 6]
    for (_, end, first), (start, _, second) in itertools.pairwise(numbers):
        if start - end <= NEAR_CHARS and (first, second) in pairs:
            leaks.append(f"household row {pairs[(first, second)]}: pair {first}, {second}")
    return leaks


def _forms(value: float, places: int) -> set[str]:
    """The value rounded and cut to ``places`` decimals, trailing zeros dropped."""
    scale = 10 ** places
    cut = math.trunc(value * scale) / scale
    return {_strip(f"{value:.{places}f}"), _strip(f"{cut:.{places}f}")}


def _strip(number: str) -> str:
    return number.rstrip("0").rstrip(".") if "." in number else number


def _features(page: str) -> list[dict]:
    decoder = json.JSONDecoder()
    features = []
    for match in _FEATURES.finditer(page):
        try:
            collection, _ = decoder.raw_decode(page, match.start())
        except json.JSONDecodeError:
            continue
        features += collection.get("features", [])
    return features


def _number(value: object) -> float | None:
    """Read a shown value as a number ("12", "1.234", "3,5"); None for labels like "<10"."""
    text = str(value if value is not None else "").strip()
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", text):  # thousands separators
        return float(re.sub(r"[.,]", "", text))
    if re.fullmatch(r"-?\d+(?:[.,]\d+)?", text):
        return float(text.replace(",", "."))
    return None


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
