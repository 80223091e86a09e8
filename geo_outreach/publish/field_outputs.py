"""
Write the field report: per team and week, per village, per stop, field against snapshots.

CSV files keep machine column names (for scripts); ``laporan_lapangan.xlsx`` holds the same
tables with headers in the reader's language; ``laporan_lapangan.json`` the totals and
where they come from. These files stay with the branch: the stop table holds the planned
stops' points (never a household's), and no name, NIK or phone is ever recorded.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

import numpy as np
from openpyxl import Workbook

from geo_outreach import __version__
from geo_outreach.atomic import atomic_write
from geo_outreach.outcome_codes import OUTCOME_LABELS, OUTCOMES
from geo_outreach.publish.progress_outputs import sheet_table
from geo_outreach.spreadsheet import write_csv

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

    from geo_outreach.config import Language
    from geo_outreach.field.outcome_report import FieldReport

FIELD_FILES: Final = {
    "team_weeks": "laporan_tim_mingguan.csv",
    "villages": "hasil_per_kalurahan.csv",
    "stops": "status_titik.csv",
    "against_snapshots": "lapangan_vs_snapshot.csv",
    "workbook": "laporan_lapangan.xlsx",
    "manifest": "laporan_lapangan.json",
}
"""What :func:`write_field_report` writes (the map is written beside them by the caller)."""

STOP_COLUMNS: Final = ("plan_id", "stop_id", "team", "day", "planned_on", "code", "village",
                       "label", "households", "status", "come_back_on", "week", *OUTCOMES,
                       "lat", "lon")

HEADERS: Final[dict[str, dict[Language, str]]] = {
    "week": {"id": "Minggu mulai (Senin)", "en": "Week from (Monday)"},
    "team": {"id": "Tim", "en": "Team"},
    "days_out": {"id": "Hari di lapangan", "en": "Days in the field"},
    "submissions": {"id": "Isian", "en": "Submissions"},
    "households_visited": {"id": "Rumah tangga dikunjungi", "en": "Households visited"},
    "registered_households": {"id": "Rumah tangga terdaftar", "en": "Households registered"},
    "workers_registered": {"id": "Pekerja terdaftar", "en": "Workers registered"},
    "registered_share": {"id": "Bagian kunjungan yang mendaftar",
                         "en": "Share of visits that registered"},
    "gps_look": {"id": "GPS perlu dilihat", "en": "GPS to look at"},
    "gps_flagged": {"id": "GPS ditandai", "en": "GPS flagged"},
    "gps_no_point": {"id": "Tanpa titik GPS", "en": "No GPS point"},
    "field_min": {"id": "Waktu di lapangan (menit)", "en": "Time in the field (min)"},
    "planned_min": {"id": "Waktu direncanakan (menit)", "en": "Time planned (min)"},
    "field_vs_plan": {"id": "Lapangan ÷ rencana", "en": "Field ÷ plan"},
    "code": {"id": "Kode wilayah", "en": "Village code"},
    "village": {"id": "Kalurahan", "en": "Village"},
    "plan_id": {"id": "Rencana", "en": "Plan"},
    "stop_id": {"id": "Kode titik", "en": "Stop code"},
    "day": {"id": "Hari ke-", "en": "Day"},
    "planned_on": {"id": "Tanggal rencana", "en": "Planned date"},
    "label": {"id": "Titik", "en": "Stop"},
    "households": {"id": "Rumah tangga direncanakan", "en": "Households planned"},
    "status": {"id": "Status", "en": "Status"},
    "come_back_on": {"id": "Kembali lagi", "en": "Come back on"},
    "lat": {"id": "Lintang", "en": "Latitude"},
    "lon": {"id": "Bujur", "en": "Longitude"},
    "month": {"id": "Bulan", "en": "Month"},
    "field_registered": {"id": "Terdaftar di lapangan", "en": "Registered in the field"},
    "snapshot_increase": {"id": "Kenaikan di data BPJS", "en": "Increase in BPJS data"},
    "field_not_in_snapshot": {"id": "Di lapangan, belum di data BPJS",
                              "en": "In the field, not yet in BPJS data"},
    "snapshot_not_from_field": {"id": "Di data BPJS, bukan dari lapangan",
                                "en": "In BPJS data, not from the field"},
    **{f"{o}_households": OUTCOME_LABELS[o] for o in OUTCOMES},
    **{o: OUTCOME_LABELS[o] for o in OUTCOMES},
}
"""Column headers of the workbook, in Bahasa Indonesia and English."""

SHEETS: Final[dict[str, dict[Language, str]]] = {
    "team_weeks": {"id": "Tim per minggu", "en": "Teams per week"},
    "villages": {"id": "Per kalurahan", "en": "Per village"},
    "stops": {"id": "Status titik", "en": "Stops"},
    "against_snapshots": {"id": "Lapangan vs BPJS", "en": "Field vs BPJS"},
}


def _headed(table: pd.DataFrame, lang: Language) -> pd.DataFrame:
    return table.rename(columns={c: HEADERS[c][lang] for c in table.columns if c in HEADERS})


def _tables(report: FieldReport) -> dict[str, pd.DataFrame]:
    stops = report.stops.reindex(columns=list(STOP_COLUMNS))
    stops["planned_on"] = stops["planned_on"].map(lambda d: d.isoformat() if hasattr(
        d, "isoformat") else (d or ""))
    return {"team_weeks": report.team_weeks, "villages": report.villages, "stops": stops,
            "against_snapshots": report.against_snapshots}


def field_manifest(report: FieldReport) -> dict[str, object]:
    """
    Describe a field report: its plans, totals and method.

    Parameters
    ----------
    report
        The report.

    Returns
    -------
    dict
        JSON-serialisable; written as ``laporan_lapangan.json``.
    """
    weeks = report.team_weeks

    def total(column: str) -> int:
        return int(np.nansum(weeks[column].to_numpy(float))) if len(weeks) else 0

    return {
        "tool": "geo-outreach", "version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "office_id": report.office_id,
        "plans": [str(p) for p in report.plans.get("plan_id", [])],
        "totals": {"submissions": total("submissions"),
                   "households_visited": total("households_visited"),
                   "households_registered": total("registered_households"),
                   "workers_registered": total("workers_registered"),
                   "gps_flagged": total("gps_flagged"), "gps_look": total("gps_look"),
                   "stops": {str(k): int(v) for k, v in
                             report.stops["status"].value_counts().items()}},
        "method": {
            "weeks": "ISO weeks, Monday to Sunday, by the visit's date",
            "team": "as recorded on the form, else the team the stop was planned for",
            "field_min": "per team and day, the first form opened to the last finished",
            "registered_share": "households registered / households visited",
            "provisional": "registrations count as participants, marked provisional, until "
                           "the monthly snapshot after their visit is stored",
        },
    }


def write_field_report(report: FieldReport, out_dir: Path, *, lang: Language = "id"
                       ) -> list[Path]:
    """
    Write the field report's tables, workbook and manifest into a folder.

    Parameters
    ----------
    report
        The report (:func:`geo_outreach.field.outcome_report.field_report`).
    out_dir
        The folder (a staging folder: the caller publishes it whole).
    lang
        The workbook's language.

    Returns
    -------
    list of Path
        The files written (:data:`FIELD_FILES` but the map).
    """
    tables = _tables(report)
    written = [atomic_write(out_dir / FIELD_FILES[name],
                            lambda p, t=table: write_csv(t, p, encoding="utf-8-sig"))
               for name, table in tables.items()]

    def workbook(path: Path) -> None:
        book = Workbook()
        book.remove(book.active)
        for name, table in tables.items():
            sheet_table(book.create_sheet(SHEETS[name][lang]), _headed(table, lang), lang)
        book.save(path)

    written.append(atomic_write(out_dir / FIELD_FILES["workbook"], workbook))
    manifest = json.dumps(field_manifest(report), indent=2, ensure_ascii=False)
    written.append(atomic_write(out_dir / FIELD_FILES["manifest"],
                                lambda p: p.write_text(manifest + "\n", encoding="utf-8")))
    return written
