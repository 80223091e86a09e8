"""
Check files uploaded through the app before any reader opens them.

A browser sends bytes and a name its user chose; neither is trusted. :func:`check_upload`
refuses a file that is empty, larger than its role's limit (:data:`UPLOAD_RULES`), of a
kind the role does not take, or whose first bytes do not match the format its name
claims (a PNG renamed ``.csv`` is refused). It also refuses names holding a path or a
control character, and ZIP files whose members point outside the archive.

The user's file name never becomes a path: an accepted :class:`Upload` is saved under
:attr:`Upload.stored_name`, chosen here from the role and a whitelisted suffix. The
readers then name that stored file in their problems; :func:`relabel` and
:func:`shown_file` put the user's own name back, so messages speak of the file the user
knows. Every refusal is an :class:`UploadError` whose :meth:`~UploadError.message`
speaks Bahasa Indonesia or English.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Final, Literal

from geo_outreach import i18n
from geo_outreach._errors import InputError, Problem
from geo_outreach.inputs.file_kinds import (
    BINARY_OPENINGS,
    PARQUET_OPENING,
    SQLITE_OPENING,
    ZIP_OPENING,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from geo_outreach.config import Language

Role = Literal["boundaries", "participation", "offices", "households", "roads", "padukuhan"]
Reason = Literal["bad_name", "unknown_type", "empty", "too_big", "wrong_content",
                 "unsafe_zip", "zip_too_big"]

BYTES_PER_MB: Final = 1024 * 1024
"""Streamlit's megabyte (``server.maxUploadSize`` is counted in these)."""
UNZIPPED_RATIO: Final = 10
"""A ZIP or XLSX may unpack to at most this many times its role's limit."""
SNIFF_BYTES: Final = 64 * 1024
"""How much of a text file is looked at to tell text from binary data."""
SHOWN_NAME_CHARS: Final = 80
"""Longer file names are cut in messages."""


@dataclass(frozen=True)
class UploadRule:
    """
    What one kind of upload may be.

    Attributes
    ----------
    max_mb
        The largest file accepted, in megabytes of 1024 × 1024 bytes.
    suffixes
        The accepted name endings, lower case with the dot.
    """

    max_mb: int
    suffixes: tuple[str, ...]

    @property
    def max_bytes(self) -> int:
        """The largest file accepted, in bytes."""
        return self.max_mb * BYTES_PER_MB


UPLOAD_RULES: Final[dict[Role, UploadRule]] = {
    # tables are a few thousand rows: 20 MB is far more than a real one needs
    "participation": UploadRule(20, (".csv", ".xlsx")),
    "offices": UploadRule(20, (".csv", ".xlsx", ".gpkg", ".geojson")),
    # detailed village outlines of a whole province fit in well under 200 MB
    "boundaries": UploadRule(200, (".gpkg", ".geojson", ".json", ".zip", ".parquet")),
    # millions of household points, or a province's roads
    "households": UploadRule(500, (".csv", ".parquet", ".gpkg")),
    # .json: an Overpass API response (as osmnx caches it) or GeoJSON, told apart by content
    "roads": UploadRule(500, (".osm", ".pbf", ".graphml", ".json", ".geojson", ".gpkg",
                              ".zip")),
    # hamlet outlines of one office's villages
    "padukuhan": UploadRule(200, (".gpkg", ".geojson", ".json", ".zip")),
}
"""Size limit and accepted suffixes per role. ``.streamlit/config.toml`` sets
``server.maxUploadSize`` to the largest limit."""

LARGEST_UPLOAD_MB: Final = max(rule.max_mb for rule in UPLOAD_RULES.values())

_STORED_SUFFIX: Final = {".pbf": ".osm.pbf"}  # the road reader knows PBF by ".osm.pbf"
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")
_TEXT_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")  # not tab, newlines, \f
_ABSOLUTE_OR_DRIVE: Final = re.compile(r"^([/\\]|[A-Za-z]:)")


@dataclass(frozen=True)
class Upload:
    """
    An accepted upload.

    Attributes
    ----------
    role
        What the file is for, a key of :data:`UPLOAD_RULES`.
    display_name
        The user's name for the file, for messages only.
    stored_name
        The name to save it under: the role and a whitelisted suffix, never the user's.
    size_bytes
        Its size.
    sha256
        The hex digest of its bytes: the same content gives the same digest.
    """

    role: Role
    display_name: str
    stored_name: str
    size_bytes: int
    sha256: str

    @property
    def key(self) -> tuple[str, str, str]:
        """Tell uploads apart by content and name (what a cached result depends on)."""
        return (self.role, self.sha256, self.display_name)


class UploadError(InputError):
    """
    An upload refused before reading: too big, of the wrong kind, or badly named.

    Attributes
    ----------
    reason
        Which check failed; the message is the label ``upload.<reason>`` of
        :mod:`geo_outreach.i18n` and its fix ``upload.<reason>.fix``.
    role
        The role the file was uploaded for.
    values
        What the message shows: the file's name and, as the reason needs, its size, the
        limit, the accepted formats, the expected format or the ZIP member.
    """

    def __init__(self, reason: Reason, role: Role, name: str, **values: object) -> None:
        self.reason: Reason = reason
        self.role: Role = role
        self.values: dict[str, object] = {"name": _shown(name), **values}
        super().__init__(Problem(_shown(name), None, None, None,
                                 self._text("", "en").rstrip("."), self._text(".fix", "en")))

    def message(self, lang: Language = "id") -> str:
        """
        Say what is wrong and how to fix it, in the user's language.

        Parameters
        ----------
        lang
            ``"id"`` or ``"en"``.

        Returns
        -------
        str
            E.g. "Berkas peserta.csv terlalu besar (62,0 MB). Batas untuk tabel peserta
            20 MB. Pastikan Anda memilih berkas yang benar."
        """
        return f"{self._text('', lang)} {self._text('.fix', lang)}"

    def _text(self, part: str, lang: Language) -> str:
        values = dict(self.values)
        values["what"] = i18n.t(f"upload.what.{self.role}", lang)
        if "size_bytes" in values:
            values["size"] = _megabytes(values["size_bytes"], lang)
        if "limit_mb" in values:
            values["limit"] = f"{i18n.format_number(values['limit_mb'], lang)} MB"
        return i18n.t(f"upload.{self.reason}{part}", lang, **values)


def accepted_types(role: Role) -> list[str]:
    """
    List the suffixes a role takes, as Streamlit's file uploader wants them.

    Parameters
    ----------
    role
        A key of :data:`UPLOAD_RULES`.

    Returns
    -------
    list of str
        Suffixes without the dot, e.g. ``["csv", "xlsx"]``.
    """
    return [suffix.removeprefix(".") for suffix in UPLOAD_RULES[role].suffixes]


def check_upload(role: Role, name: str, data: bytes) -> Upload:
    """
    Check an uploaded file and choose the name to save it under.

    Parameters
    ----------
    role
        What the file is for, a key of :data:`UPLOAD_RULES`.
    name
        The file's name as the browser sent it; used in messages only.
    data
        The file's bytes.

    Returns
    -------
    Upload
        The accepted file, with the name to save it under and its digest.

    Raises
    ------
    UploadError
        If the name holds a path or a control character, the suffix is not one the role
        takes, the file is empty or over the role's limit, its content does not match its
        suffix, or it is a ZIP with members outside the archive or too large unpacked.
    """
    rule = UPLOAD_RULES[role]
    if not name.strip() or name.strip() in {".", ".."} or "/" in name or "\\" in name \
            or _CONTROL.search(name):
        raise UploadError("bad_name", role, name)
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in rule.suffixes:
        raise UploadError("unknown_type", role, name,
                          formats=", ".join(accepted_types(role)))
    if not data:
        raise UploadError("empty", role, name)
    if len(data) > rule.max_bytes:
        raise UploadError("too_big", role, name, size_bytes=len(data), limit_mb=rule.max_mb)
    file_format, looks_right = _FORMATS[suffix]
    if not looks_right(data):
        raise UploadError("wrong_content", role, name, format=file_format, suffix=suffix)
    if suffix in {".zip", ".xlsx"}:
        _check_zip(data, role, name, limit_bytes=rule.max_bytes * UNZIPPED_RATIO)
    stored = f"upload-{role}{_STORED_SUFFIX.get(suffix, suffix)}"
    return Upload(role, name, stored, len(data), hashlib.sha256(data).hexdigest())


def shown_file(file: str, names: Mapping[str, str]) -> str:
    """
    Give back the user's name for a saved upload named in a message.

    Parameters
    ----------
    file
        A problem's file: a stored name, maybe with a path before it or a sheet after it
        (``upload-participation.xlsx (sheet 'Data')``).
    names
        :attr:`Upload.stored_name` to :attr:`Upload.display_name`.

    Returns
    -------
    str
        ``file`` with the stored name replaced by the user's name (and any folder before
        it dropped); unchanged when it names no upload.
    """
    for stored, shown in names.items():
        head, found, tail = file.partition(stored)
        if found and (not head or head.endswith(("/", "\\"))):
            return shown + tail
    return file


def relabel(problems: Iterable[Problem], names: Mapping[str, str]) -> list[Problem]:
    """
    Put the user's file names into problems the readers found in saved uploads.

    Parameters
    ----------
    problems
        Problems naming stored files.
    names
        :attr:`Upload.stored_name` to :attr:`Upload.display_name`.

    Returns
    -------
    list of Problem
        The same problems, each naming the file as the user knows it.
    """
    return [replace(p, file=shown_file(p.file, names)) for p in problems]


def _shown(name: str) -> str:
    """Make a name fit for a message: control characters replaced, long names cut."""
    printable = _CONTROL.sub("\N{REPLACEMENT CHARACTER}", name)
    if len(printable) > SHOWN_NAME_CHARS:
        printable = printable[:SHOWN_NAME_CHARS - 1] + "…"
    return printable or '""'


def _megabytes(size_bytes: object, lang: Language) -> str:
    return f"{i18n.format_number(int(str(size_bytes)) / BYTES_PER_MB, lang, decimals=1)} MB"


def _check_zip(data: bytes, role: Role, name: str, *, limit_bytes: int) -> None:
    """Refuse a ZIP whose members leave the archive, or that unpacks to too much."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as err:
        raise UploadError("wrong_content", role, name, format="ZIP",
                          suffix=PurePosixPath(name).suffix.lower()) from err
    for member in members:
        parts = re.split(r"[/\\]", member.filename)
        if _ABSOLUTE_OR_DRIVE.match(member.filename) or ".." in parts:
            raise UploadError("unsafe_zip", role, name, member=_shown(member.filename))
    unpacked = sum(member.file_size for member in members)
    if unpacked > limit_bytes:
        raise UploadError("zip_too_big", role, name, size_bytes=unpacked,
                          limit_mb=limit_bytes // BYTES_PER_MB)


def _text_sample(data: bytes) -> str | None:
    """Decode the start of a text file (UTF-8, UTF-16 with a BOM, a code page); None if binary."""
    sample = data[:SNIFF_BYTES]
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = sample[:len(sample) // 2 * 2].decode("utf-16", errors="replace")
    elif sample.startswith(BINARY_OPENINGS):
        return None
    else:  # a cut multi-byte character at the end is no reason to refuse
        text = sample.decode("utf-8", errors="replace")
    return None if _TEXT_CONTROL.search(text) else text


def _is_text(data: bytes) -> bool:
    return _text_sample(data) is not None


def _starts_with_text(*openings: str) -> Callable[[bytes], bool]:
    """Make a check for text whose first visible character is one of ``openings``."""
    def looks_right(data: bytes) -> bool:
        text = _text_sample(data)
        return text is not None and text.lstrip("\ufeff \t\r\n").startswith(openings)

    return looks_right


def _starts_with(signature: bytes) -> Callable[[bytes], bool]:
    return lambda data: data.startswith(signature)


def _is_parquet(data: bytes) -> bool:
    return data.startswith(PARQUET_OPENING) and data.endswith(PARQUET_OPENING)


def _is_osm_pbf(data: bytes) -> bool:
    """Tell an OSM PBF file: a 4-byte length, then a BlobHeader of type ``OSMHeader``."""
    return data[4:6] == b"\x0a\x09" and data[6:15] == b"OSMHeader"


_FORMATS: Final[dict[str, tuple[str, Callable[[bytes], bool]]]] = {
    ".csv": ("CSV", _is_text),
    ".xlsx": ("XLSX", _starts_with(ZIP_OPENING)),
    ".zip": ("ZIP", _starts_with(ZIP_OPENING)),
    ".gpkg": ("GeoPackage", _starts_with(SQLITE_OPENING)),
    ".parquet": ("Parquet", _is_parquet),
    ".geojson": ("GeoJSON", _starts_with_text("{")),
    ".json": ("GeoJSON", _starts_with_text("{")),
    ".osm": ("OSM XML", _starts_with_text("<")),
    ".graphml": ("GraphML", _starts_with_text("<")),
    ".pbf": ("OSM PBF", _is_osm_pbf),
}
"""Suffix to the format's name and a check of the file's first bytes."""
