"""
Write a placement: the sites, what each further site adds, the villages each site reaches.

CSV files keep machine column names (for scripts); ``lokasi_baru.xlsx`` holds the same
tables with headers in the reader's language; ``run.json`` the settings, the solver's
proof (gap, status, seconds per p), the inputs' fingerprints and the totals. Every table
holds aggregates per site and village only; text that could be read as a formula is kept
text (:mod:`geo_outreach.spreadsheet`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

from openpyxl import Workbook

from geo_outreach import __version__
from geo_outreach.atomic import atomic_write
from geo_outreach.privacy import DEFAULT_K
from geo_outreach.spreadsheet import write_csv, write_sheet

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd
    from openpyxl.worksheet.worksheet import Worksheet

    from geo_outreach.analysis.placement import Placement
    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.config import Language
    from geo_outreach.field.mobile_week import MobileWeek

PLACEMENT_FILES: Final = {
    "sites": "lokasi_baru.csv",
    "curve": "tambahan_per_lokasi.csv",
    "site_villages": "lokasi_baru_per_kalurahan.csv",
    "mobile_week": "mobil_keliling.csv",
    "workbook": "lokasi_baru.xlsx",
    "manifest": "run.json",
    "map": "peta_lokasi_baru.html",
}
"""What ``geo-outreach place`` writes (the mobile week only when asked for)."""

HEADERS: Final[dict[str, dict[str, str]]] = {
    "rank": {"id": "Peringkat", "en": "Rank"},
    "site_id": {"id": "ID lokasi", "en": "Site id"},
    "name": {"id": "Nama lokasi", "en": "Site name"},
    "village_code": {"id": "Kode kalurahan", "en": "Village code"},
    "village": {"id": "Kalurahan/kelurahan", "en": "Village"},
    "code": {"id": "Kode kalurahan", "en": "Village code"},
    "district": {"id": "Kapanewon/kemantren", "en": "District"},
    "regency": {"id": "Kabupaten/kota", "en": "Regency"},
    "lat": {"id": "Lintang", "en": "Latitude"},
    "lon": {"id": "Bujur", "en": "Longitude"},
    "newly_covered": {"id": "Pekerja belum terdaftar yang baru terjangkau",
                      "en": "Uncovered workers newly reached"},
    "villages_reached": {"id": "Kalurahan terjangkau", "en": "Villages reached"},
    "distance_basis": {"id": "Jarak diukur", "en": "Distance measured"},
    "served": {"id": "Dapat dilayani (kapasitas)", "en": "Can be served (capacity)"},
    "households": {"id": "Rumah tangga", "en": "Households"},
    "p": {"id": "Jumlah lokasi baru", "en": "New sites"},
    "marginal_gain": {"id": "Tambahan dari lokasi ini", "en": "Added by this site"},
    "share_of_outside": {"id": "Bagian dari pekerja di luar radius",
                         "en": "Share of the workers outside every radius"},
    "coverage_rule_zone": {"id": "Bagian pekerja belum terdaftar di dalam radius",
                           "en": "Share of uncovered workers inside a radius"},
    "proven_optimal": {"id": "Terbukti optimal", "en": "Proven optimal"},
    "gap": {"id": "Selisih terhadap batas atas", "en": "Gap to the bound"},
    "seconds": {"id": "Detik", "en": "Seconds"},
    "site_ids": {"id": "Lokasi terpilih", "en": "Sites chosen"},
    "day": {"id": "Hari", "en": "Day"},
    "date": {"id": "Tanggal", "en": "Date"},
    "workers_reached": {"id": "Pekerja belum terdaftar terjangkau",
                        "en": "Uncovered workers reached"},
    "travel_km": {"id": "Jarak dari titik sebelumnya (km)", "en": "Travel from previous (km)"},
    "travel_estimated": {"id": "Jarak perkiraan (tanpa jaringan jalan)",
                         "en": "Estimated (no road network)"},
}
"""Each column's header in the workbook, per language."""

BASIS_WORDS: Final = {
    "straight": {"id": "garis lurus", "en": "straight line"},
    "road": {"id": "sepanjang jalan", "en": "along the roads"},
    "straight_outside_network": {"id": "garis lurus (di luar jaringan jalan)",
                                 "en": "straight line (outside the road network)"},
}
"""How a site's reach was measured, in words."""

SHEETS: Final = {
    "sites": {"id": "Lokasi baru", "en": "New sites"},
    "curve": {"id": "Tambahan per lokasi", "en": "Gain per site"},
    "site_villages": {"id": "Per kalurahan", "en": "Per village"},
    "mobile_week": {"id": "Mobil keliling", "en": "Mobile unit"},
}


def placement_tables(placement: Placement, week: MobileWeek | None = None
                     ) -> dict[str, pd.DataFrame]:
    """Return the tables a placement writes, machine column names, counts rounded."""
    tables = {"sites": placement.sites, "curve": placement.curve,
              "site_villages": placement.site_villages}
    if week is not None:
        tables["mobile_week"] = week.days
    return {name: _rounded(table) for name, table in tables.items()}


def _rounded(table: pd.DataFrame) -> pd.DataFrame:
    table = _suppressed(table.copy())
    for column in ("newly_covered", "served", "marginal_gain", "workers_reached"):
        if column in table:
            table[column] = table[column].round(0).astype("Int64")
    for column in ("share_of_outside", "coverage_rule_zone"):
        if column in table:
            table[column] = table[column].round(4)
    for column in ("gap", "seconds", "travel_km"):
        if column in table:
            table[column] = table[column].astype(float).round(3 if column != "gap" else 6)
    return table


def _suppressed(table: pd.DataFrame, k: int = DEFAULT_K) -> pd.DataFrame:
    """
    Blank the register's counts of a row with fewer than ``k`` households.

    The disclosure rule of :mod:`geo_outreach.privacy`; ``households`` then reads ``<k``.
    """
    if "households" not in table:
        return table
    small = (table["households"] > 0) & (table["households"] < k)
    for column in ("newly_covered", "served"):
        if column in table:
            table[column] = table[column].astype(float).mask(small)
    table["households"] = table["households"].astype("string").where(~small, f"<{k}")
    return table


def placement_manifest(placement: Placement, result: AnalysisResult,
                       week: MobileWeek | None = None) -> dict[str, object]:
    """
    Describe a placement: settings, inputs, the solver's proof per p, totals.

    Parameters
    ----------
    placement
        The placement.
    result
        The analysis it was made on.
    week
        The mobile unit's week, if planned.

    Returns
    -------
    dict
        JSON-serialisable; written as ``run.json``.
    """
    settings = placement.settings
    demand = placement.demand
    return {
        "tool": "geo-outreach", "version": __version__, "command": "place",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "inputs": result.inputs,
        "settings": {
            "new_sites": settings.new_sites, "candidates": str(settings.candidates),
            "distance": settings.distance, "radius_km": settings.radius_km,
            "capacity": settings.capacity, "source": settings.source,
            "regency": settings.regency, "cell_resolution": settings.cell_resolution,
            "time_limit_s": settings.time_limit_s, "mip_gap": settings.mip_gap,
            "seed": settings.seed, "metric_crs": result.metric_crs,
        },
        "model": {
            "name": "maximal covering location (Church & ReVelle 1974), existing offices "
                    "fixed: the demand they reach is left out",
            "solver": "HiGHS (highspy), after an exact Lagrangian reduction of candidates",
            "coverage": placement.coverage_note,
            "demand_points": len(demand.xy), "candidates": len(placement.candidates.frame),
            "per_p": [{"p": p, "status": s.status, "gap": s.gap, "seconds": round(s.seconds, 3),
                       "model_points": s.points, "model_candidates": s.candidates,
                       "model_covered": round(s.covered, 1), "bound": round(s.bound, 1)}
                      for p, s in enumerate(placement.solutions, start=1)],
            "measured": ("by area, as analyze counts it with the sites added as offices"
                         if settings.source == "table" and settings.distance == "straight"
                         else "on the demand points, each to its nearest new site"),
        },
        "totals": {
            "uncovered_inside_existing_radius": round(demand.inside_total, 1),
            "uncovered_outside_every_radius": round(demand.outside_total, 1),
            "newly_covered": round(placement.newly_covered, 1),
            "source": demand.source,
        },
        "mobile_week": None if week is None else week.manifest(),
    }


def write_placement(placement: Placement, result: AnalysisResult, out_dir: Path, *,
                    lang: Language = "id", week: MobileWeek | None = None) -> list[Path]:
    """
    Write a placement's tables, workbook and run record into a folder.

    Parameters
    ----------
    placement
        The placement (:func:`geo_outreach.analysis.placement.place_sites`).
    result
        The analysis it was made on (inputs for the record).
    out_dir
        The folder (a staging folder: the caller publishes it whole).
    lang
        The workbook's language.
    week
        The mobile unit's week, if planned.

    Returns
    -------
    list of Path
        The files written (:data:`PLACEMENT_FILES` but the map).
    """
    tables = placement_tables(placement, week)
    written = [atomic_write(out_dir / PLACEMENT_FILES[name],
                            lambda p, t=table: write_csv(t, p, encoding="utf-8-sig"))
               for name, table in tables.items()]

    def workbook(path: Path) -> None:
        book = Workbook()
        book.remove(book.active)
        for name, table in tables.items():
            _sheet(book.create_sheet(SHEETS[name][lang]), table, lang,
                   names_villages=name == "site_villages")
        book.save(path)

    written.append(atomic_write(out_dir / PLACEMENT_FILES["workbook"], workbook))
    manifest = json.dumps(placement_manifest(placement, result, week), indent=2,
                          ensure_ascii=False, default=str)
    written.append(atomic_write(out_dir / PLACEMENT_FILES["manifest"],
                                lambda p: p.write_text(manifest + "\n", encoding="utf-8")))
    return written


def _sheet(sheet: Worksheet, table: pd.DataFrame, lang: Language, *,
           names_villages: bool = False) -> None:
    """Write one table on a worksheet, headers in ``lang``; formula-like text stays text.

    ``names_villages``: the table's ``name`` is a village's (the per-village table).
    """
    worded = table.copy()
    if "distance_basis" in worded:
        worded["distance_basis"] = worded["distance_basis"].map(
            lambda b: BASIS_WORDS.get(str(b), {}).get(lang, str(b)))
    headers = {**HEADERS, "name": HEADERS["village"]} if names_villages else HEADERS
    write_sheet(sheet, worded, headers={column: words[lang] for column, words in headers.items()
                                        if lang in words})
