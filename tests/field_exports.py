"""
The questions of a generated field form, read back with pyxform: to shape test exports.

An ODK Central or KoboToolbox export has a column per question of the form (a geopoint
split into latitude, longitude, altitude and accuracy), named as the form names it; these
helpers give the names and types of the form :func:`geo_outreach.field.xlsform.write_field_form`
writes, so test exports follow the real form rather than a copy of its names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyxform.xls2json import parse_file_to_json

if TYPE_CHECKING:
    from pathlib import Path

META_GROUP = "meta"
"""The group pyxform adds for ``instanceID`` (exports: ``meta-instanceID`` or
``meta/instanceID``); not a question."""


def form_question_types(xlsx_path: Path) -> dict[str, str]:
    """
    Read an XLSForm's questions and their types, in the form's order.

    Parameters
    ----------
    xlsx_path
        The XLSForm, e.g. ``formulir_hasil.xlsx``.

    Returns
    -------
    dict of str to str
        Question name to pyxform's type: ``start``, ``end``, ``calculate``,
        ``select one`` (also for ``select_one_from_file``), ``date``, ``integer``,
        ``geopoint``, ``text``; the ``meta`` group left out.
    """
    form = parse_file_to_json(str(xlsx_path))
    return {child["name"]: child["type"] for child in form["children"]
            if child["name"] != META_GROUP}


def form_question_names(xlsx_path: Path) -> list[str]:
    """
    Read an XLSForm's question names, in the form's order.

    Parameters
    ----------
    xlsx_path
        The XLSForm.

    Returns
    -------
    list of str
        The names (:func:`form_question_types`' keys), ``start`` and ``end`` included.
    """
    return list(form_question_types(xlsx_path))
