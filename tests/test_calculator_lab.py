"""What a student types into a calculator's number box in JupyterLab reaches the calculator unchanged.

The calculators' number boxes are ``FloatText`` (helpers.calculator_widgets).
In the browser an ``IntText`` strips "e", "." and "," as they are typed, so
"1e6" became 16 and was silently accepted as 16 fractions (issue 22), and a
bounded box clamps a value to its limits.  Here a small notebook with the BED
calculator and, as the control experiment, a bare ``IntText`` runs in a real
JupyterLab in headless Chromium (tests/lab_harness.py); the test types into
the boxes key by key, as a student does, and reads what the calculator says.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from lab_harness import chromium, jupyter_lab, open_notebook, run_all_cells

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.browser

CELLS = [
    "import this_copy\nfrom helpers import setup, calculator_widgets\nsetup()",
    'calculator_widgets.calculator("bed")',
    "import ipywidgets\nipywidgets.IntText(value=1, description='IntText for comparison')",
]


@pytest.fixture(scope="module")
def lab_page(tmp_path_factory):
    root = tmp_path_factory.mktemp("calc-lab")
    (root / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "this_copy.py", root / "notebooks" / "this_copy.py")
    (root / "src").symlink_to(ROOT / "src", target_is_directory=True)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root / "notebooks" / "typing.ipynb")
    with jupyter_lab(root, log=root / "jupyter-lab.log") as lab, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        open_notebook(page, lab, "notebooks/typing.ipynb")
        run_all_cells(page)
        page.wait_for_timeout(1000)
        yield page
        page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
        page.close()


def box(page, label: str):
    return page.locator(".widget-text", has_text=label).locator("input")


def type_into(page, label: str, text: str) -> None:
    field = box(page, label)
    field.click()
    field.press("Control+a")
    field.press_sequentially(text, delay=30)
    field.press("Tab")
    page.wait_for_timeout(600)


def result(page) -> str:
    """The text of the BED calculator's output: its controls' labels, the notes and the result or warning."""
    return page.locator(".jp-OutputArea-output", has_text="Biologically effective dose (BED) and EQD2").first.inner_text()


def test_typed_values_reach_the_calculator_and_get_one_line_in_nursing_words(lab_page):
    page = lab_page
    type_into(page, "IntText for comparison", "1e6")
    # The control experiment: this is what an IntText does to "1e6" (why the calculators do not use one).
    assert box(page, "IntText for comparison").input_value() == "16"

    type_into(page, "Number of fractions", "1e6")
    assert box(page, "Number of fractions").input_value() in ("1e6", "1000000")
    assert "Number of fractions: 1,000,000 is outside the plausible range; enter a whole number from 1 to 50." \
        in result(page)

    type_into(page, "Number of fractions", "2.5")
    assert "Number of fractions: enter a whole number from 1 to 50; 2.5 is not a whole number." in result(page)

    type_into(page, "Number of fractions", "1")
    type_into(page, "Total dose (Gy)", "3000")
    assert box(page, "Total dose (Gy)").input_value() == "3000"   # not clamped
    assert "if it is in cGy, divide by 100 (3,000 cGy = 30 Gy)" in result(page)

    type_into(page, "Total dose (Gy)", "8")
    assert "BED 14.4 Gy, EQD2 12.0 Gy" in result(page) and "Check the input" not in result(page)
