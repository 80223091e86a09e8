"""Field work for the app's tests: a plan's paper template filled in, a store holding both."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Final

from geo_outreach.analysis.pipeline import analyse
from geo_outreach.config import AnalysisParams
from geo_outreach.field.outcome_import import import_outcomes
from geo_outreach.field.plan_store import record_plan
from geo_outreach.field.routes import plan_routes
from geo_outreach.field.xlsform import PAPER_FILE, write_field_form
from geo_outreach.inputs.prepare import InputPaths, prepare_inputs
from geo_outreach.outcome_codes import PAPER_COLUMNS, REFUSED, REGISTERED
from geo_outreach.roads.networks import bundled_network
from geo_outreach.store.database import open_store
from geo_outreach.store.months import today_in_yogyakarta

if TYPE_CHECKING:
    from pathlib import Path

    from geo_outreach.field.plan import RoutePlan

REGISTERED_HOUSEHOLDS: Final = 2
REGISTERED_WORKERS: Final = 3
REFUSALS: Final = 1
"""What the filled-in template says of the plan's first stop."""


def filled_paper_template(plan: RoutePlan, folder: Path) -> tuple[bytes, str]:
    """
    Write a plan's paper template and fill in its first stop, as a typist would.

    Parameters
    ----------
    plan
        A recorded plan (with its id).
    folder
        Where the form package is written (made when missing).

    Returns
    -------
    bytes
        The template with the first stop visited on day 1: :data:`REGISTERED_HOUSEHOLDS`
        households registered (:data:`REGISTERED_WORKERS` workers, BPU) and
        :data:`REFUSALS` refused; the other stops left blank.
    str
        The first stop's code.
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths, _ = write_field_form(plan, folder, lang="id")
    [paper] = [path for path in paths if path.name == PAPER_FILE]
    plan_line, *table = paper.read_text(encoding="utf-8-sig").splitlines()
    delimiter = ";" if table[0].count(";") > table[0].count(",") else ","
    rows = list(csv.DictReader(table, delimiter=delimiter))
    header = {column: words["id"] for column, words in PAPER_COLUMNS.items()}
    first = rows[0]
    first[header["visited_on"]] = plan.day_date(1).isoformat()
    first[header[REGISTERED]] = str(REGISTERED_HOUSEHOLDS)
    first[header["workers_registered"]] = str(REGISTERED_WORKERS)
    first[header["segment"]] = "BPU"
    first[header[REFUSED]] = str(REFUSALS)
    out = io.StringIO()
    out.write(plan_line + "\n")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=delimiter,
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8"), first[header["stop_id"]]


def store_with_field_work(url: str, folder: Path) -> RoutePlan:
    """
    Fill a store as the app would: a plan of the first bundled office, and its outcomes.

    Parameters
    ----------
    url
        The store's URL (created when missing).
    folder
        Where the form package and the filled-in template are written.

    Returns
    -------
    RoutePlan
        The plan, with its id.
    """
    prepared = prepare_inputs(InputPaths(), radius_km=20.0)
    result = analyse(prepared, AnalysisParams(radius_km=5.0, target=0.4,
                                              denominator="labour_force"))
    office = str(result.offices["office_id"].iloc[0])
    plan = plan_routes(result, bundled_network(), office_id=office, teams=1, hours=6.0,
                       mode="walk", days=1, top=5, time_limit_s=1.0,
                       start_date=today_in_yogyakarta())
    store = open_store(url)
    try:
        plan = record_plan(store, plan, result, created_by="Kasi Pemasaran")
        content, _ = filled_paper_template(plan, folder)
        paper = folder / f"terisi_{PAPER_FILE}"
        paper.write_bytes(content)
        import_outcomes(store, paper, imported_by="Kasi Kepesertaan")
    finally:
        store.close()
    return plan
