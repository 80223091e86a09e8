"""Shared pytest fixtures. Keep each contributor's fixtures in its own marked section."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import geopandas as gpd
import pytest
import shapely
from hypothesis import HealthCheck, settings

from geo_outreach.analysis.locator_cache import ENV_VAR as GRID_CACHE_ENV_VAR
from geo_outreach.inputs import bundled
from geo_outreach.publish.export_log import ENV_VAR as EXPORT_LOG_ENV_VAR
from geo_outreach.roads.online import OFFLINE_ENV
from geo_outreach.store.location import DATABASE_ENV

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

# --- io / validate / reconcile fixtures (tests/test_codes.py, test_io.py, test_validate.py,
# --- test_reconcile.py) ----------------------------------------------------------------

TINY_CELL_DEG = 0.02
"""Side of a tiny village square in degrees (about 2.2 km)."""
TINY_ORIGIN = (110.36, -7.80)
"""Lower-left corner (lon, lat) of the tiny village grid, near Kota Yogyakarta."""

TINY_VILLAGES = (
    # code, name, kind, district, regency, column, row
    ("34.71.03.1001", "Demangan", "kelurahan", "Gondokusuman", "Kota Yogyakarta", 0, 0),
    ("34.71.03.1002", "Kotabaru", "kelurahan", "Gondokusuman", "Kota Yogyakarta", 1, 0),
    ("34.71.14.1001", "Prenggan", "kelurahan", "Kotagede", "Kota Yogyakarta", 2, 0),
    ("34.04.07.2001", "Caturtunggal", "desa", "Depok", "Kabupaten Sleman", 0, 1),
    ("34.04.07.2002", "Maguwoharjo", "desa", "Depok", "Kabupaten Sleman", 1, 1),
    ("34.04.07.2003", "Sidorejo", "desa", "Depok", "Kabupaten Sleman", 2, 1),
    ("34.04.06.2001", "Sinduadi", "desa", "Mlati", "Kabupaten Sleman", 0, 2),
    ("34.04.06.2002", "Sendangadi", "desa", "Mlati", "Kabupaten Sleman", 1, 2),
    ("34.04.06.2003", "Sidorejo", "desa", "Mlati", "Kabupaten Sleman", 2, 2),
)
"""Nine square villages: three kapanewon/kemantren in two kabupaten/kota. "Sidorejo"
occurs twice (Depok and Mlati), to test ambiguous names."""


def tiny_village_frame() -> gpd.GeoDataFrame:
    """
    Build the tiny village layer in EPSG:4326 with the canonical boundary columns.

    Returns
    -------
    gpd.GeoDataFrame
        Columns code, name, kind, district, district_code, regency, regency_code,
        population, geometry.
    """
    lon0, lat0 = TINY_ORIGIN
    records = [{
        "code": code, "name": name, "kind": kind, "district": district,
        "district_code": code[:8], "regency": regency, "regency_code": code[:5],
        "population": 1000 * (i + 1),
        "geometry": shapely.box(lon0 + col * TINY_CELL_DEG, lat0 + row * TINY_CELL_DEG,
                                lon0 + (col + 1) * TINY_CELL_DEG,
                                lat0 + (row + 1) * TINY_CELL_DEG),
    } for i, (code, name, kind, district, regency, col, row) in enumerate(TINY_VILLAGES)]
    return gpd.GeoDataFrame(records, crs="EPSG:4326")


@pytest.fixture
def tiny_villages() -> gpd.GeoDataFrame:
    """Nine hand-built square villages near Yogyakarta (see ``TINY_VILLAGES``)."""
    return tiny_village_frame()


@pytest.fixture(scope="session")
def bundled_villages() -> gpd.GeoDataFrame:
    """The 438 bundled DIY villages, EPSG:4326."""
    return bundled.read_units(bundled.VILLAGES_LAYER)


@pytest.fixture(scope="session")
def gondokusuman_villages() -> gpd.GeoDataFrame:
    """The 5 real kelurahan of Gondokusuman (Kota Yogyakarta) from the bundled layer."""
    return gpd.read_file(bundled.BOUNDARIES_GPKG, layer=bundled.VILLAGES_LAYER,
                         where="district = 'Gondokusuman'")

# --- end of io / validate / reconcile fixtures -----------------------------------------


# --- share privacy fixtures (tests/test_share.py, tests/test_static_map.py) -------------

@pytest.fixture(scope="session")
def household_register(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, object]:
    """The bundled analysis with a small register of ids, names, NIKs and addresses
    (:func:`tests.privacy_scan.small_register`): ``(result, register)``."""
    from tests.privacy_scan import small_register  # noqa: PLC0415 - runs the analysis

    return small_register(tmp_path_factory.mktemp("register"))

# --- end of share privacy fixtures ------------------------------------------------------


# --- export log fixtures (every test; tests/test_export_log.py) ------------------------

@pytest.fixture(scope="session", autouse=True)
def _offline() -> Iterator[None]:
    """Tests never download: the app and the commands see this machine as offline
    (servers started by tests inherit it)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(OFFLINE_ENV, "1")
        yield


@pytest.fixture(scope="session", autouse=True)
def _session_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Point the progress store (and the DEMO store beside it) into a temporary folder, so
    no test, app server or subprocess writes the user's real database."""
    folder = tmp_path_factory.mktemp("progress-store")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(DATABASE_ENV, f"sqlite:///{folder / 'progress.db'}")
        patch.setenv("XDG_DATA_HOME", str(folder / "data"))
        yield folder


@pytest.fixture(scope="session", autouse=True)
def _session_grid_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Keep village lookup grids in a temporary folder shared by the session's tests (and
    their servers and subprocesses), never in the user's cache folder."""
    folder = tmp_path_factory.mktemp("grid-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(GRID_CACHE_ENV_VAR, str(folder))
        yield folder


@pytest.fixture(scope="session", autouse=True)
def _session_export_log(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Point the export log into a temporary folder before any session fixture starts a
    server or a subprocess, so nothing is ever logged into the real home folder."""
    path = tmp_path_factory.mktemp("export-log") / "export-log.jsonl"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(EXPORT_LOG_ENV_VAR, str(path))
        yield path


@pytest.fixture(autouse=True)
def export_log_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Each test's own export log, in its ``tmp_path`` (``GEO_OUTREACH_EXPORT_LOG``)."""
    path = tmp_path / "export-log.jsonl"
    monkeypatch.setenv(EXPORT_LOG_ENV_VAR, str(path))
    return path

# --- end of export log fixtures --------------------------------------------------------
# --- property-based fuzzing (tests/test_fuzz_*.py) -------------------------------------

settings.register_profile(
    "fuzz",
    max_examples=60,
    deadline=None,  # reading a file takes as long as it takes; never timed
    derandomize=True,  # the same examples on every run, so CI is reproducible
    database=None,  # no .hypothesis/ folder
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("fuzz-deep", parent=settings.get_profile("fuzz"),
                          max_examples=500, derandomize=False)
# To search longer: pytest tests/test_fuzz_readers.py --hypothesis-profile=fuzz-deep
settings.load_profile("fuzz")

# --- end of property-based fuzzing -----------------------------------------------------


# --- the __main__ module (every test) ---------------------------------------------------

@pytest.fixture(autouse=True)
def _keep_main_module() -> Iterator[None]:
    """Put pytest's ``__main__`` back after each test. Streamlit's AppTest leaves its
    temporary script as ``__main__``, and Dask's worker processes (started by spawning)
    re-run ``__main__`` from its file: a later local cluster would fail to start."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main

# --- end of the __main__ module ---------------------------------------------------------


# --- analyses of the bundled data, shared by the stop tests ----------------------------

@pytest.fixture(scope="session")
def bundled_inputs():
    """The bundled DIY inputs, prepared once."""
    from geo_outreach.inputs.prepare import InputPaths, prepare_inputs  # noqa: PLC0415

    return prepare_inputs(InputPaths())


@pytest.fixture(scope="session")
def area_result(bundled_inputs):
    """The analysis of the bundled data (villages placed by area)."""
    from geo_outreach.analysis.pipeline import analyse  # noqa: PLC0415
    from geo_outreach.config import AnalysisParams  # noqa: PLC0415

    return analyse(bundled_inputs, AnalysisParams())


@pytest.fixture(scope="session")
def household_result(bundled_inputs):
    """The analysis of the bundled data with the DEMO household points."""
    from geo_outreach.analysis.household_reach import prepare_households  # noqa: PLC0415
    from geo_outreach.analysis.pipeline import analyse  # noqa: PLC0415
    from geo_outreach.config import AnalysisParams  # noqa: PLC0415

    return analyse(bundled_inputs, AnalysisParams(),
                   households=prepare_households(bundled_inputs, None))

# --- end of analyses of the bundled data -------------------------------------------------


@pytest.fixture
def app():
    """The app on the bundled data, after its first run (AppTest)."""
    from tests.app_driver import started_app  # noqa: PLC0415 - Streamlit only where used

    return started_app()


# --- PostgreSQL test databases (tests/postgres_cluster.py; the progress store's tests) --

if TYPE_CHECKING:
    from tests.postgres_cluster import PostgresCluster


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``postgresql`` marker (``-m "not postgresql"`` runs SQLite only)."""
    config.addinivalue_line(
        "markers", "postgresql: runs against the session's throw-away PostgreSQL cluster")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresCluster]:
    """A throw-away PostgreSQL cluster (unix socket only), started the first time a test
    asks for it and stopped at the end of the session. Skips, with the reason and the fix,
    where PostgreSQL cannot run (the skip is remembered: no second attempt)."""
    from tests.postgres_cluster import ClusterUnavailableError, start_cluster  # noqa: PLC0415

    try:
        cluster = start_cluster()
    except ClusterUnavailableError as err:
        pytest.skip(str(err))
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(params=[pytest.param("sqlite", id="sqlite"),
                        pytest.param("postgresql", id="postgresql",
                                     marks=pytest.mark.postgresql)])
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The SQLAlchemy URL of an empty database, once per backend: ``sqlite`` (a file in
    ``tmp_path``) and ``postgresql`` (a new database on ``postgres_server``, dropped after
    the test, connections and all)."""
    if request.param == "sqlite":
        tmp_path: Path = request.getfixturevalue("tmp_path")
        yield f"sqlite:///{tmp_path / 'progress.db'}"
        return
    server: PostgresCluster = request.getfixturevalue("postgres_server")
    with server.fresh_database() as url:
        yield url

# --- end of PostgreSQL test databases ---------------------------------------------------


# --- downloads behind the app's buttons (tests/test_app_language.py, test_app_placement.py)

@pytest.fixture
def deferred_downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], object]]:
    """The makers of the files behind the download buttons, by the buttons' file ids."""
    from streamlit.runtime.media_file_manager import MediaFileManager  # noqa: PLC0415

    makers: dict[str, Callable[[], object]] = {}
    register = MediaFileManager.add_deferred

    def remember(self: MediaFileManager, data_callable: Callable[[], object],
                 *args: object, **kwargs: object) -> str:
        file_id = register(self, data_callable, *args, **kwargs)  # type: ignore[arg-type]
        makers[file_id] = data_callable
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", remember)
    return makers


# --- parallel runs (pytest-xdist, as scripts/dev.sh test runs the suite) ----------------

def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep each test file on one worker (its module fixtures are made once), and every
    browser test on the same worker (one Chromium and app server at a time)."""
    del config
    for item in items:
        group = "browser" if "browser" in item.path.parts else item.path.stem
        item.add_marker(pytest.mark.xdist_group(group))
