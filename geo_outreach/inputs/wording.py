"""
Words the readers' messages share: the command-line options, "and", "or", parts to translate.

Each part is a :class:`~geo_outreach._errors.Translatable`: English where a message is
put together (the command line prints it as it is), with the label that words it in the
user's language (:func:`geo_outreach.i18n.words`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from geo_outreach import i18n
from geo_outreach._errors import Translatable

if TYPE_CHECKING:
    from geo_outreach._errors import MessageArg

BOUNDARIES_OPTION: Final = "--boundary-columns"
PARTICIPATION_OPTION: Final = "--participation-columns"
OFFICES_OPTION: Final = "--office-columns"
HOUSEHOLDS_OPTION: Final = "--household-columns"
OPTION_ROLES: Final = {BOUNDARIES_OPTION: "boundaries", PARTICIPATION_OPTION: "participation",
                       OFFICES_OPTION: "offices", HOUSEHOLDS_OPTION: "households"}
"""The upload whose column mapping the app's Data page takes instead of each option."""


def part(label: str, english: str, /, **args: MessageArg) -> Translatable:
    """
    Take a piece of a message: its English text, and its label ``problem.part.<label>``.

    Parameters
    ----------
    label
        The label's key without ``problem.part.``, e.g. ``"latitude"``.
    english
        The English text, as the label gives it in English.
    **args
        Values for the label's placeholders.

    Returns
    -------
    Translatable
        The piece, ready for any language.
    """
    return Translatable(english, f"problem.part.{label}", args)


def both(first: str, second: str | None = None) -> str:
    """
    Join one or two names with "and", in any language.

    Parameters
    ----------
    first, second
        The names; ``second`` may be None.

    Returns
    -------
    str
        ``first`` alone, or ``"first and second"`` (label ``problem.part.both``).
    """
    if second is None:
        return first
    return part("both", f"{first} and {second}", first=first, second=second)


def either(first: str, rest: str) -> Translatable:
    """
    Join a name and its alternatives with "or", in any language.

    Parameters
    ----------
    first
        The first name.
    rest
        The others, already listed.

    Returns
    -------
    Translatable
        ``"first or rest"`` (label ``problem.part.either``).
    """
    return part("either", f"{first} or {rest}", first=first, rest=rest)


def match_note(label: str, english: str, /, **args: MessageArg) -> Translatable:
    """
    Write a note of the match report in English, with its label ``problem.match.<label>``.

    Parameters
    ----------
    label
        The label's key without ``problem.match.``, e.g. ``"no_data"``.
    english
        The English note, as the label gives it in English.
    **args
        Values for the label's placeholders.

    Returns
    -------
    Translatable
        The note, ready for any language.
    """
    return Translatable(english, f"problem.match.{label}", args)


def clauses(*parts: str) -> str:
    """
    Join the non-empty parts of a note with "; ", each part keeping its label.

    Parameters
    ----------
    *parts
        Parts of a note, empty ones left out.

    Returns
    -------
    str
        ``""`` without parts, the one part, or the parts joined (label
        ``problem.match.clauses``).
    """
    shown = [text for text in parts if text]
    if not shown:
        return ""
    note = shown[0]
    for text in shown[1:]:
        note = match_note("clauses", f"{note}; {text}", first=note, then=text)
    return note


def mapping_args(option: str) -> dict[str, MessageArg] | None:
    """
    Give the arguments of a fix that maps a column, on the command line or in the app.

    Parameters
    ----------
    option
        The command-line option that takes the mapping, e.g. :data:`PARTICIPATION_OPTION`.

    Returns
    -------
    dict or None
        ``option`` (for the command line) and ``what``, the upload whose column mapping
        the app's Data page takes (e.g. "tabel peserta"); None for an option the app has
        no mapping for (the message then stays in English).
    """
    role = OPTION_ROLES.get(option)
    if role is None:
        return None
    return {"option": option, "what": i18n.phrase(f"upload.what.{role}")}
