"""
The layout's rules, checked on the source: stages import only earlier stages, no cycles.

Every import counts, also those under ``if TYPE_CHECKING:`` and inside functions: a cycle
that only shows while type checking is still a knot a newcomer must untie.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "geo_outreach"
APP_FILES = [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py"))]

STAGES = ("inputs", "store", "analysis", "roads", "field", "render", "publish", "cli")
"""The stages in order: each may import the ones before it, never one after it."""

MAX_MODULE_LINES = 500


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imported(path: Path) -> set[str]:
    """Every geo_outreach module a file imports, wherever the import statement stands."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in MODULES else node.module)
    return {name for name in found if name in MODULES}


GRAPH = {name: _imported(path) - {name} for name, path in MODULES.items()}


def _stage(module: str) -> int | None:
    """The stage's rank, or None for the shared modules beside the stages."""
    parts = module.split(".")
    return STAGES.index(parts[1]) if len(parts) > 1 and parts[1] in STAGES else None


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or around a loop."""
    digraph = nx.DiGraph([(module, other) for module, imports in graph.items()
                          for other in imports])
    return sorted(sorted(group) for group in nx.strongly_connected_components(digraph)
                  if len(group) > 1)


def test_the_stages_are_subpackages_with_a_docstring():
    for stage in STAGES:
        init = PACKAGE / stage / "__init__.py"
        assert init.is_file(), stage
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), stage


def test_there_is_no_import_cycle():
    assert _cycles(GRAPH) == []


def test_the_cycle_check_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_stage_imports_a_later_one():
    wrong = []
    for module, imports in GRAPH.items():
        rank = _stage(module)
        if rank is None:
            continue
        wrong += [(module, other) for other in sorted(imports)
                  if (_stage(other) or 0) > rank]
    assert wrong == []


def test_the_shared_modules_import_no_stage():
    shared = [name for name in GRAPH if _stage(name) is None and name != "geo_outreach"]
    assert "geo_outreach.config" in shared
    wrong = [(module, other) for module in shared for other in sorted(GRAPH[module])
             if _stage(other) is not None]
    assert wrong == []


def test_only_the_command_line_imports_the_command_line():
    wrong = [(module, other) for module, imports in GRAPH.items()
             for other in imports if _stage(other) == STAGES.index("cli")
             and _stage(module) != STAGES.index("cli")]
    assert wrong == []


def test_importing_the_package_loads_no_stage():
    """The public names load on first use: ``import geo_outreach`` stays cheap."""
    code = ("import sys, geo_outreach; "
            "print(sorted(m for m in sys.modules if m.startswith('geo_outreach.')))")
    loaded = subprocess.run([sys.executable, "-c", code],  # noqa: S603 - our own code
                            capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"


def test_the_public_names_resolve():
    import geo_outreach  # noqa: PLC0415 - the lazy names are the subject

    for name in geo_outreach.__all__:
        assert getattr(geo_outreach, name) is not None, name
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = geo_outreach.nothing


@pytest.mark.parametrize("path", [*MODULES.values(), *APP_FILES],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_over_500_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_MODULE_LINES


def test_the_library_never_imports_streamlit():
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for alias in node.names}
        names |= {node.module or "" for node in ast.walk(tree)
                  if isinstance(node, ast.ImportFrom)}
        assert not {n for n in names if n.split(".")[0] in {"streamlit", "streamlit_folium"}}, (
            module)


def test_the_app_holds_no_analysis_code():
    """The app's files draw what the library computes: no geometry or array maths there."""
    computing = {"geopandas", "shapely", "pyproj", "numpy", "scipy", "h3", "osmnx", "ortools"}
    for path in APP_FILES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {alias.name.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.Import) for alias in node.names}
        names |= {(node.module or "").split(".")[0] for node in ast.walk(tree)
                  if isinstance(node, ast.ImportFrom)}
        assert not names & computing, (path.name, names & computing)


def test_every_public_name_is_listed_once():
    import geo_outreach  # noqa: PLC0415

    assert sorted(geo_outreach.__all__) == sorted({"__version__", *geo_outreach._PUBLIC})


def test_the_command_line_starts_without_the_map_and_network_stacks():
    """folium, matplotlib, osmnx and Dask load only when a command needs them."""
    heavy = ("folium", "branca", "matplotlib", "osmnx", "pyrosm", "dask", "distributed",
             "streamlit")
    code = (f"import sys, geo_outreach.cli; print(sorted(m for m in {heavy!r} "
            "if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code],  # noqa: S603 - our own code
                            capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"
