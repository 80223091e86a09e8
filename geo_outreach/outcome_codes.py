"""
What happened at a door: the outcome codes, segments and the record every reader produces.

Shared by the stages that meet field outcomes: the form and walk sheets that go out
(:mod:`geo_outreach.field`), the readers of what comes back, the store that keeps it
(:mod:`geo_outreach.store`) and the analysis that counts registrations provisionally
(:mod:`geo_outreach.analysis`). The codes are the XLSForm choice names, in Bahasa
Indonesia, as field apps and their exports write them; :data:`OUTCOME_LABELS` puts them
into words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from geo_outreach.config import Language

REGISTERED: Final = "terdaftar"
REFUSED: Final = "menolak"
NOT_HOME: Final = "tidak_di_rumah"
COME_BACK: Final = "kembali_lagi"
INELIGIBLE: Final = "pindah_tidak_memenuhi_syarat"
DO_NOT_CONTACT: Final = "jangan_dihubungi"

OUTCOMES: Final = (REGISTERED, REFUSED, NOT_HOME, COME_BACK, INELIGIBLE, DO_NOT_CONTACT)
"""Every outcome of a visit, in the order forms and sheets list them."""

OUTCOME_LABELS: Final[dict[str, dict[Language, str]]] = {
    REGISTERED: {"id": "Terdaftar", "en": "Registered"},
    REFUSED: {"id": "Menolak", "en": "Refused"},
    NOT_HOME: {"id": "Tidak di rumah", "en": "Not at home"},
    COME_BACK: {"id": "Kembali lagi (dengan tanggal)", "en": "Come back (on a date)"},
    INELIGIBLE: {"id": "Pindah / tidak memenuhi syarat", "en": "Moved / not eligible"},
    DO_NOT_CONTACT: {"id": "Jangan dihubungi lagi", "en": "Do not contact again"},
}

SETTLED: Final = frozenset({REGISTERED, REFUSED, INELIGIBLE, DO_NOT_CONTACT})
"""Outcomes after which a household is not simply visited again: registered, refused
(rested for a while), moved or not eligible, do not contact (never again)."""

SEGMENTS: Final = ("bpu", "pu", "jakon", "pmi")
"""The participant segments a registration is recorded in (as in the participation
tables): BPU (Bukan Penerima Upah, the informal and self-employed workers canvassing
reaches), PU (wage earners, through an employer), Jakon (construction), PMI (migrant
workers)."""

SEGMENT_LABELS: Final[dict[str, dict[Language, str]]] = {
    "bpu": {"id": "BPU (Bukan Penerima Upah)", "en": "BPU (informal / self-employed)"},
    "pu": {"id": "PU (Penerima Upah)", "en": "PU (wage earner)"},
    "jakon": {"id": "Jasa Konstruksi", "en": "Construction (Jakon)"},
    "pmi": {"id": "Pekerja Migran Indonesia", "en": "Indonesian migrant worker (PMI)"},
}

GPS_LOOK_M: Final = 100.0
"""A submission's point farther than this from its stop is marked for a look."""
GPS_FLAG_M: Final = 300.0
"""A submission's point farther than this from its stop is flagged."""
GPS_STATUSES: Final = ("ok", "look", "flagged", "no_point")
"""The GPS check's verdicts: within :data:`GPS_LOOK_M`, up to :data:`GPS_FLAG_M`, beyond
it, and no point recorded (paper, or the phone had no fix)."""

RECORD_COLUMNS: Final = (
    "submission_id",   # str: the export's instance id (uuid:...), or the paper row's key
    "plan_id",         # str: the plan the form or sheet came with ("" when not recorded)
    "team",            # Int64: the team, from 1 (<NA> when not recorded)
    "stop_id",         # str: the plan's stop code, e.g. 34.71.03.1001-02
    "visited_on",      # str: the visit's date, YYYY-MM-DD
    "outcome",         # str: one of OUTCOMES
    "come_back_on",    # str: YYYY-MM-DD for COME_BACK, else ""
    "households",      # int >= 1: households this record is about (1 for a door)
    "workers_living",  # Int64: workers living there (<NA> when not asked)
    "workers_registered",  # int >= 0: workers registered at the visit (0 unless REGISTERED)
    "segment",         # str: one of SEGMENTS for REGISTERED, else ""
    "lat", "lon",      # float: the recorded point, EPSG:4326 (NaN without one)
    "accuracy_m",      # float: the point's accuracy (NaN when not given)
    "started_at", "ended_at",  # str: ISO 8601 times the form was opened and finished ("")
    "note",            # str: the canvasser's note
    "source_row",      # int: the record's row (or feature) in the file, as the user counts
)
"""The canonical outcome record: what every reader of a field export returns, one row per
submission, and what the store keeps."""

FORM_FIELDS: Final[dict[str, str]] = {
    "plan_id": "plan_id",                  # calculate: the plan's id, a constant
    "team": "tim",                         # select_one: the team
    "stop_id": "titik",                    # select_one_from_file titik.csv: the stop
    "visited_on": "tanggal_kunjungan",     # date, default today()
    "outcome": "hasil",                    # select_one: one of OUTCOMES
    "come_back_on": "tanggal_kembali",     # date, for COME_BACK only
    "households": "jumlah_rumah_tangga",   # integer, default 1
    "workers_living": "pekerja_di_rumah",  # integer
    "workers_registered": "pekerja_terdaftar",  # integer, for REGISTERED only
    "segment": "segmen",                   # select_one: one of SEGMENTS
    "point": "lokasi",                     # geopoint
    "note": "catatan",                     # text
    "started_at": "start",                 # metadata: when the form was opened
    "ended_at": "end",                     # metadata: when it was finished
}
"""The XLSForm's question names (what ODK Central and KoboToolbox exports use as column
names), by the :data:`RECORD_COLUMNS` each one fills. The instance id is the form's
``meta/instanceID`` (ODK Central: ``meta-instanceID`` or ``KEY``; Kobo: ``_uuid`` or
``meta/instanceID``)."""

FORM_STOPS_FILE: Final = "titik.csv"
"""The form's attachment listing the plan's stops (the choices of ``titik``)."""

PAPER_COLUMNS: Final[dict[str, dict[Language, str]]] = {
    "stop_id": {"id": "Kode titik", "en": "Stop code"},
    "team": {"id": "Tim", "en": "Team"},
    "day": {"id": "Hari ke-", "en": "Day"},
    "village": {"id": "Kalurahan", "en": "Village"},
    "label": {"id": "Titik", "en": "Stop"},
    "households_planned": {"id": "Rumah tangga direncanakan", "en": "Households planned"},
    "visited_on": {"id": "Tanggal kunjungan", "en": "Visit date"},
    REGISTERED: {"id": "Terdaftar (rumah tangga)", "en": "Registered (households)"},
    "workers_registered": {"id": "Pekerja terdaftar", "en": "Workers registered"},
    "segment": {"id": "Segmen", "en": "Segment"},
    REFUSED: {"id": "Menolak (rumah tangga)", "en": "Refused (households)"},
    NOT_HOME: {"id": "Tidak di rumah (rumah tangga)", "en": "Not at home (households)"},
    COME_BACK: {"id": "Kembali lagi (rumah tangga)", "en": "Come back (households)"},
    "come_back_on": {"id": "Tanggal kembali", "en": "Come-back date"},
    INELIGIBLE: {"id": "Pindah / tidak memenuhi syarat (rumah tangga)",
                 "en": "Moved / not eligible (households)"},
    DO_NOT_CONTACT: {"id": "Jangan dihubungi lagi (rumah tangga)",
                     "en": "Do not contact again (households)"},
    "note": {"id": "Catatan", "en": "Note"},
}
"""The paper template's columns, in order: one row per stop as on the printed walk sheet
(the stop's facts, then a count of households per outcome). A reader turns a row into
one record per outcome counted (``households`` = the count), with the submission id
``kertas:<plan>:<stop>:<date>:<outcome>``; the plan comes from the file's first line,
``# rencana: <plan_id>`` / ``# plan: <plan_id>``."""

PAPER_PLAN_LINE: Final[dict[Language, str]] = {"id": "# rencana: ", "en": "# plan: "}
"""How the paper template's first line names its plan."""
