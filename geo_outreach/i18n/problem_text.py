"""
Problems and input errors in the user's language, with fixes for the app or the command line.

A :class:`~geo_outreach._errors.Problem` is worded in English where it is found; when it
names its label (``key``) and the label's arguments (``args``), :func:`localized` writes
it in Bahasa Indonesia or English from the labels ``problem.<key>`` (the message) and
``problem.<key>.fix`` (the fix). Where the app and the command line fix a problem
differently (a column mapping is typed on the Data page, not given as
``--participation-columns``), the fix has two labels, ``problem.<key>.fix.app`` and
``problem.<key>.fix.cli``. A problem without a key, or one whose label is missing, keeps
its English words. :func:`describe_error` writes a whole error, as ``str(err)`` does in
English.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

from geo_outreach import i18n
from geo_outreach._errors import InputError, StoreError

if TYPE_CHECKING:
    from geo_outreach._errors import Problem
    from geo_outreach.config import Language

Surface = Literal["app", "cli"]
"""Where a fix is read: the app's pages, or the command line."""


@runtime_checkable
class WordsItsOwnMessage(Protocol):
    """An error that says itself what is wrong in a language (a refused upload)."""

    def message(self, lang: Language = "id") -> str:
        """Say what is wrong and how to fix it, in ``lang``."""
        ...


def fix_keys(key: str, surface: Surface) -> tuple[str, str]:
    """
    Name the labels a problem's fix may be written from, the more particular first.

    Parameters
    ----------
    key
        The problem's key, without the ``problem.`` prefix.
    surface
        ``"app"`` or ``"cli"``.

    Returns
    -------
    tuple of str
        ``problem.<key>.fix.<surface>`` and ``problem.<key>.fix``.
    """
    return f"problem.{key}.fix.{surface}", f"problem.{key}.fix"


def localized(problem: Problem, lang: Language = "id",
              surface: Surface = "app") -> tuple[str, str]:
    """
    Word a problem's message and fix in a language, for the app or the command line.

    Parameters
    ----------
    problem
        A problem, with or without a label key.
    lang
        ``"id"`` or ``"en"``.
    surface
        ``"app"``: the fix says what to do in the app (the Data page's column mapping, the
        sidebar's denominator); ``"cli"``: it names the command-line options.

    Returns
    -------
    message, fix
        From the problem's labels in ``lang``; the problem's own English message and fix
        when it has no key or its labels are missing.
    """
    return _labelled(problem, lang, surface) or (problem.message, problem.fix)


def _labelled(problem: Problem, lang: Language, surface: Surface) -> tuple[str, str] | None:
    """Write a problem from its labels; None without a key, or when a label is missing."""
    if problem.key is None or not i18n.has_label(f"problem.{problem.key}"):
        return None
    fix_key = next((k for k in fix_keys(problem.key, surface) if i18n.has_label(k)), None)
    if fix_key is None:
        return None
    try:
        args = {name: i18n.words(value, lang) for name, value in problem.args.items()}
        return (i18n.t(f"problem.{problem.key}", lang, **args),
                i18n.t(fix_key, lang, **args))
    except KeyError:  # a part of the message without its label: keep the English whole
        return None


def describe_problem(problem: Problem, lang: Language = "id", surface: Surface = "app") -> str:
    """
    Write one problem on one line, as ``str(problem)`` does in English.

    Parameters
    ----------
    problem
        The problem.
    lang
        ``"id"`` or ``"en"``.
    surface
        ``"app"`` or ``"cli"`` (see :func:`localized`).

    Returns
    -------
    str
        E.g. ``peserta.csv, baris 5, kolom 'lat' (nilai '110.4'): ... Perbaikan: ...``; a
        problem worded only in English is written wholly in English, as ``str(problem)``.
    """
    labelled = _labelled(problem, lang, surface)
    if labelled is None:
        return str(problem)
    message, fix = labelled
    where = [i18n.words(problem.file, lang)]
    if problem.row is not None:
        where.append(i18n.t("problem.text.row", lang, row=problem.row))
    if problem.column is not None:
        where.append(i18n.t("problem.text.column", lang, column=problem.column))
    located = ", ".join(where)
    if problem.value is not None:
        located += " " + i18n.t("problem.text.value", lang, value=problem.value)
    return i18n.t("problem.text.line", lang, where=located, message=message, fix=fix)


def describe_error(err: BaseException, lang: Language = "id", surface: Surface = "app") -> str:
    """
    Say what an error is about in the user's language, every problem on its own line.

    Parameters
    ----------
    err
        An error the app caught: an :class:`~geo_outreach._errors.InputError` (each of its
        problems is written with :func:`describe_problem`), a refused upload (its own
        message), or any other error (its English text).
    lang
        ``"id"`` or ``"en"``.
    surface
        ``"app"`` or ``"cli"`` (see :func:`localized`).

    Returns
    -------
    str
        The text to show; for an input error in English on the command line, ``str(err)``.
    """
    if isinstance(err, WordsItsOwnMessage) and callable(err.message):
        return err.message(lang)  # (a Protocol check sees only that a ``message`` exists)
    if isinstance(err, StoreError) and err.label is not None and surface == "app":
        values = {name: i18n.words(value, lang) for name, value in err.values.items()}
        return i18n.t("store.error.line", lang,
                      message=i18n.t(f"store.error.{err.label}", lang, **values),
                      fix=i18n.t(f"store.error.{err.label}.fix", lang, **values))
    if not isinstance(err, InputError):
        return str(err)
    lines = [describe_problem(problem, lang, surface) for problem in err.problems]
    if len(lines) > 1:
        lines.insert(0, i18n.t("problem.text.count", lang, count=len(lines)))
    return "\n".join(lines)
