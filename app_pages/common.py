"""
What the app's pages share: upload types, translated tables, remembered failures.

Nothing here is stored at module level: Streamlit sessions share this process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

import pandas as pd
import streamlit as st

from geo_outreach import i18n
from geo_outreach._errors import GeoOutreachError, Problem
from geo_outreach.inputs.uploads import Role, Upload

if TYPE_CHECKING:
    from collections.abc import Callable

    from streamlit.runtime.uploaded_file_manager import UploadedFile

    from geo_outreach.config import Language
# Where Streamlit serves ./static (see .streamlit/config.toml): Leaflet for the map.
STATIC_URL = "/app/static/"
ROLES: tuple[Role, ...] = ("boundaries", "participation", "offices")

Loaded = TypeVar("Loaded")
Files = tuple["UploadedFile | None", ...]
Checked = tuple[Upload | None, ...]


def problems_frame(problems: list[Problem], lang: Language) -> pd.DataFrame:
    """Problems as a table with the user's file, row, column, value and fix."""
    columns = ["severity", "file", "row", "column", "value", "message", "fix"]
    frame = pd.DataFrame([p.to_dict() for p in problems], columns=columns)
    return frame.rename(columns=i18n.column_labels(columns, lang, table="problems"))


def _display(table: pd.DataFrame, lang: Language, *, table_name: str) -> pd.DataFrame:
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
