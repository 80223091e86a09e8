"""
Field exports shaped as the tools write them, built from a short list of visits, for the tests.

The question names are the form's (:data:`~geo_outreach.outcome_codes.FORM_FIELDS`), some
inside groups (``kunjungan``, ``rumah``) so the exports carry group prefixes as the tools
write them:

* ODK Central (central-backend ``lib/data/briefcase.js``): ``SubmissionDate`` first, the
  questions with their groups joined by ``-``, a geopoint split into ``-Latitude``,
  ``-Longitude``, ``-Altitude``, ``-Accuracy``, then ``meta-instanceID``, ``KEY``,
  ``SubmitterID``, ``SubmitterName``, ``AttachmentsPresent``, ``AttachmentsExpected``,
  ``Status``, ``ReviewState``, ``DeviceID``, ``Edits``, ``FormVersion``; the zip holds
  ``<form>.csv``, a CSV per repeat (``<form>-<repeat>.csv``) and ``media/``. Its GeoJSON
  (``submissions.geojson``, ``lib/model/query/geo-extracts.js``) has only each
  submission's id and point, with ``{"fieldpath": ...}`` as properties.
* KoboToolbox (formpack ``reporting/export.py``): every cell quoted, ``;`` between them,
  groups joined by ``/``; a geopoint as ``lokasi`` (``lat lon alt precision``, without
  its group) and ``<group>/_lokasi_latitude`` ... ``_precision``; then ``meta/instanceID``,
  ``_id``, ``_uuid`` (bare), ``_submission_time``, ``_validation_status`` (its uid),
  ``_notes``, ``_status``, ``_submitted_by``, ``__version__``, ``_tags``, ``_index``. Its
  GeoJSON keeps the form's own questions only (no ``_`` columns, not the geopoint), bare
  names, the choices' labels for select questions, blank answers left out, the point as
  ``[lon, lat, alt]``.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import openpyxl
import pandas as pd

from geo_outreach.field.outcome_checks import RECORD_DTYPES, TEXT_COLUMNS
from geo_outreach.outcome_codes import (
    COME_BACK,
    OUTCOME_LABELS,
    OUTCOMES,
    PAPER_COLUMNS,
    PAPER_PLAN_LINE,
    RECORD_COLUMNS,
    REGISTERED,
    SEGMENT_LABELS,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

PLAN_ID = "KC-TEST-20261207-0800-abcd"
FORM = "kunjungan_bpjs"
GROUPS = {"tim": "kunjungan", "titik": "kunjungan", "tanggal_kunjungan": "kunjungan",
          "hasil": "kunjungan", "tanggal_kembali": "kunjungan",
          "jumlah_rumah_tangga": "rumah", "pekerja_di_rumah": "rumah",
          "pekerja_terdaftar": "rumah", "segmen": "rumah", "lokasi": "kunjungan"}
"""The group each question sits in (the others are at the top of the form)."""
QUESTIONS = ("start", "end", "plan_id", "tim", "titik", "tanggal_kunjungan", "hasil",
             "tanggal_kembali", "jumlah_rumah_tangga", "pekerja_di_rumah",
             "pekerja_terdaftar", "segmen", "lokasi", "catatan")
"""The form's questions, in its order."""
LABELS = {"tim": "Tim", "titik": "Titik kunjungan", "tanggal_kunjungan": "Tanggal kunjungan",
          "hasil": "Hasil kunjungan", "tanggal_kembali": "Tanggal kembali",
          "jumlah_rumah_tangga": "Jumlah rumah tangga", "pekerja_di_rumah": "Pekerja di rumah",
          "pekerja_terdaftar": "Pekerja terdaftar", "segmen": "Segmen", "lokasi": "Lokasi",
          "catatan": "Catatan", "plan_id": "plan_id", "start": "start", "end": "end"}
"""The questions' labels, as a KoboToolbox export with label headers shows them."""
CENTRAL_TAIL = ("meta-instanceID", "KEY", "SubmitterID", "SubmitterName",
                "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState",
                "DeviceID", "Edits", "FormVersion")
KOBO_TAIL = ("meta/instanceID", "_id", "_uuid", "_submission_time", "_validation_status",
             "_notes", "_status", "_submitted_by", "__version__", "_tags", "_index")


@dataclass(frozen=True)
class Visit:
    """One door: what the canvasser entered, as the canonical record has it."""

    submission_id: str
    stop_id: str
    outcome: str
    visited_on: str = "2026-12-07"
    plan_id: str = PLAN_ID
    team: int | None = 1
    come_back_on: str = ""
    households: int = 1
    workers_living: int | None = None
    workers_registered: int = 0
    segment: str = ""
    lat: float | None = -7.8
    lon: float | None = 110.36
    altitude: float = 112.5
    accuracy_m: float | None = 4.5
    started_at: str = "2026-12-07T09:15:00+07:00"
    ended_at: str = "2026-12-07T09:20:00+07:00"
    note: str = ""
    review: str = ""  # Central ReviewState / Kobo _validation_status uid


def uuid(number: int) -> str:
    """A version-4-shaped UUID, with the ``uuid:`` prefix instance ids have."""
    return f"uuid:{number:08x}-0000-4000-8000-{number:012x}"


def sample_visits() -> list[Visit]:
    """Five doors at three stops over two days: every kind of answer once."""
    return [
        Visit(uuid(1), "34.71.01.1001-01", REGISTERED, workers_living=3, workers_registered=2,
              segment="bpu", note="warung, buka pagi"),
        Visit(uuid(2), "34.71.01.1001-01", "menolak", households=2, lat=-7.8003,
              lon=110.3602, accuracy_m=None),
        Visit(uuid(3), "34.71.01.1002-02", COME_BACK, come_back_on="2026-12-10", team=2,
              lat=None, lon=None, note='kata "besok"'),
        Visit(uuid(4), "34.71.02.1003-01", "tidak_di_rumah", visited_on="2026-12-08",
              team=None, workers_living=0),
        Visit(uuid(5), "34.71.02.1003-01", REGISTERED, visited_on="2026-12-08",
              workers_registered=1, segment="jakon", lat=-7.81234567, lon=110.37654321),
    ]


# --- the answers ---------------------------------------------------------------------


def _point(visit: Visit) -> tuple[object, ...]:
    if visit.lat is None or visit.lon is None:
        return ("", "", "", "")
    return (repr(visit.lat), repr(visit.lon), repr(visit.altitude),
            "" if visit.accuracy_m is None else repr(visit.accuracy_m))


def _stamp(text: str) -> str:
    """A time as the tools write it: milliseconds and the phone's offset."""
    return text.replace("+", ".000+") if text else ""


def answers(visit: Visit) -> dict[str, str]:
    """Each question's value as the XForm instance holds it (choice names, ISO dates)."""
    registered = visit.outcome == REGISTERED
    return {"start": _stamp(visit.started_at), "end": _stamp(visit.ended_at),
            "plan_id": visit.plan_id, "tim": "" if visit.team is None else str(visit.team),
            "titik": visit.stop_id, "tanggal_kunjungan": visit.visited_on,
            "hasil": visit.outcome, "tanggal_kembali": visit.come_back_on,
            "jumlah_rumah_tangga": str(visit.households),
            "pekerja_di_rumah": "" if visit.workers_living is None else str(
                visit.workers_living),
            "pekerja_terdaftar": str(visit.workers_registered) if registered else "",
            "segmen": visit.segment, "lokasi": " ".join(p for p in _point(visit) if p),
            "catatan": visit.note}


# --- ODK Central ---------------------------------------------------------------------


def central_header() -> list[str]:
    """The submissions CSV's header, as ODK Central writes it for this form."""
    header = ["SubmissionDate"]
    for name in QUESTIONS:
        path = f"{GROUPS[name]}-{name}" if name in GROUPS else name
        if name == "lokasi":
            header += [f"{path}-{part}" for part in ("Latitude", "Longitude", "Altitude",
                                                     "Accuracy")]
        else:
            header.append(path)
    return [*header, *CENTRAL_TAIL]


def central_rows(visits: Iterable[Visit]) -> list[dict[str, object]]:
    """One dict per submission, by :func:`central_header`."""
    rows = []
    for number, visit in enumerate(visits, start=1):
        given = answers(visit)
        row: dict[str, object] = {"SubmissionDate": "2026-12-07T12:00:00.000Z"}
        for name in QUESTIONS:
            path = f"{GROUPS[name]}-{name}" if name in GROUPS else name
            if name == "lokasi":
                row |= dict(zip([f"{path}-{p}" for p in ("Latitude", "Longitude", "Altitude",
                                                          "Accuracy")], _point(visit),
                                strict=True))
            else:
                row[path] = given[name]
        row |= {"meta-instanceID": visit.submission_id, "KEY": visit.submission_id,
                "SubmitterID": "7", "SubmitterName": f"Tim {visit.team or 1}",
                "AttachmentsPresent": "0", "AttachmentsExpected": "0", "Status": "",
                "ReviewState": visit.review, "DeviceID": f"collect:{number}", "Edits": "0",
                "FormVersion": "2026120701"}
        rows.append(row)
    return rows


def write_csv(path: Path, header: Sequence[str], rows: Iterable[dict[str, object]], *,
              delimiter: str = ",", quote_all: bool = False, encoding: str = "utf-8",
              first_line: str | None = None) -> Path:
    """Write rows under a header (``first_line`` above it, as the paper template has)."""
    buffer = io.StringIO(newline="")
    if first_line is not None:
        buffer.write(first_line + "\n")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n",
                        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows([row.get(h, "") for h in header] for row in rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def central_csv(visits: Iterable[Visit], path: Path) -> Path:
    """ODK Central's submissions CSV."""
    return write_csv(path, central_header(), central_rows(visits))


def central_zip(visits: Iterable[Visit], path: Path) -> Path:
    """The zip ODK Central downloads: the submissions CSV, a repeat's CSV and a photo."""
    visits = list(visits)
    main = central_csv(visits, path.with_suffix(".tmp"))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{FORM}-foto.csv", "foto,PARENT_KEY,KEY\n" + "".join(
            f"a.jpg,{v.submission_id},{v.submission_id}/foto[1]\n" for v in visits))
        archive.writestr(f"{FORM}.csv", main.read_bytes())
        archive.writestr("media/a.jpg", b"\xff\xd8\xff\xe0 not a real photo")
    main.unlink()
    return path


def _excel_value(header: str, value: object) -> object:
    """A cell as Excel turns it when it opens a CSV: numbers and dates typed."""
    text = str(value)
    if not text:
        return None
    if header.endswith(("tanggal_kunjungan", "tanggal_kembali")):
        return date.fromisoformat(text)
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() and "." not in text else number


def central_xlsx(visits: Iterable[Visit], path: Path) -> Path:
    """ODK Central's CSV opened in Excel and saved as a workbook."""
    book = openpyxl.Workbook()
    sheet = book.active
    header = central_header()
    sheet.append(header)
    for row in central_rows(visits):
        sheet.append([_excel_value(h, row.get(h, "")) for h in header])
    book.save(path)
    return path


def central_geojson(visits: Iterable[Visit], path: Path) -> Path:
    """ODK Central's ``submissions.geojson``: each submission's id and point, no answers."""
    features = [{"type": "Feature", "id": v.submission_id,
                 "geometry": {"type": "GeometryCollection", "geometries": [
                     {"type": "Point", "coordinates": [v.lon, v.lat, v.altitude]}]},
                 "properties": {"fieldpath": "/kunjungan/lokasi"}}
                for v in visits if v.lat is not None]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}),
                    encoding="utf-8")
    return path


def central_geojson_with_answers(visits: Iterable[Visit], path: Path) -> Path:
    """ODK Central's CSV as a GIS tool saves it as GeoJSON: id, point, every other column."""
    visits = list(visits)
    features = []
    for visit, row in zip(visits, central_rows(visits), strict=True):
        properties = {k: v for k, v in row.items() if "lokasi" not in k}
        geometry = None if visit.lat is None else {
            "type": "Point", "coordinates": [visit.lon, visit.lat, visit.altitude]}
        features.append({"type": "Feature", "id": visit.submission_id, "geometry": geometry,
                         "properties": properties})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}),
                    encoding="utf-8")
    return path


# --- KoboToolbox ---------------------------------------------------------------------


def kobo_header(*, labels: bool = False) -> list[str]:
    """The CSV/XLSX header KoboToolbox writes ("XML values and headers", groups with /)."""
    header = []
    for name in QUESTIONS:
        shown = LABELS[name] if labels else name
        prefix = f"{GROUPS[name]}/" if name in GROUPS and not labels else ""
        header.append(shown if name == "lokasi" else prefix + shown)
        if name == "lokasi":
            header += [f"{prefix}_{shown}_{p}" for p in ("latitude", "longitude", "altitude",
                                                         "precision")]
    return [*header, *KOBO_TAIL]


def kobo_rows(visits: Iterable[Visit], *, labels: bool = False) -> list[dict[str, object]]:
    """One dict per submission, by :func:`kobo_header`."""
    header = kobo_header(labels=labels)
    rows = []
    for number, visit in enumerate(visits, start=1):
        given = answers(visit)
        values: list[object] = []
        for name in QUESTIONS:
            values.append(given[name])
            if name == "lokasi":
                values += list(_point(visit))
        bare = visit.submission_id.removeprefix("uuid:")
        values += [visit.submission_id, str(1000 + number), bare, "2026-12-07T12:00:00",
                   visit.review, "", "submitted_via_web", "tim_bpjs", "vQ2026", "",
                   str(number)]
        rows.append(dict(zip(header, values, strict=True)))
    return rows


def kobo_csv(visits: Iterable[Visit], path: Path, *, delimiter: str = ";",
             labels: bool = False) -> Path:
    """KoboToolbox's CSV export: every cell quoted, ``;`` between them by default."""
    return write_csv(path, kobo_header(labels=labels), kobo_rows(visits, labels=labels),
                     delimiter=delimiter, quote_all=True)


def kobo_xlsx(visits: Iterable[Visit], path: Path) -> Path:
    """KoboToolbox's XLSX export: the submissions first, a repeat group's sheet after."""
    visits = list(visits)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = FORM
    header = kobo_header()
    sheet.append(header)
    for row in kobo_rows(visits):
        sheet.append([row.get(h) or None for h in header])
    repeat = book.create_sheet("foto")
    repeat.append(["foto", "_index", "_parent_table_name", "_parent_index",
                   "_submission__uuid"])
    for number, visit in enumerate(visits, start=1):
        repeat.append(["a.jpg", number, FORM, number, visit.submission_id])
    book.save(path)
    return path


def kobo_geojson(visits: Iterable[Visit], path: Path, *, with_ids: bool = True) -> Path:
    """
    KoboToolbox's GeoJSON export.

    The form's own questions only, bare names, labels for the select questions, blank
    answers left out, the geopoint as the geometry. ``with_ids`` adds ``instanceID``
    among the properties, as a form that lists its ``meta/instanceID`` gives it.
    """
    features = []
    for visit in visits:
        given = answers(visit)
        properties = {name: value for name, value in given.items()
                      if value and name != "lokasi"}
        properties["hasil"] = OUTCOME_LABELS[visit.outcome]["id"]
        if visit.segment:
            properties["segmen"] = SEGMENT_LABELS[visit.segment]["id"]
        if visit.team is not None:
            properties["tim"] = f"Tim {visit.team}"
        if with_ids:
            properties["instanceID"] = visit.submission_id
        geometry = None if visit.lat is None else {
            "type": "Point", "coordinates": [visit.lon, visit.lat, visit.altitude]}
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    path.write_text(json.dumps({"type": "FeatureCollection", "name": FORM,
                                "features": features}), encoding="utf-8")
    return path


# --- the paper template --------------------------------------------------------------


def paper_rows(visits: Iterable[Visit], language: str = "id") -> list[dict[str, object]]:
    """One row per stop and visit date, as a typist fills the template from the walk sheet."""
    groups: dict[tuple[str, str], list[Visit]] = {}
    for visit in visits:
        groups.setdefault((visit.stop_id, visit.visited_on), []).append(visit)
    header = {column: words[language] for column, words in PAPER_COLUMNS.items()}
    rows = []
    for (stop, visited), group in groups.items():
        day = date.fromisoformat(visited)
        row: dict[str, object] = {
            header["stop_id"]: stop, header["team"]: group[0].team or "",
            header["day"]: 1, header["village"]: "Demangan", header["label"]: f"{stop} 1/2",
            header["households_planned"]: 30,
            header["visited_on"]: f"{day.day:02d}/{day.month:02d}/{day.year}"
            if language == "id" else f"{day.day}-{day.month}-{day.year}",
        }
        for outcome in OUTCOMES:
            count = sum(v.households for v in group if v.outcome == outcome)
            row[header[outcome]] = count or ""
        registered = [v for v in group if v.outcome == REGISTERED]
        row[header["workers_registered"]] = sum(v.workers_registered for v in registered) or ""
        row[header["segment"]] = registered[0].segment.upper() if registered else ""
        back = [v.come_back_on for v in group if v.outcome == COME_BACK]
        row[header["come_back_on"]] = back[0] if back else ""
        row[header["note"]] = "; ".join(v.note for v in group if v.note)
        rows.append(row)
    return rows


def paper_csv(visits: Iterable[Visit], path: Path, *, language: str = "id",
              delimiter: str = ";", encoding: str = "utf-8-sig",
              plan_id: str = PLAN_ID) -> Path:
    """The paper template typed in: the plan line, the header, one row per stop."""
    header = [words[language] for words in PAPER_COLUMNS.values()]
    return write_csv(path, header, paper_rows(visits, language), delimiter=delimiter,
                     encoding=encoding, first_line=f"{PAPER_PLAN_LINE[language]}{plan_id}")


def with_changes(visits: Sequence[Visit], position: int, **changes: object) -> list[Visit]:
    """The visits with one of them changed."""
    changed = list(visits)
    changed[position] = replace(changed[position], **changes)  # type: ignore[arg-type]
    return changed


# --- what reading them must give -----------------------------------------------------

COMPARED = tuple(c for c in RECORD_COLUMNS if c != "source_row")
"""The record columns every format must agree on (rows differ: CSV rows, GeoJSON features)."""


def _typed(rows: list[dict[str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(COMPARED))
    types = {c: t for c, t in RECORD_DTYPES.items() if c in COMPARED}
    return frame.astype(types | dict.fromkeys(TEXT_COLUMNS, "str")).reset_index(drop=True)


def expected_records(visits: Iterable[Visit]) -> pd.DataFrame:
    """The canonical records of the visits an export counts (not those reviewed out)."""
    rows = []
    for v in visits:
        if v.review in {"rejected", "validation_status_not_approved"}:
            continue
        point = v.lat is not None and v.lon is not None
        rows.append({
            "submission_id": v.submission_id, "plan_id": v.plan_id,
            "team": pd.NA if v.team is None else v.team, "stop_id": v.stop_id,
            "visited_on": v.visited_on, "outcome": v.outcome,
            "come_back_on": v.come_back_on if v.outcome == COME_BACK else "",
            "households": v.households,
            "workers_living": pd.NA if v.workers_living is None else v.workers_living,
            "workers_registered": v.workers_registered if v.outcome == REGISTERED else 0,
            "segment": v.segment if v.outcome == REGISTERED else "",
            "lat": v.lat if point else np.nan, "lon": v.lon if point else np.nan,
            "accuracy_m": v.accuracy_m if point and v.accuracy_m is not None else np.nan,
            "started_at": v.started_at, "ended_at": v.ended_at, "note": v.note})
    return _typed(rows)


def expected_paper_records(visits: Iterable[Visit], plan_id: str = PLAN_ID) -> pd.DataFrame:
    """The records the paper template of the visits gives: one per stop, date and outcome."""
    groups: dict[tuple[str, str], list[Visit]] = {}
    for visit in visits:
        groups.setdefault((visit.stop_id, visit.visited_on), []).append(visit)
    rows = []
    for (stop, visited), group in groups.items():
        registered = [v for v in group if v.outcome == REGISTERED]
        back = [v.come_back_on for v in group if v.outcome == COME_BACK]
        for outcome in OUTCOMES:
            count = sum(v.households for v in group if v.outcome == outcome)
            if not count:
                continue
            rows.append({
                "submission_id": f"kertas:{plan_id}:{stop}:{visited}:{outcome}",
                "plan_id": plan_id, "team": pd.NA if group[0].team is None else group[0].team,
                "stop_id": stop, "visited_on": visited, "outcome": outcome,
                "come_back_on": back[0] if outcome == COME_BACK else "",
                "households": count, "workers_living": pd.NA,
                "workers_registered": sum(v.workers_registered for v in registered)
                if outcome == REGISTERED else 0,
                "segment": registered[0].segment if outcome == REGISTERED else "",
                "lat": np.nan, "lon": np.nan, "accuracy_m": np.nan, "started_at": "",
                "ended_at": "", "note": "; ".join(v.note for v in group if v.note)})
    return _typed(rows)
