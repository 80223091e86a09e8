"""The glossary page (Istilah): the terms the app uses, explained."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from app_pages.common import current_frame
from geo_outreach import i18n

if TYPE_CHECKING:


    from geo_outreach.config import Language


def show_glossary(lang: Language) -> None:
    """Explain the terms the app uses."""
    for term, text in i18n.glossary(lang).items():
        st.markdown(f"**{term}**: {text}")


if __name__ == "__main__":
    show_glossary(current_frame().lang)
