"""
The DEMO months: the bundled synthetic tables of January–October 2024, loaded into a store.

The progress page and ``progress --demo`` read them from a store of their own (a SQLite
file beside the user's store, loaded on first use), so DEMO numbers never mix with real
months in the user's store. ``snapshot demo`` loads them into any store, to try a server.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from geo_outreach._errors import StoreError
from geo_outreach.inputs import bundled
from geo_outreach.inputs.file_kinds import file_sha256
from geo_outreach.inputs.prepare import InputPaths
from geo_outreach.store.database import Store, open_store
from geo_outreach.store.location import default_database_path
from geo_outreach.store.snapshot_files import import_table
from geo_outreach.store.snapshots import stored_months

if TYPE_CHECKING:
    from pathlib import Path

    from geo_outreach.store.snapshots import ImportOutcome

DEMO_FOLDER: Final = bundled.BUNDLED_DIR / "demo_months"
DEMO_FILE: Final = re.compile(r"demo_participation_(\d{4}-\d{2})\.csv$")
DEMO_DATABASE: Final = "demo-progress.db"
DEMO_IMPORTER: Final = "geo-outreach (DEMO)"


def demo_month_files() -> dict[str, Path]:
    """
    List the bundled DEMO tables by month.

    Returns
    -------
    dict of str to Path
        ``"2024-01"`` → its file, in month order.
    """
    found = {match.group(1): path for path in sorted(DEMO_FOLDER.glob("*.csv"))
             if (match := DEMO_FILE.search(path.name))}
    return dict(sorted(found.items()))


def load_demo_months(store: Store, *, replace: bool = False) -> list[ImportOutcome]:
    """
    Import every DEMO month into a store (a month already holding it is left as it is).

    A store that holds real months is refused before anything is stored: DEMO months
    never mix with real ones.

    Parameters
    ----------
    store
        The open store.
    replace
        Replace a month that holds another table (for the DEMO store itself).

    Returns
    -------
    list of ImportOutcome
        One per month, in month order.

    Raises
    ------
    StoreError
        If the store holds any month that is not DEMO.
    """
    real = stored_months(store)
    real = real[~real["is_demo"].astype(bool)]
    if len(real):
        raise StoreError(
            f"the store holds real months ({', '.join(real['month'])}): DEMO months would "
            "mix with them", "load the DEMO months into an empty store "
            "(--database sqlite:///demo.db), or use progress --demo", label="demo_mix",
            args={"months": ", ".join(real["month"])})
    return [import_table(store, month, InputPaths(participation=path), replace=replace,
                         imported_by=DEMO_IMPORTER)[0]
            for month, path in demo_month_files().items()]


def open_demo_store(path: Path | None = None) -> Store:
    """
    Open the DEMO store, loading the DEMO months the first time (or when they changed).

    Parameters
    ----------
    path
        The SQLite file; ``demo-progress.db`` beside the default store when None.

    Returns
    -------
    Store
        A store holding exactly the DEMO months.
    """
    path = path or default_database_path().with_name(DEMO_DATABASE)
    store = open_store(f"sqlite:///{path}")
    months = stored_months(store)
    stored = dict(zip(months["month"], months["file_sha256"], strict=True))
    bundled_files = {month: file_sha256(path) for month, path in demo_month_files().items()}
    if stored != bundled_files:  # first use, or the bundled DEMO tables changed
        load_demo_months(store, replace=True)
    return store
