"""
Facts about a file from its bytes: what it really is, whatever its name says, and its sha256.

One table, :data:`BINARY_KINDS`, serves both the readers (a workbook renamed ``.csv`` is
refused with what it really is) and the app's upload check (an upload's content must
match its suffix).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from geo_outreach._errors import Translatable

if TYPE_CHECKING:
    from pathlib import Path


@dataclass(frozen=True)
class BinaryKind:
    """
    A kind of binary file, known by its opening bytes.

    Attributes
    ----------
    opening
        The bytes every such file starts with.
    description
        What it is, as a message says it: "a PNG picture" (with its label
        ``problem.part.binary.<suffix>``, to be shown in the user's language).
    suffix
        Its usual file-name ending, with the dot.
    """

    opening: bytes
    description: str
    suffix: str


ZIP_OPENING: Final = b"PK\x03\x04"
"""How a zip archive starts, and so an Excel workbook (.xlsx) and a zipped shapefile."""
SQLITE_OPENING: Final = b"SQLite format 3\x00"
"""How a GeoPackage starts (it is an SQLite database)."""
PARQUET_OPENING: Final = b"PAR1"
"""How a Parquet file starts, and ends."""

BINARY_KINDS: Final = tuple(
    BinaryKind(opening, Translatable(description, f"problem.part.binary.{suffix[1:]}"), suffix)
    for opening, description, suffix in (
        (ZIP_OPENING, "an Excel workbook (.xlsx) or another zip archive", ".xlsx"),
        (b"PK\x05\x06", "an empty zip archive", ".zip"),
        (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls)", ".xls"),
        (SQLITE_OPENING, "a GeoPackage or SQLite database", ".gpkg"),
        (PARQUET_OPENING, "a Parquet file", ".parquet"),
        (b"\x89PNG", "a PNG picture", ".png"),
        (b"\xff\xd8\xff", "a JPEG picture", ".jpg"),
        (b"GIF8", "a GIF picture", ".gif"),
        (b"%PDF", "a PDF document", ".pdf"),
        (b"\x1f\x8b", "a gzip archive", ".gz"),
        (b"7z\xbc\xaf", "a 7-Zip archive", ".7z"),
        (b"Rar!", "a RAR archive", ".rar"),
        (b"MZ", "a Windows program", ".exe"),
    ))
"""The binary files a user may hand in by mistake, and those the tool reads."""

BINARY_OPENINGS: Final = tuple(kind.opening for kind in BINARY_KINDS)
"""Every opening in :data:`BINARY_KINDS`, for ``bytes.startswith``."""


def binary_kind(head: bytes) -> BinaryKind | None:
    """
    Recognise a binary file from its first bytes.

    Parameters
    ----------
    head
        The file's first bytes (16 are enough).

    Returns
    -------
    BinaryKind or None
        What the file is, or None when it is none of :data:`BINARY_KINDS` (text, or a
        binary kind the tool does not know).
    """
    return next((kind for kind in BINARY_KINDS if head.startswith(kind.opening)), None)


def file_sha256(path: Path) -> str:
    """
    Return the hex sha256 of a file's bytes (read in blocks: any size is fine).

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    str
        64 hexadecimal digits: what the run record and the export log name an input by.
    """
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
