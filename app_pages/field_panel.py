"""
The field loop in the app's frame: registrations from the field count in every page's numbers.

Workers registered at the door raise their villages' participants provisionally
(:func:`geo_outreach.analysis.provisional.with_field_registrations`), until the monthly
snapshot after the visit is stored, exactly as the command line counts them. The count is
cached once per inputs and per state of the user's store: a new import of outcomes or of
a month changes :func:`store_state`, and with it every cache key after it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from app_pages.store_panel import user_store
from geo_outreach import i18n
from geo_outreach._errors import GeoOutreachError
from geo_outreach.analysis.provisional import FieldCount, with_field_registrations
from geo_outreach.escape import escape_markdown
from geo_outreach.i18n.problem_text import describe_error
from geo_outreach.store.field_records import import_marks
from geo_outreach.store.location import database_url, shown_url

if TYPE_CHECKING:
    from geo_outreach.config import Language
    from geo_outreach.inputs.prepare import PreparedInputs
    from geo_outreach.store.database import Store


def open_user_store(lang: Language) -> Store | None:
    """
    Open the user's progress store, or show why it cannot be opened.

    Parameters
    ----------
    lang
        The user's language, for the error.

    Returns
    -------
    Store or None
        The store (:func:`app_pages.store_panel.user_store`); None when it cannot be
        opened or migrated (the error is shown, with where the store is).
    """
    try:
        return user_store()
    except GeoOutreachError as err:
        st.error(escape_markdown(describe_error(err, lang)))
    except OSError as err:  # e.g. its folder cannot be made
        st.error(i18n.t("field_page.store_failed", lang,
                        url=escape_markdown(shown_url(database_url(None))),
                        error=escape_markdown(str(err))))
    return None


def store_state(store: Store) -> tuple[object, ...]:
    """
    Name the state of a store's field outcomes and months, for cache keys.

    Parameters
    ----------
    store
        The open store.

    Returns
    -------
    tuple
        The store's address and its newest outcome and month imports' ids
        (:func:`geo_outreach.store.field_records.import_marks`): any import (of outcomes or
        of a month, a replacement too) gives a new tuple. One small query a rerun.
    """
    return (store.shown_url, *import_marks(store))


@st.cache_data(show_spinner=False, max_entries=16)
def _counted(_prepared: PreparedInputs, _store: Store, inputs_key: tuple[object, ...],
             state: tuple[object, ...]) -> tuple[PreparedInputs, FieldCount]:
    """Count the field's registrations into the inputs once per inputs and store state."""
    del inputs_key, state  # part of the cache key only
    return with_field_registrations(_prepared, _store)


def field_counted(prepared: PreparedInputs, inputs_key: tuple[object, ...], lang: Language
                  ) -> tuple[PreparedInputs, FieldCount | None, tuple[object, ...]]:
    """
    Count the user's field registrations into the inputs, as ``geo-outreach analyze`` does.

    Parameters
    ----------
    prepared
        The inputs, without errors.
    inputs_key
        Their cache key (the uploads' digests and mappings).
    lang
        The user's language, for an error.

    Returns
    -------
    PreparedInputs
        The inputs with the provisional participants (unchanged when none count).
    FieldCount or None
        What the field added; None when the store cannot be read (the error is shown,
        the numbers are the participation table's alone).
    tuple
        The store's state (:func:`store_state`), to add to the cache keys after this one.
    """
    store = open_user_store(lang)
    if store is None:
        return prepared, None, ()
    try:
        state = store_state(store)
        counted, count = _counted(prepared, store, inputs_key, state)
    except GeoOutreachError as err:
        st.error(escape_markdown(describe_error(err, lang)))
        return prepared, None, ()
    return counted, count, state


def field_note(count: FieldCount | None, lang: Language) -> str | None:
    """
    Say how many workers registered in the field the numbers include.

    Parameters
    ----------
    count
        What the field added (None or no worker: nothing to say).
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    str or None
        E.g. "Termasuk 12 pekerja terdaftar di lapangan (sementara, sampai snapshot bulan
        berikutnya)", with the month they come on top of when one is stored.
    """
    if count is None or count.workers == 0:
        return None
    note = i18n.t("field_page.provisional_note", lang,
                  workers=i18n.format_number(count.workers, lang),
                  villages=i18n.format_number(count.villages, lang))
    if count.after_month:
        note += " " + i18n.t("field_page.provisional_after", lang, month=count.after_month)
    return note


def show_field_note(count: FieldCount | None, lang: Language) -> None:
    """Show :func:`field_note` as a note on the page (nothing when there is none)."""
    note = field_note(count, lang)
    if note is not None:
        st.info(note)
