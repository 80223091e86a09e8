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
from geo_outreach.inputs import uploads
from geo_outreach.inputs.uploads import Role, Upload, UploadError

if TYPE_CHECKING:
    from collections.abc import Callable

    from streamlit.runtime.uploaded_file_manager import UploadedFile

    from geo_outreach.analysis.household_reach import HouseholdInputs
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
    """

    lang: Language
    result: AnalysisResult | None = None
    prepared: PreparedInputs | None = None
    households: HouseholdInputs | None = None
    network: RoadNetwork | None = None
    regency: str | None = None
    regencies: list[str] = field(default_factory=list)
    blocked: bool = False


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
    """Problems as a table with the user's file, row, column, value and fix."""
    columns = ["severity", "file", "row", "column", "value", "message", "fix"]
    frame = pd.DataFrame([p.to_dict() for p in problems], columns=columns)
    return frame.rename(columns=i18n.column_labels(columns, lang, table="problems"))


def display(table: pd.DataFrame, lang: Language, *, table_name: str) -> pd.DataFrame:
    """Translate headers and office types for showing a table."""
    shown = table.drop(columns="geometry", errors="ignore").copy()
    if "office_type" in shown.columns:
        shown["office_type"] = shown["office_type"].map(
            lambda v: i18n.t(f"office_type.{v}", lang) if i18n.has_label(f"office_type.{v}")
            else v)
    return shown.rename(columns=i18n.column_labels(shown.columns, lang, table=table_name))


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
