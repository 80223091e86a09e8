"""
The app's "Bagikan" (share) page: download the map of one kabupaten/kota for its Pemda.

Streamlit code only; the map itself is made by :mod:`geo_outreach.render.share` (HTML that
works offline) and :mod:`geo_outreach.render.static_map` (PNG/PDF). The file is made when
the button is clicked (in Streamlit's download thread), so moving a slider never waits for
it, and each file made is logged in the export log (:mod:`geo_outreach.publish.export_log`)
before it is handed out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import streamlit as st

from app_pages.common import result_frame
from app_pages.store_panel import load_months, progress_cached
from geo_outreach import i18n
from geo_outreach._errors import GeoOutreachError
from geo_outreach.analysis.headline import office_regency
from geo_outreach.escape import escape_markdown
from geo_outreach.i18n.problem_text import describe_error
from geo_outreach.privacy import DEFAULT_K
from geo_outreach.publish.export_log import logged_download
from geo_outreach.render.share import share_html
from geo_outreach.render.share_text import share_file_name
from geo_outreach.render.static_map import static_map_bytes

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from geo_outreach.analysis.progress import ProgressReport
    from geo_outreach.analysis.result import AnalysisResult
    from geo_outreach.config import Language
    from geo_outreach.inputs.prepare import PreparedInputs

FORMATS: Final = ("html", "png", "pdf")
MIME: Final = {"html": "text/html", "png": "image/png", "pdf": "application/pdf"}


def show_share(result: AnalysisResult, lang: Language, regency_names: Sequence[str],
               my_office: str | None = None, places: PreparedInputs | None = None) -> None:
    """
    Draw the share page: kabupaten/kota, format, and a download button.

    Parameters
    ----------
    result
        The analysis shown in the other tabs.
    lang
        ``"id"`` or ``"en"``.
    regency_names
        The kabupaten/kota to choose from, as in the boundary data (the sidebar's choice
        is preselected when it is one of them, else the one where most of *my office*'s
        radius lies).
    my_office
        The office chosen in the sidebar (None: none).
    places
        The prepared inputs: with them the page offers to map the stored months.
    """
    st.caption(i18n.t("share.intro", lang))
    names = list(regency_names)
    if not names:
        st.info(i18n.t("msg.fix_in_data_tab", lang))
        return
    chosen = st.session_state.get("regency") or (
        office_regency(result, my_office) if my_office else None)
    if st.session_state.get("share_regency_follows") != chosen:  # the sidebar changed
        st.session_state["share_regency_follows"] = chosen
        st.session_state["share_regency"] = chosen if chosen in names else names[0]
    if st.session_state.get("share_regency") not in names:
        st.session_state["share_regency"] = names[0]
    left, right = st.columns(2)
    region = left.selectbox(i18n.t("sidebar.regency", lang), names, key="share_regency")
    file_format = right.radio(i18n.t("share.format", lang), FORMATS,
                              format_func=lambda f: i18n.t(f"share.format.{f}", lang),
                              key="share_format")
    summary = result.household_summary or {}
    k = int(summary.get("min_cell_households", DEFAULT_K))  # type: ignore[call-overload]
    st.caption(i18n.t("share.privacy", lang, k=k))
    progress = None
    if places is not None and file_format == "html" and st.checkbox(i18n.t("share.progress", lang),
                                             key="share_progress",
                                             help=i18n.t("share.progress_help", lang)):
        result, progress = share_progress(result, places, lang)
    st.download_button(
        i18n.t("share.download", lang),
        data=logged_download(result, _maker(result, region, file_format, lang, progress),
                             file_name=share_file_name(region, f".{file_format}"),
                             regency=region, via="app share"),
        file_name=share_file_name(region, f".{file_format}"),
        mime=MIME[file_format],
        on_click="ignore",
        type="primary",
        key="share_download",
    )


def share_progress(result: AnalysisResult, places: PreparedInputs, lang: Language
                   ) -> tuple[AnalysisResult, ProgressReport | None]:
    """
    Map the stored months instead: the latest as the table, the slider over all of them.

    One source for the whole file: the store (its DEMO months, labelled DEMO on the map,
    while it holds none). On an error, say why and share the analysis as it is.
    """
    loaded = load_months(lang)
    if loaded is None:
        return result, None
    series, imports, where, is_demo = loaded
    st.caption(i18n.t("share.progress_demo" if is_demo else "share.progress_store", lang))
    try:
        report, latest = progress_cached(places, series, imports, where, result.params)
    except GeoOutreachError as err:
        st.error(escape_markdown(describe_error(err, lang)))
        return result, None
    return latest, report


def _maker(result: AnalysisResult, region: str, file_format: str, lang: Language,
           progress: ProgressReport | None = None) -> Callable[[], bytes]:
    """Return a function that makes the file when the button is clicked."""
    def make() -> bytes:
        if file_format == "html":
            return share_html(result, region, lang=lang, progress=progress).encode("utf-8")
        return static_map_bytes(result, region, "pdf" if file_format == "pdf" else "png",
                                lang=lang)

    return make


if __name__ == "__main__":
    frame = result_frame()
    show_share(frame.result, frame.lang, frame.regencies, frame.office, frame.prepared)
