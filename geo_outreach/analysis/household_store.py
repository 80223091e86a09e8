"""
Classified households held chunk by chunk: in memory while few, in a temporary folder beyond.

A register of a province or of the whole country has tens of millions of rows; holding each
household's classification (about 45 bytes) and its id in memory would make memory grow with
the file. :class:`ClassifiedChunks` keeps the chunks as the classification makes them; past
:data:`SPILL_ROWS` households they go to ``.npy`` files in a private temporary folder
(removed with the object), and every sum is made by reading them back one chunk at a time.
Memory then stays at a chunk, the running sums and a one-byte-per-row "kept" mask.

:class:`DuplicateIds` finds ids seen before by a 128-bit key per id, in the same two
regimes: the keys in memory while few, in 16 partition files beyond (each sorted on its own).
A key (:func:`id_keys`) is the id's value and length for ids of digits only (exact), else two
independent 64-bit hashes of its text: the chance that two different ids of a
100-million-row file agree on both is about 1 in 10^22.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from collections.abc import Iterator

SPILL_ROWS: Final = 6_000_000
"""Households kept in memory before the chunks go to disk (77 bytes each with the id's
key: about 460 MB at the threshold, so a whole run stays under 1.5 GB)."""

UNIQUE_FOLD: Final = 4_000_000
"""Per-chunk distinct cells are merged once they hold this many."""

PARTITION_BITS: Final = 4
"""Ids are hashed into 2**4 = 16 partition files by their hash's first bits."""
_HASH_KEYS: Final = ("geo-outreach-id1", "geo-outreach-id2")  # 16 characters each
_RECORD: Final = np.dtype([("h1", "<u8"), ("h2", "<u8"), ("position", "<i8"), ("row", "<i8")])


CLASSIFIED_DTYPES: Final = {
    "rows": np.int64, "village": np.int32, "office": np.int32, "distance_m": np.float32,
    "within": bool, "h3": np.uint64, "workers": np.int32, "registered": np.int32,
    "x": np.float32, "y": np.float32,
}
"""Each field of :class:`Classified` (in order) and its dtype."""


@dataclass
class Classified:
    """
    The usable households, one array element each (no coordinates, no ids kept).

    Attributes
    ----------
    rows
        The user's row numbers.
    village, office
        Indices into :attr:`StudyArea.village_codes` / :attr:`StudyArea.office_ids`.
    distance_m
        Straight-line distance to the nearest office.
    within
        True when the nearest office is within the radius.
    h3
        The H3 cell (uint64).
    workers, registered
        Counts per household.
    x, y
        The point in the study area's metric CRS, kept in memory only (for the distance
        along the roads); never written to any output.
    """

    rows: np.ndarray
    village: np.ndarray
    office: np.ndarray
    distance_m: np.ndarray
    within: np.ndarray
    h3: np.ndarray
    workers: np.ndarray
    registered: np.ndarray
    x: np.ndarray
    y: np.ndarray

    @classmethod
    def concat(cls, parts: list[Classified]) -> Classified:
        """Join chunks (an empty list gives an empty result)."""
        if not parts:
            return cls(*(np.empty(0, dtype=d) for d in CLASSIFIED_DTYPES.values()))
        return cls(*(np.concatenate([getattr(p, n) for p in parts]) for n in CLASSIFIED_DTYPES))

    def take(self, keep: np.ndarray) -> Classified:
        """Keep the rows where ``keep`` is True."""
        return Classified(*(getattr(self, n)[keep] for n in CLASSIFIED_DTYPES))

    def __len__(self) -> int:
        """Count the households."""
        return len(self.rows)


def private_folder(owner: object, prefix: str) -> Path:
    """
    Make a temporary folder (readable by this user only) removed when ``owner`` goes.

    Parameters
    ----------
    owner
        The object whose data the folder holds.
    prefix
        The folder name's start, so a user who finds one knows what it is.

    Returns
    -------
    Path
        The folder; removed with its files when ``owner`` is garbage-collected or at exit.
    """
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    weakref.finalize(owner, shutil.rmtree, folder, ignore_errors=True)
    return folder


MAX_DIGITS: Final = 19
"""The longest id of digits keyed by its value (any 19-digit number fits in 64 bits)."""

_NUMERIC: Final = np.uint64(1 << 63)
"""Marks a key made of the id's digits (never set in a hashed key's second half)."""


def id_keys(ids: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """
    Give each id a 128-bit key (two uint64): equal ids, equal keys.

    Ids of digits only (KK numbers, up to 19 digits) are keyed exactly by their value and
    their length, so ``007`` and ``7`` differ and no two such ids can collide; other ids by
    two independent 64-bit hashes of their text (top bit of the second cleared, so the two
    kinds never meet).

    Parameters
    ----------
    ids
        The ids as text.

    Returns
    -------
    h1, h2
        The keys' two halves.
    """
    text = ids.astype("string").fillna("").to_numpy(dtype=object)
    digits = np.fromiter((len(t) <= MAX_DIGITS and t.isascii() and t.isdigit() for t in text),
                         dtype=bool, count=len(text))
    h1 = np.empty(len(text), dtype=np.uint64)
    h2 = np.empty(len(text), dtype=np.uint64)
    if digits.any():
        numbers = text[digits].astype(str)
        h1[digits] = numbers.astype(np.uint64)
        h2[digits] = np.char.str_len(numbers).astype(np.uint64) | _NUMERIC
    if not digits.all():
        others = text[~digits]
        h1[~digits] = pd.util.hash_array(others, hash_key=_HASH_KEYS[0], categorize=False)
        h2[~digits] = pd.util.hash_array(others, hash_key=_HASH_KEYS[1],
                                         categorize=False) & ~_NUMERIC
    return h1, h2


def mix64(values: np.ndarray) -> np.ndarray:
    """
    Spread 64-bit values over all bits, one to one (splitmix64's finaliser).

    Parameters
    ----------
    values
        uint64 values.

    Returns
    -------
    np.ndarray
        uint64, wrapping multiplication (as the finaliser is defined).
    """
    with np.errstate(over="ignore"):
        z = values.astype(np.uint64)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


class ClassifiedChunks:
    """
    The classified households of one file, in row order, chunk by chunk.

    Parameters
    ----------
    spill_rows
        Households held in memory before the chunks are written to disk
        (:data:`SPILL_ROWS` when None).
    """

    def __init__(self, spill_rows: int | None = None) -> None:
        self._spill_rows = SPILL_ROWS if spill_rows is None else spill_rows
        self._memory: list[Classified] = []
        self._files: list[Path] = []
        self._folder: Path | None = None
        self._sizes: list[int] = []
        self._dropped = np.zeros(0, dtype=bool)
        self._whole: Classified | None = None
        self._cells: np.ndarray | None = None

    @property
    def spilled(self) -> bool:
        """True once the chunks live on disk."""
        return self._folder is not None

    @property
    def positions(self) -> int:
        """Households appended (before duplicates are dropped)."""
        return sum(self._sizes)

    def append(self, part: Classified) -> None:
        """Add the next chunk (row order); past :data:`SPILL_ROWS` every chunk goes to disk."""
        self._sizes.append(len(part))
        self._whole = self._cells = None
        if self._folder is None and self.positions > self._spill_rows:
            self._folder = private_folder(self, "geo-outreach-households-")
            for earlier in self._memory:
                self._write(earlier)
            self._memory = []
        if self._folder is None:
            self._memory.append(part)
        else:
            self._write(part)

    def _write(self, part: Classified) -> None:
        assert self._folder is not None
        path = self._folder / f"chunk-{len(self._files):06d}.npy"
        record = np.empty(len(part), dtype=list(CLASSIFIED_DTYPES.items()))
        for name in CLASSIFIED_DTYPES:
            record[name] = getattr(part, name)
        np.save(path, record, allow_pickle=False)
        self._files.append(path)

    def drop(self, positions: np.ndarray) -> None:
        """Leave out the households at these positions (0-based, in appended order)."""
        if len(self._dropped) != self.positions:
            self._dropped = np.zeros(self.positions, dtype=bool)
        self._dropped[positions] = True
        self._whole = self._cells = None

    def _all_chunks(self) -> Iterator[Classified]:
        if self._folder is None:
            yield from self._memory
            return
        for path in self._files:
            record = np.load(path, allow_pickle=False)
            yield Classified(*(np.ascontiguousarray(record[name]) for name in CLASSIFIED_DTYPES))

    def __iter__(self) -> Iterator[Classified]:
        """Yield each chunk's kept households, one chunk in memory at a time."""
        start = 0
        for part in self._all_chunks():
            end = start + len(part)
            dropped = self._dropped[start:end] if len(self._dropped) else None
            start = end
            yield part if dropped is None or not dropped.any() else part.take(~dropped)

    def __len__(self) -> int:
        """Households kept."""
        return self.positions - int(self._dropped.sum())

    def unique_cells(self) -> np.ndarray:
        """Return the distinct H3 cells of the kept households, sorted (uint64)."""
        if self._cells is None:
            found: list[np.ndarray] = []
            for part in self:
                found.append(np.unique(part.h3))
                if sum(len(cells) for cells in found) > UNIQUE_FOLD:
                    found = [np.unique(np.concatenate(found))]
            self._cells = (np.unique(np.concatenate(found)) if found
                           else np.zeros(0, dtype=np.uint64))
        return self._cells

    def whole(self) -> Classified:
        """All kept households as one :class:`Classified` (in memory: for small files)."""
        if self._whole is None:
            self._whole = Classified.concat(list(self))
        return self._whole


class DuplicateIds:
    """
    Find household ids seen before, chunk by chunk, by each id's 128-bit key (:func:`id_keys`).

    The keys (32 bytes a row with position and row number) stay in memory while few; past
    ``spill_rows`` they go to 16 partition files, each sorted on its own at the end.

    Parameters
    ----------
    spill_rows
        Ids held in memory before their keys go to partition files
        (:data:`SPILL_ROWS` when None).
    """

    def __init__(self, spill_rows: int | None = None) -> None:
        self._spill_rows = SPILL_ROWS if spill_rows is None else spill_rows
        self._records: list[np.ndarray] = []
        self._count = 0
        self._folder: Path | None = None

    def add(self, ids: pd.Series, rows: np.ndarray) -> None:
        """Add a chunk's ids of usable households, with their row numbers."""
        record = np.empty(len(ids), dtype=_RECORD)
        record["h1"], record["h2"] = id_keys(ids)
        record["position"] = np.arange(self._count, self._count + len(ids))
        record["row"] = rows
        self._count += len(ids)
        if self._folder is None and self._count > self._spill_rows:
            self._folder = private_folder(self, "geo-outreach-ids-")
            for earlier in self._records:
                self._to_partitions(earlier)
            self._records = []
        if self._folder is None:
            self._records.append(record)
        else:
            self._to_partitions(record)

    def _to_partitions(self, record: np.ndarray) -> None:
        assert self._folder is not None
        part = (mix64(record["h1"] ^ record["h2"]) >> np.uint64(64 - PARTITION_BITS)
                ).astype(np.intp)
        for number in np.unique(part):
            path = self._folder / f"ids-{number:02d}.bin"
            with path.open("ab") as handle:
                record[part == number].tofile(handle)

    def duplicates(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """
        Every occurrence of an id after its first.

        Returns
        -------
        positions, rows, first_rows
            The repeats' positions (0-based, in added order) and rows, and the row of
            each one's first occurrence; sorted by position.
        """
        if self._folder is None:
            parts = [_repeats(np.concatenate(self._records))] if self._records else []
        else:
            parts = [_repeats(np.fromfile(path, dtype=_RECORD))
                     for path in sorted(self._folder.iterdir())]
        found = [part for part in parts if len(part[0])]
        if not found:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        positions, rows, firsts = (np.concatenate(column) for column in zip(*found, strict=True))
        order = np.argsort(positions, kind="stable")
        return positions[order], rows[order], firsts[order]


def _repeats(record: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Find the records whose key came before: their position, row and first row."""
    record = record[np.lexsort((record["position"], record["h2"], record["h1"]))]
    same = np.zeros(len(record), dtype=bool)
    same[1:] = (record["h1"][1:] == record["h1"][:-1]) & (record["h2"][1:] == record["h2"][:-1])
    group_start = np.maximum.accumulate(np.where(same, 0, np.arange(len(record))))
    return (record["position"][same], record["row"][same], record["row"][group_start][same])
