"""The notebooks run top to bottom, headless, on the data mirror."""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
SHIPPED = Path(__file__).resolve().parents[2] / "src" / "inkling" / "models" / "digits-cnn.onnx"


@pytest.mark.skipif(not SHIPPED.is_file(), reason="no shipped digit model yet")
def test_digits_exploration_runs(data_dir: Path) -> None:
    notebook = nbformat.read(NOTEBOOKS / "digits_exploration.ipynb", as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=110, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 7
    text = "".join(o.get("text", "") for o in outputs)
    assert "accuracy 0.99" in text and "most frequent confusion" in text
