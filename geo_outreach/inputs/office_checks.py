"""Office checks: coordinates inside the study area, lat/lon swaps, types and duplicates."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely import STRtree

from geo_outreach._errors import Measure
from geo_outreach.inputs.cells import cell_problem, parse_coordinate, text_series
from geo_outreach.inputs.codes import is_blank
from geo_outreach.inputs.columns import InputTable, cell_text, describe_rows
from geo_outreach.inputs.schema import OFFICE_TYPES, normalise_header
from geo_outreach.inputs.wording import part

if TYPE_CHECKING:
    from geo_outreach._errors import Problem

OFFICE_COLUMNS: Final = ("office_id", "name", "office_type", "approximate", "location_note",
                         "lat", "lon")
"""The columns of the validated office layer, before ``geometry``."""

MAX_LATITUDE: Final = 90.0
MAX_LONGITUDE: Final = 180.0
METRES_PER_KM: Final = 1000.0

_OFFICE_TYPE_WORDS: Final[dict[str, str]] = {
    "kc": "KC", "kantor_cabang": "KC", "cabang": "KC", "branch": "KC",
    "kcp": "KCP", "kantor_cabang_perintis": "KCP", "perintis": "KCP",
    "kantor_cabang_pembantu": "KCP",
    "unknown": "unknown", "tidak_diketahui": "unknown", "belum_diketahui": "unknown",
}
_TRUE_WORDS: Final = frozenset({"true", "ya", "yes", "y", "1", "benar", "b", "perkiraan",
                                "approx", "approximate", "kira_kira"})
_FALSE_WORDS: Final = frozenset({"false", "tidak", "no", "n", "0", "salah", "s", "tepat",
                                 "exact", "pasti"})

ON_BORDER_M: Final = 50.0
"""An office this close to the study area stands on its border (coordinates given to four
decimals are already 11 m apart): no warning that it lies "0.0 km outside"."""


# --- offices ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _StudyArea:
    """The study area's villages in their UTM zone, to measure how far a point lies from it.

    The distance to the area is the distance to its nearest village (an STR tree query):
    the same as to the villages' union, without building the union (0.4 s for DIY).
    """

    villages: STRtree
    crs: object
    centre: str  # "lat -7.9, lon 110.4", for messages

    @classmethod
    def of(cls, villages: gpd.GeoDataFrame) -> _StudyArea | None:
        """Index the villages in their UTM zone; None without CRS or villages."""
        if villages.crs is None or villages.empty:
            return None
        crs = villages.estimate_utm_crs()
        west, south, east, north = villages.to_crs("EPSG:4326").total_bounds
        centre = f"lat {(south + north) / 2:.1f}, lon {(west + east) / 2:.1f}"
        return cls(STRtree(villages.to_crs(crs).geometry.to_numpy()), crs, centre)

    def distance_m(self, lon: float, lat: float) -> float:
        """Metres from a lon/lat point to the area; inf for impossible coordinates."""
        if not (abs(lat) <= MAX_LATITUDE and abs(lon) <= MAX_LONGITUDE):
            return math.inf
        point = gpd.GeoSeries([shapely.Point(lon, lat)], crs="EPSG:4326").to_crs(self.crs)
        _, distances = self.villages.query_nearest(point.iloc[0], return_distance=True)
        distance = float(distances.min()) if len(distances) else math.inf
        return distance if math.isfinite(distance) else math.inf


def _coordinate(table: InputTable, row: object, column: str
                ) -> tuple[float | None, list[Problem]]:
    """Parse one coordinate cell, with the problem when it is blank or not a number."""
    cell = table.data.loc[row, column]
    parsed = parse_coordinate(cell)
    label = _coordinate_name(column)
    example = "-7.78305" if column == "lat" else "110.38344"
    if parsed.status == "blank":
        return None, [cell_problem(table, row, column, None, f"the {label} is blank",
                                   f"fill in the office's {label} in decimal degrees (e.g. "
                                   f"{example})", key="offices.coordinate_blank",
                                   args={"label": label, "example": example})]
    if parsed.status == "text":
        return None, [cell_problem(table, row, column, cell, f"the {label} is not a number",
                                   "write decimal degrees such as -7.78305 (not degrees-minutes-"
                                   "seconds; in Google Maps, right-click the place to copy them)",
                                   key="offices.coordinate_not_number", args={"label": label})]
    return parsed.value, []


def _coordinate_name(column: str) -> str:
    """Name the ``lat`` or ``lon`` column in words: "latitude" or "longitude"."""
    return (part("latitude", "latitude") if column == "lat"
            else part("longitude", "longitude"))


def _location_problems(table: InputTable, row: object, lat: float, lon: float, *,
                       area: _StudyArea | None, radius_km: float) -> list[Problem]:
    """Check one office's position: range, 0,0, swapped lat/lon, distance to the area."""
    if lat == 0 and lon == 0:
        return [cell_problem(table, row, "lat", "0, 0", "the office is at 0, 0 (in the Atlantic "
                             "Ocean): the coordinates are probably missing",
                             "fill in the office's real lat and lon", key="offices.zero_zero")]
    in_range = abs(lat) <= MAX_LATITUDE and abs(lon) <= MAX_LONGITUDE
    if area is None:
        return [] if in_range else [_range_problem(table, row, lat, lon)]
    radius_m = radius_km * METRES_PER_KM
    given = area.distance_m(lon, lat)
    if given <= ON_BORDER_M:
        return []
    if given <= radius_m:
        return [cell_problem(table, row, "lat", f"{lat:g}, {lon:g}",
                             f"the office lies {given / METRES_PER_KM:.1f} km outside the study "
                             f"area; its {radius_km:g} km radius still reaches into it",
                             "check the coordinates if the office should be inside", "warning",
                             key="offices.outside_within_radius",
                             args={"distance": Measure(given / METRES_PER_KM, 1),
                                   "radius": f"{radius_km:g}"})]
    misread = _misread_problem(table, row, lat, lon, area=area, radius_m=radius_m)
    return [misread or cell_problem(
        table, row, "lat", f"{lat:g}, {lon:g}",
        f"the office lies {given / METRES_PER_KM:,.0f} km from the study area, beyond its "
        f"{radius_km:g} km radius",
        f"check the coordinates (the study area lies around {area.centre}), or remove "
        "offices outside the area", key="offices.far_away",
        args={"distance": Measure(given / METRES_PER_KM), "radius": f"{radius_km:g}",
              "centre": area.centre})]


def _misread_problem(table: InputTable, row: object, lat: float, lon: float, *,
                     area: _StudyArea, radius_m: float) -> Problem | None:
    """Explain a far-away office by swapped lat/lon, a lost minus sign or impossible values."""
    value = f"{lat:g}, {lon:g}"
    if area.distance_m(lat, lon) <= radius_m:
        return cell_problem(table, row, "lat", value, "lat and lon look swapped: exchanged, the "
                            "point falls in the study area",
                            f"swap them: lat {lon:g}, lon {lat:g} (the study area lies around "
                            f"{area.centre})", key="offices.swapped",
                            args={"lat": f"{lon:g}", "lon": f"{lat:g}", "centre": area.centre})
    in_range = abs(lat) <= MAX_LATITUDE and abs(lon) <= MAX_LONGITUDE
    if in_range and area.distance_m(lon, -lat) <= radius_m:
        hemisphere = part("south", "south") if lat > 0 else part("north", "north")
        return cell_problem(table, row, "lat", value,
                            f"the latitude has the wrong sign: the study area is {hemisphere} of "
                            "the equator", f"write lat as {-lat:g}", key="offices.wrong_sign",
                            args={"hemisphere": hemisphere, "lat": f"{-lat:g}"})
    return None if in_range else _range_problem(table, row, lat, lon)


def _range_problem(table: InputTable, row: object, lat: float, lon: float) -> Problem:
    column = "lat" if abs(lat) > MAX_LATITUDE else "lon"
    bound = (part("range.lat", "-90 to 90") if column == "lat"
             else part("range.lon", "-180 to 180"))
    what = _coordinate_name(column)
    return cell_problem(table, row, column, f"{lat:g}, {lon:g}",
                        f"the {what} must be within {bound}",
                        "write decimal degrees, e.g. lat -7.78305, lon 110.38344",
                        key="offices.out_of_range", args={"what": what, "bound": bound})


def _office_type(table: InputTable, row: object) -> tuple[str, list[Problem]]:
    cell = table.data.loc[row, "office_type"] if "office_type" in table.data.columns else None
    if is_blank(cell):
        return "unknown", []
    known = _OFFICE_TYPE_WORDS.get(normalise_header(cell))
    if known:
        return known, []
    return "unknown", [cell_problem(table, row, "office_type", cell,
                                    f"unknown office type; it is treated as 'unknown' (known: "
                                    f"{', '.join(OFFICE_TYPES)})",
                                    "write KC (Kantor Cabang) or KCP (Kantor Cabang Perintis)",
                                    "warning", key="offices.unknown_type",
                                    args={"known": ", ".join(OFFICE_TYPES)})]


def _approximate(table: InputTable, row: object) -> tuple[bool, list[Problem]]:
    cell = table.data.loc[row, "approximate"] if "approximate" in table.data.columns else None
    if is_blank(cell):
        return False, []
    if isinstance(cell, (bool, np.bool_)):
        return bool(cell), []
    word = normalise_header(cell_text(cell))
    if word in _TRUE_WORDS:
        return True, []
    if word in _FALSE_WORDS:
        return False, []
    return True, [cell_problem(table, row, "approximate", cell,
                               "not a yes/no value; the location is treated as approximate",
                               "write True or False (ya/tidak)", "warning",
                               key="offices.approximate_unreadable")]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "-", text.upper()).strip("-")


def _names_and_ids(table: InputTable) -> tuple[pd.Series, pd.Series, list[Problem]]:
    """Office names and ids: ids generated from names when missing; duplicates are errors."""
    data = table.data
    index = data.index
    given_ids = text_series(data["office_id"]) if "office_id" in data else pd.Series(
        None, index=index, dtype="str")
    names = text_series(data["name"]) if "name" in data else pd.Series(None, index=index,
                                                                       dtype="str")
    problems = []
    for row in index[names.isna()]:
        if pd.isna(given_ids[row]):
            column = "name" if "name" in data else "office_id"
            problems.append(cell_problem(table, row, column, None,
                                         "the office has neither a name nor an id",
                                         "fill in the office name, or delete the row",
                                         key="offices.no_identifier"))
        else:
            names[row] = given_ids[row]
    generated = [_slug(n) if isinstance(n, str) and _slug(n) else f"OFFICE-{r}"
                 for r, n in names.items()]
    ids = given_ids.fillna(pd.Series(generated, index=index, dtype="str"))
    ids = ids.where(~ids.duplicated(keep="first") | given_ids.notna(),
                    ids + "-" + pd.Series(index.astype(str), index=index))
    for column, values in (("office_id", given_ids), ("name", names)):
        keys = pd.Series([" ".join(v.lower().split()) if isinstance(v, str) else None
                          for v in values], index=values.index, dtype="str")
        problems += _duplicates(table, column, values, keys)
    return ids, names, problems


def _duplicates(table: InputTable, column: str, values: pd.Series, keys: pd.Series
                ) -> list[Problem]:
    duplicated = keys[keys.notna() & keys.duplicated(keep=False)]
    problems = []
    for _, group in duplicated.groupby(duplicated, sort=False):
        rows = [int(r) for r in group.index]
        field = part(f"office_field.{column}", column)
        problems.append(cell_problem(table, rows[0], column, values[rows[0]],
                                     f"the same office {column} is on {describe_rows(rows)}",
                                     f"give each office its own {column}, "
                                     "or delete the repeated row", key="offices.duplicate",
                                     args={"field": field, "rows": describe_rows(rows)}))
    return problems


def validate_offices(
    table: InputTable, study_area: gpd.GeoDataFrame, *, radius_km: float,
) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """
    Check the office list and turn it into points.

    Parameters
    ----------
    table
        As read by :func:`geo_outreach.inputs.readers.read_offices`.
    study_area
        The villages (any CRS); offices are checked against their outline, measured in
        the area's UTM zone.
    radius_km
        The radius of the reach rule: an office outside the area whose radius still
        reaches it is a warning; one farther away is an error.

    Returns
    -------
    offices
        EPSG:4326 points, indexed by the user's row, columns ``office_id``, ``name``,
        ``office_type`` (KC, KCP or unknown), ``approximate`` (bool), ``location_note``,
        ``lat``, ``lon``, ``geometry``; rows whose coordinates are missing or impossible
        are left out (they have an error).
    problems
        Errors: blank or non-numeric lat/lon, out-of-range values, 0,0, lat and lon
        swapped, a missing minus sign, offices beyond the radius of the area, offices
        without name or id, duplicate ids or names, an empty table. Warnings: how the
        file was read (:attr:`~geo_outreach.inputs.columns.InputTable.notes`), an office outside the
        area within radius of it, unknown office types, unreadable ``approximate`` values.
    """
    area = _StudyArea.of(study_area)
    ids, names, problems = _names_and_ids(table)
    problems = [*table.notes, *problems]
    records = []
    for row in table.data.index:
        lat, lat_problems = _coordinate(table, row, "lat")
        lon, lon_problems = _coordinate(table, row, "lon")
        problems += lat_problems + lon_problems
        office_type, found = _office_type(table, row)
        approximate, more = _approximate(table, row)
        problems += found + more
        if lat is None or lon is None:
            continue
        problems += _location_problems(table, row, lat, lon, area=area,
                                       radius_km=radius_km)
        if abs(lat) <= MAX_LATITUDE and abs(lon) <= MAX_LONGITUDE:
            note = table.data.loc[row, "location_note"] if "location_note" in table.data else None
            records.append({"row": row, "office_id": ids[row], "name": names[row],
                            "office_type": office_type, "approximate": approximate,
                            "location_note": cell_text(note) or "", "lat": lat, "lon": lon})
    if table.data.empty:
        problems.append(cell_problem(table, None, None, None, "the office table has no rows",
                                     "add one row per office: name, office_type, lat, lon",
                                     key="offices.no_rows"))
    frame = pd.DataFrame.from_records(records, columns=["row", *OFFICE_COLUMNS]).set_index("row")
    frame["approximate"] = frame["approximate"].astype(bool)
    for column in ("lat", "lon"):
        frame[column] = frame[column].astype("float64")
    offices = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]),
                               crs="EPSG:4326")
    return offices, problems
