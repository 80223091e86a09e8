"""Write a file whole or not at all: a temporary file beside it, renamed into place."""

from __future__ import annotations

import os
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable



def atomic_write(path: Path, write: Callable[[Path], None]) -> Path:
    """
    Write a file through a temporary sibling, then rename it into place.

    Parameters
    ----------
    path
        The final file.
    write
        Called with the temporary path; must create that file.

    Returns
    -------
    Path
        ``path``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix,
                                         dir=path.parent)
    os.close(handle)
    temporary_path = Path(temporary)
    try:
        temporary_path.unlink()  # some writers (GPKG) refuse an existing file
        write(temporary_path)
        temporary_path.replace(path)
    except BaseException:
        with suppress(FileNotFoundError):
            temporary_path.unlink()
        raise
    return path
