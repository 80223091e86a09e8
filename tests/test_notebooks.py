"""The worked notebooks run top to bottom on the bundled data."""

import json
from pathlib import Path

import nbformat
import pytest
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_top_to_bottom(path, tmp_path):
    notebook = nbformat.read(path, as_version=4)
    # The kernel talks over Unix sockets (ipc), so the test needs no network socket.
    kernel = KernelManager(kernel_name="python3", transport="ipc",
                           connection_file=str(tmp_path / "kernel.json"))
    client = NotebookClient(notebook, timeout=300, km=kernel,
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    errors = [output for cell in notebook.cells if cell.cell_type == "code"
              for output in cell.get("outputs", []) if output.get("output_type") == "error"]
    assert not errors
    written = tmp_path / "headline.json"
    if written.exists():  # the notebook's headline is the app's and the command line's
        from geo_outreach.analysis.headline import headline  # noqa: PLC0415
        from geo_outreach.analysis.pipeline import run_analysis  # noqa: PLC0415

        assert json.loads(written.read_text(encoding="utf-8")) == headline(
            run_analysis()).as_dict()
    progress = tmp_path / "progress_area.json"
    if progress.exists():  # the notebook's progress figures are the command line's
        from geo_outreach.cli import main  # noqa: PLC0415

        assert main(["progress", "--demo", "--out", str(tmp_path / "kemajuan")]) == 0
        manifest = json.loads((tmp_path / "kemajuan" / "run.json").read_text(encoding="utf-8"))
        [area] = manifest["area_summary"]
        for key, value in json.loads(progress.read_text(encoding="utf-8")).items():
            assert value == pytest.approx(area[key]), key
