"""
What the app's pages share: the frame's result, kept uploads, translated tables.

``app.py`` (the frame) prepares the inputs and the analysis on every run and puts a
:class:`Frame` in the session's state; each page takes it with :func:`current_frame`
or :func:`result_frame` and only draws. Nothing here is stored at module level:
Streamlit sessions share this process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

import pandas as pd
import streamlit as st

from geo_outreach import i18n
from geo_outreach._errors import GeoOutreachError, Problem
from geo_outreach.i18n.problem_text import localized
from geo_outreach.inputs import uploads
from geo_outreach.inputs.uploads import Role, Upload, UploadError
from geo_outreach.publish.export import is_fraction, is_percentage_points

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from streamlit.runtime.uploaded_file_manager import UploadedFile

    from geo_outreach.analysis.household_reach import HouseholdInputs
    from geo_outreach.analysis.provisional import FieldCount
    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.config import Language
    from geo_outreach.inputs.prepare import PreparedInputs
    from geo_outreach.roads.model import RoadNetwork

# Where Streamlit serves ./static (see .streamlit/config.toml): Leaflet for the map.
STATIC_URL = "/app/static/"
ROLES: tuple[Role, ...] = ("boundaries", "participation", "offices")
UPLOAD_ROLES: tuple[Role, ...] = (*ROLES, "households", "roads")
MAPPING_ROLES: tuple[Role, ...] = (*ROLES, "households")

FRAME_KEY = "frame"
KEPT_KEY = "kept_uploads"
MAPPINGS_KEY = "kept_mappings"
SHEET_KEY = "kept_participation_sheet"
SHEET_CHOICE_KEY = "participation_sheet_choice"

Loaded = TypeVar("Loaded")
Files = tuple["UploadedFile | None", ...]
Checked = tuple[Upload | None, ...]


@dataclass(frozen=True)
class Frame:
    """
    What the frame worked out on this run, for the page being shown.

    Attributes
    ----------
    lang
        The user's language.
    result
        The analysis, or None when the inputs cannot be analysed (see ``blocked``).
    prepared, households, network
        The inputs behind it (None where they could not be read).
    regency, regencies
        The kabupaten/kota chosen in the sidebar (None: all), and all of them.
    blocked
        True when an upload was refused or the inputs have errors: the result pages
        then point to the Data page.
    office
        The office id chosen as *my office* in the sidebar (None: all offices); every
        page follows it.
    field_count
        The workers registered in the field that the result counts provisionally (None:
        the store could not be read, or the inputs were not analysed).
    """

    lang: Language
    result: AnalysisResult | None = None
    prepared: PreparedInputs | None = None
    households: HouseholdInputs | None = None
    network: RoadNetwork | None = None
    regency: str | None = None
    regencies: list[str] = field(default_factory=list)
    blocked: bool = False
    office: str | None = None
    field_count: FieldCount | None = None


def current_frame() -> Frame:
    """Return this run's frame (set by ``app.py`` before the page runs)."""
    return st.session_state[FRAME_KEY]


def result_frame() -> Frame:
    """Return this run's frame with its result; without one, point to the Data page and stop."""
    frame = current_frame()
    if frame.result is None:
        if frame.blocked:
            st.error(i18n.t("msg.fix_in_data_tab", frame.lang))
        st.stop()
    return frame


def keep_upload(role: Role) -> None:
    """
    Keep the file just uploaded (or forget the one just removed) for every page.

    Streamlit forgets an uploader's file when its page is not shown, and its value cannot
    be set back; the file the user chose is kept here, from the uploader's ``on_change``.
    """
    kept = st.session_state.setdefault(KEPT_KEY, {})
    file = st.session_state.get(f"upload_{role}")
    if file is None:
        kept.pop(role, None)
    else:
        kept[role] = file


def keep_sheet() -> None:
    """Keep the participation workbook's sheet just chosen ("" = every sheet looked at)."""
    st.session_state[SHEET_KEY] = st.session_state.get(SHEET_CHOICE_KEY) or ""


def kept_sheet() -> str | None:
    """Return the participation sheet chosen, or None when every sheet is looked at."""
    return st.session_state.get(SHEET_KEY) or None


def forget_upload(role: Role) -> None:
    """Stop using the kept upload of ``role`` (the bundled data or none takes its place)."""
    st.session_state.get(KEPT_KEY, {}).pop(role, None)


def keep_mapping(role: Role) -> None:
    """Keep the column mapping just typed for every page (see :func:`keep_upload`)."""
    st.session_state.setdefault(MAPPINGS_KEY, {})[role] = st.session_state.get(
        f"mapping_{role}", "")


def kept_files() -> Files:
    """Return the kept upload of each role in :data:`UPLOAD_ROLES` (None: none)."""
    kept = st.session_state.get(KEPT_KEY, {})
    return tuple(kept.get(role) for role in UPLOAD_ROLES)


def kept_mappings() -> tuple[str, ...]:
    """Return the kept column mapping of each role in :data:`MAPPING_ROLES`."""
    kept = st.session_state.get(MAPPINGS_KEY, {})
    return tuple(kept.get(role, "") for role in MAPPING_ROLES)


def upload_check(file: UploadedFile | None, role: Role) -> Upload | UploadError | None:
    """Check an upload once per file and session: the accepted upload or why it is refused."""
    if file is None:
        return None
    remembered_check = st.session_state.get(f"checked_{role}")
    if remembered_check is None or remembered_check[0] != file.file_id:
        outcome: Upload | UploadError
        try:
            outcome = uploads.check_upload(role, file.name, file.getvalue())
        except UploadError as err:
            outcome = err
        remembered_check = st.session_state[f"checked_{role}"] = (file.file_id, outcome)
    return remembered_check[1]


def problems_frame(problems: list[Problem], lang: Language) -> pd.DataFrame:
    """Problems as a table with the user's file, row, column, value and fix, in words.

    The message and the fix are in the user's language, the fix saying what to do in the
    app (see :func:`geo_outreach.i18n.problem_text.localized`).
    """
    columns = ["severity", "file", "row", "column", "value", "message", "fix"]
    records = []
    for problem in problems:
        message, fix = localized(problem, lang, "app")
        records.append(problem.to_dict() | {"message": message, "fix": fix})
    frame = pd.DataFrame(records, columns=columns)
    return display(frame, lang, table_name="problems")


COORDINATE_DECIMALS = 5
KM_DECIMALS = 1


def display(table: pd.DataFrame, lang: Language, *, table_name: str,
            headers: Mapping[str, str] | None = None) -> pd.DataFrame:
    """
    Make a table ready for the screen, in the user's language.

    Parameters
    ----------
    table
        A result or report table with machine column names.
    lang
        ``"id"`` or ``"en"``.
    table_name
        ``"villages"``, ``"offices"``, ``"priority"``, ``"problems"`` ...: prefers that
        table's own headers (see :func:`geo_outreach.i18n.column_labels`).
    headers
        Headers of its own for some columns, already in ``lang`` (they win over the labels).

    Returns
    -------
    pd.DataFrame
        Translated headers; yes/no and codes (status, severity, counting method, office
        type ...) in words; fractions as percentages (``38,3%``); km and coordinates with
        the language's decimal separator; counts rounded to whole numbers, which stay
        numbers so that they sort; a missing value as "—", never None or NaN.
    """
    shown = table.drop(columns="geometry", errors="ignore").copy()
    for column in shown.columns:
        shown[column] = shown_values(shown[column], str(column), lang)
    labels = i18n.column_labels(shown.columns, lang, table=table_name) | dict(headers or {})
    return shown.rename(columns=labels)


def show_table(table: pd.DataFrame, lang: Language, *, table_name: str) -> None:
    """
    Show a result table as :func:`display` writes it, counts with thousands separators.

    Counts stay numbers (so a click on the header sorts them) and are written in the
    reader's own number format (``172.386`` in an Indonesian browser).
    """
    shown = display(table, lang, table_name=table_name)
    counts = {str(column): st.column_config.NumberColumn(format="localized")
              for column in shown.columns if pd.api.types.is_integer_dtype(shown[column])}
    st.dataframe(shown, hide_index=True, width="stretch", column_config=counts)


def shown_values(values: pd.Series, column: str, lang: Language) -> pd.Series:
    """
    Write one column of a table as :func:`display` shows it.

    Parameters
    ----------
    values
        The column.
    column
        Its machine name: decides between a percentage, a distance, a coordinate, a
        count and a code.
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    pd.Series
        The column to show, same index.
    """
    if pd.api.types.is_bool_dtype(values):
        return _each(values, lambda value: i18n.value_label(column, value, lang))
    if pd.api.types.is_numeric_dtype(values):
        return _shown_numbers(values, column, lang)
    words = {value: i18n.value_label(column, value, lang) for value in values.dropna().unique()}
    return _each(values, lambda value: words.get(value, value))


def _shown_numbers(values: pd.Series, column: str, lang: Language) -> pd.Series:
    """Write a numeric column: percentages, km and coordinates as text, counts whole."""
    if is_percentage_points(column):
        return _each(values, lambda value: i18n.t("unit.percentage_points", lang, value=(
            ("+" if value > 0 else "") + i18n.format_number(value * 100, lang, decimals=1))))
    if is_fraction(column):
        return _each(values, lambda value: i18n.format_percent(value, lang))
    decimals = (COORDINATE_DECIMALS if column in ("lat", "lon")
                else KM_DECIMALS if column.endswith("_km") else None)
    if decimals is not None:
        return _each(values, lambda value: i18n.format_number(value, lang, decimals=decimals))
    whole = values.astype("Float64").round()
    if not whole.isna().any():
        return whole.astype("int64")
    # digits as the whole-number columns show them, and "—" where there is no number
    return _each(whole, lambda value: str(int(value)))  # type: ignore[call-overload]


def _each(values: pd.Series, write: Callable[[object], object]) -> pd.Series:
    """Write every present cell with ``write``; a missing one as "—"."""
    return pd.Series([i18n.MISSING_VALUE if _missing(value) else write(value)
                      for value in values], index=values.index, dtype=object)


def _missing(value: object) -> bool:
    """Tell whether a cell holds no value (None, NaN, NA)."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def remembered(name: str, key: object, load: Callable[[], Loaded]) -> Loaded:
    """
    Run a cached loader, remembering its failure for this session.

    Streamlit's caches keep results, not errors: without this, a file that cannot be read
    would be saved and read again on every rerun (every slider move).
    """
    failed = st.session_state.get(f"failed_{name}")
    if failed is not None and failed[0] == key:
        raise failed[1]
    try:
        return load()
    except GeoOutreachError as err:
        st.session_state[f"failed_{name}"] = (key, err)
        raise
