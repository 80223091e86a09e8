"""
What goes out with a plan for the phones: an XLSForm, its stop list, and the paper template.

- ``formulir_hasil.xlsx``: an XLSForm (sheets ``survey``, ``choices``, ``settings``) for
  ODK Collect and KoboToolbox, one submission per door. The question names are
  :data:`~geo_outreach.outcome_codes.FORM_FIELDS`; labels in Bahasa Indonesia (the
  default language) and English; no name, NIK or phone number is asked.
  ``formulir_hasil.xml`` is the same form converted by pyxform, which checks it: a form
  that does not convert is never written.
- ``titik.csv`` (:data:`~geo_outreach.outcome_codes.FORM_STOPS_FILE`): the plan's stops,
  the choices of the ``titik`` question (``select_one_from_file``), filtered to the team
  chosen, with a ``geometry`` column so ODK Collect can show them on a map.
- ``hasil_kertas.csv``: the paper template, one row per stop as on the walk sheets, a
  count of households per outcome (:data:`~geo_outreach.outcome_codes.PAPER_COLUMNS`).
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

import pandas as pd
from openpyxl import Workbook

from geo_outreach._errors import OutputError, Problem
from geo_outreach.atomic import atomic_write
from geo_outreach.outcome_codes import (
    COME_BACK,
    FORM_FIELDS,
    FORM_STOPS_FILE,
    OUTCOME_LABELS,
    OUTCOMES,
    PAPER_COLUMNS,
    PAPER_PLAN_LINE,
    REGISTERED,
    SEGMENT_LABELS,
    SEGMENTS,
)
from geo_outreach.spreadsheet import append_row, write_csv

if TYPE_CHECKING:
    from pathlib import Path

    from geo_outreach.config import Language
    from geo_outreach.field.plan import RoutePlan

FORM_FILE: Final = "formulir_hasil.xlsx"
XFORM_FILE: Final = "formulir_hasil.xml"
PAPER_FILE: Final = "hasil_kertas.csv"
MAX_FORM_STOPS_PER_TEAM: Final = 3_000
"""The most stops one team's list should hold. The list is every stop of the team over
all the plan's days, shown on a map (appearance ``map``, one marker per stop) and in a
searchable list. ODK Collect keeps plain lists of tens of thousands quick on recent
phones, but a map of more than a few thousand markers is slow to draw on a cheap phone,
in KoboToolbox's web forms too, and too crowded to pick a stop from; a plan that gives a
team more is reported (plan fewer days or villages, or more teams)."""
MAX_HOUSEHOLDS_PER_RECORD: Final = 500
"""The most households one submission may be about (a whole stop's tally, at most)."""

STOP_LABEL_EN: Final = "label_en"
"""The English label's column in ``titik.csv``. A data file's column names become XML
element names on the phone, so ``label::English (en)`` would keep ODK Collect and
Enketo from loading the form; the choices show ``label``, this column is for reading."""

ID: Final = "label::Bahasa Indonesia (id)"
EN: Final = "label::English (en)"
HINT_ID: Final = "hint::Bahasa Indonesia (id)"
HINT_EN: Final = "hint::English (en)"
MESSAGE_ID: Final = "constraint_message::Bahasa Indonesia (id)"
MESSAGE_EN: Final = "constraint_message::English (en)"
SURVEY_COLUMNS: Final = ("type", "name", ID, EN, HINT_ID, HINT_EN, "required", "relevant",
                         "constraint", MESSAGE_ID, MESSAGE_EN, "default", "calculation",
                         "choice_filter", "appearance", "body::accuracyThreshold")


def field_form_names() -> list[str]:
    """
    Name the files :func:`write_field_form` writes.

    Returns
    -------
    list of str
        The XLSForm, its XForm, the stop list and the paper template.
    """
    return [FORM_FILE, XFORM_FILE, FORM_STOPS_FILE, PAPER_FILE]


def form_id(plan_id: str) -> str:
    """
    Make the form's id from the plan's: letters, digits and underscores, a letter first.

    Parameters
    ----------
    plan_id
        The plan's id, e.g. ``KC-YGY-20261207-0815-3fa2``.

    Returns
    -------
    str
        E.g. ``hasil_KC_YGY_20261207_0815_3fa2``.
    """
    return "hasil_" + (re.sub(r"[^A-Za-z0-9]+", "_", plan_id).strip("_") or "rencana")


def _question(kind: str, name: str, label: tuple[str, str], **columns: str) -> dict[str, str]:
    return {"type": kind, "name": name, ID: label[0], EN: label[1], **columns}


def _survey(plan: RoutePlan) -> list[dict[str, str]]:
    """List the questions in the order a canvasser meets them."""
    registered = f"${{{FORM_FIELDS['outcome']}}}='{REGISTERED}'"
    come_back = f"${{{FORM_FIELDS['outcome']}}}='{COME_BACK}'"
    visit = f"${{{FORM_FIELDS['visited_on']}}}"
    living = f"${{{FORM_FIELDS['workers_living']}}}"
    return [
        {"type": "start", "name": FORM_FIELDS["started_at"]},
        {"type": "end", "name": FORM_FIELDS["ended_at"]},
        {"type": "calculate", "name": FORM_FIELDS["plan_id"],
         "calculation": f"'{plan.plan_id}'"},
        _question("select_one tim", FORM_FIELDS["team"], ("Tim", "Team"), required="yes"),
        _question(f"select_one_from_file {FORM_STOPS_FILE}", FORM_FIELDS["stop_id"],
                  ("Titik kunjungan", "Stop"), required="yes",
                  choice_filter=f"tim=${{{FORM_FIELDS['team']}}}", appearance="map",
                  **{HINT_ID: "Pilih titik di peta (kode titik seperti di lembar kunjungan)",
                     HINT_EN: "Choose the stop on the map (stop code as on the walk sheet)"}),
        _question("date", FORM_FIELDS["visited_on"], ("Tanggal kunjungan", "Visit date"),
                  required="yes", default="today()"),
        _question("select_one hasil", FORM_FIELDS["outcome"], ("Hasil kunjungan", "Outcome"),
                  required="yes"),
        _question("date", FORM_FIELDS["come_back_on"], ("Tanggal kembali", "Come-back date"),
                  required="yes", relevant=come_back, constraint=f". >= {visit}",
                  **{MESSAGE_ID: "Tanggal kembali tidak boleh sebelum tanggal kunjungan",
                     MESSAGE_EN: "The come-back date cannot be before the visit"}),
        _question("integer", FORM_FIELDS["households"],
                  ("Jumlah rumah tangga", "Households"), required="yes", default="1",
                  constraint=f". >= 1 and . <= {MAX_HOUSEHOLDS_PER_RECORD}",
                  **{HINT_ID: "1 untuk satu pintu; lebih untuk rekap beberapa rumah tangga "
                              "dengan hasil yang sama",
                     HINT_EN: "1 for one door; more to tally households with the same "
                              "outcome",
                     MESSAGE_ID: f"Antara 1 dan {MAX_HOUSEHOLDS_PER_RECORD}",
                     MESSAGE_EN: f"From 1 to {MAX_HOUSEHOLDS_PER_RECORD}"}),
        _question("integer", FORM_FIELDS["workers_living"],
                  ("Pekerja yang tinggal di sini", "Workers living here"),
                  required=registered, constraint=". >= 0 and . <= 100",
                  **{MESSAGE_ID: "Antara 0 dan 100", MESSAGE_EN: "From 0 to 100"}),
        _question("integer", FORM_FIELDS["workers_registered"],
                  ("Pekerja yang didaftarkan", "Workers registered"), required="yes",
                  relevant=registered, constraint=f". >= 1 and . <= {living}",
                  **{MESSAGE_ID: "Minimal 1, dan tidak lebih dari pekerja yang tinggal di sini",
                     MESSAGE_EN: "At least 1, and no more than the workers living here"}),
        _question("select_one segmen", FORM_FIELDS["segment"], ("Segmen", "Segment"),
                  required="yes", relevant=registered, default="bpu"),
        _question("geopoint", FORM_FIELDS["point"], ("Lokasi GPS", "GPS location"),
                  required="yes", **{"body::accuracyThreshold": "25",
                                     HINT_ID: "Tunggu sampai akurasi di bawah 25 m",
                                     HINT_EN: "Wait until the accuracy is under 25 m"}),
        _question("text", FORM_FIELDS["note"], ("Catatan", "Note"),
                  **{HINT_ID: "Tanpa nama, NIK atau nomor telepon",
                     HINT_EN: "No names, NIK or phone numbers"}),
    ]


def _choices(plan: RoutePlan) -> list[dict[str, str]]:
    rows = [{"list_name": "tim", "name": str(team), ID: f"Tim {team}", EN: f"Team {team}"}
            for team in range(1, plan.settings.teams + 1)]
    rows += [{"list_name": "hasil", "name": code, ID: OUTCOME_LABELS[code]["id"],
              EN: OUTCOME_LABELS[code]["en"]} for code in OUTCOMES]
    rows += [{"list_name": "segmen", "name": code, ID: SEGMENT_LABELS[code]["id"],
              EN: SEGMENT_LABELS[code]["en"]} for code in SEGMENTS]
    return rows


def stop_choices(plan: RoutePlan) -> pd.DataFrame:
    """
    List the plan's stops as the form's choices (``titik.csv``).

    Parameters
    ----------
    plan
        The plan.

    Returns
    -------
    pd.DataFrame
        One row per served stop: ``name`` (the stop id), ``label`` (day, order, stop and
        households), ``label_en`` (the same in English, :data:`STOP_LABEL_EN`), ``tim``,
        ``hari``, ``tanggal`` (the day's date, "" for an undated plan), ``kalurahan``,
        ``kode``, ``rumah_tangga``, ``lat``, ``lon`` and ``geometry`` (``lat lon 0 0``, for
        ODK Collect's map).
    """
    rows = []
    for route in plan.routes:
        day = plan.day_date(route.day)
        for stop in route.stops.itertuples(index=False):
            households = int(stop.households_visit)
            code = getattr(stop, "code", "")
            rows.append({
                "name": str(stop.stop_id),
                "label": f"Hari {route.day} · {int(stop.order):02d} {stop.label} "
                         f"({households} RT) [{stop.stop_id}]",
                STOP_LABEL_EN: f"Day {route.day} · {int(stop.order):02d} {stop.label} "
                               f"({households} households) [{stop.stop_id}]",
                "tim": route.team, "hari": route.day,
                "tanggal": day.isoformat() if day is not None else "",
                "kalurahan": str(stop.village), "kode": "" if pd.isna(code) else str(code),
                "rumah_tangga": households, "lat": float(stop.lat), "lon": float(stop.lon),
                "geometry": f"{float(stop.lat):.6f} {float(stop.lon):.6f} 0 0",
            })
    return pd.DataFrame(rows, columns=["name", "label", STOP_LABEL_EN, "tim", "hari",
                                       "tanggal", "kalurahan", "kode", "rumah_tangga", "lat",
                                       "lon", "geometry"])


def list_size_warnings(choices: pd.DataFrame, limit: int = MAX_FORM_STOPS_PER_TEAM
                       ) -> list[Problem]:
    """
    Warn about every team whose stop list is longer than field apps handle well.

    Parameters
    ----------
    choices
        :func:`stop_choices`.
    limit
        The most stops per team (:data:`MAX_FORM_STOPS_PER_TEAM`).

    Returns
    -------
    list of Problem
        One warning per team over the limit.
    """
    sizes = choices.groupby("tim").size()
    return [Problem(FORM_STOPS_FILE, None, "tim", str(team),
                    f"team {team}'s stop list holds {count:,} stops; field apps stay quick "
                    f"up to about {limit:,}", "plan fewer days or villages, or more teams",
                    severity="warning") for team, count in sizes.items() if count > limit]


def _workbook(plan: RoutePlan, created: datetime) -> bytes:
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    append_row(survey, list(SURVEY_COLUMNS))
    for row in _survey(plan):
        append_row(survey, [row.get(column, "") for column in SURVEY_COLUMNS])
    choices = book.create_sheet("choices")
    columns = ["list_name", "name", ID, EN]
    append_row(choices, columns)
    for row in _choices(plan):
        append_row(choices, [row[column] for column in columns])
    settings = book.create_sheet("settings")
    append_row(settings, ["form_title", "form_id", "version", "default_language"])
    append_row(settings, [f"Hasil kunjungan – {plan.office_name} – {plan.plan_id}",
                          form_id(plan.plan_id), created.strftime("%Y%m%d%H%M"),
                          "Bahasa Indonesia (id)"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xform(workbook: bytes) -> str:
    """
    Convert an XLSForm to the XForm ODK Collect runs, with pyxform (offline, no Java).

    Parameters
    ----------
    workbook
        The XLSForm's bytes.

    Returns
    -------
    str
        The XForm XML.

    Raises
    ------
    OutputError
        If pyxform refuses the form (a bug here, not the user's).
    """
    from pyxform.errors import PyXFormError  # noqa: PLC0415 - only when a form is made
    from pyxform.xls2xform import convert  # noqa: PLC0415

    try:
        return convert(xlsform=io.BytesIO(workbook), file_type=".xlsx", validate=False,
                       pretty_print=True).xform
    except PyXFormError as err:
        raise OutputError(f"the field form could not be made: {err}; please report this "
                          "with the plan's settings") from err


def paper_template(plan: RoutePlan, *, lang: Language = "id") -> str:
    """
    Write the paper template: the plan line, the headers, one prefilled row per stop.

    Parameters
    ----------
    plan
        The plan.
    lang
        Header language.

    Returns
    -------
    str
        CSV text (``;`` between cells, as spreadsheet programs in Indonesia expect).
    """
    rows = []
    for route in plan.routes:
        for stop in route.stops.itertuples(index=False):
            row = dict.fromkeys(PAPER_COLUMNS, "")
            row.update(stop_id=str(stop.stop_id), team=route.team, day=route.day,
                       village=str(stop.village), label=str(stop.label),
                       households_planned=int(stop.households_visit))
            rows.append(row)
    table = pd.DataFrame(rows, columns=list(PAPER_COLUMNS)).rename(
        columns={key: words[lang] for key, words in PAPER_COLUMNS.items()})
    return PAPER_PLAN_LINE[lang] + plan.plan_id + "\n" + (write_csv(table, sep=";") or "")


def write_field_form(plan: RoutePlan, out_dir: Path, *, lang: Language = "id"
                     ) -> tuple[list[Path], list[Problem]]:
    """
    Write the form, its stop list and the paper template for a stored plan.

    Parameters
    ----------
    plan
        The plan, with its ``plan_id`` (from the store); a plan without one gets no form.
    out_dir
        The folder (the caller's staging folder).
    lang
        The paper template's header language (the form holds both).

    Returns
    -------
    list of Path
        The files written (none for a plan without an id or without stops).
    list of Problem
        Warnings: a team's stop list longer than field apps handle well.
    """
    choices = stop_choices(plan)
    if not plan.plan_id or choices.empty:
        return [], []
    workbook = _workbook(plan, datetime.now(UTC))
    xml = xform(workbook)
    paper = paper_template(plan, lang=lang)
    written = [
        atomic_write(out_dir / FORM_FILE, lambda p: p.write_bytes(workbook)),
        atomic_write(out_dir / XFORM_FILE, lambda p: p.write_text(xml, encoding="utf-8")),
        atomic_write(out_dir / FORM_STOPS_FILE,
                     lambda p: write_csv(choices, p, encoding="utf-8")),
        atomic_write(out_dir / PAPER_FILE,
                     lambda p: p.write_text(paper, encoding="utf-8-sig")),
    ]
    return written, list_size_warnings(choices)
