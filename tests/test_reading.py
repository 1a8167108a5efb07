"""Citations and long table cells as a reader meets them (issue 22, item 9).

* A citation reads "Stacchiotti 2015", never the raw key
  ``stacchiotti2015_chordoma``; labels come from data/sources.csv.
* A "How often" cell shows its band and folds the cited numbers with their
  populations and sources (they ran to about 26 lines).
"""

from __future__ import annotations

import re

import pandas as pd

from helpers import lesson, side_effects
from helpers.tables import FOLD_LONGER_THAN, styled


def test_a_citation_reads_as_author_and_year_or_organisation():
    # literals read off data/sources.csv by hand
    assert lesson.source_label("stacchiotti2015_chordoma") == "Stacchiotti 2015"
    assert lesson.source_label("fisher2010_sins") == "Fisher 2010"
    assert lesson.source_label("arevalo2013_pdph") == "Arevalo-Rodriguez 2013"
    assert lesson.source_label("who2018_cancer_pain") == "World Health Organization 2018"
    assert lesson.source_label("nci_surgery") == "Surgery to Treat Cancer"  # undated: its title
    assert lesson.source_label("methotrexate_label") == "Methotrexate injection, USP"
    # two sources, one author and year: a and b, in the order of sources.csv
    assert (lesson.source_label("sahgal2013_vcf"), lesson.source_label("sahgal2013_myelopathy")) == (
        "Sahgal 2013a", "Sahgal 2013b")
    assert lesson.source_label("no_such_source") == "no_such_source"


def test_every_source_has_a_readable_label_and_no_two_share_one():
    from helpers.data import load

    ids = load("sources")["id"].astype(str).tolist()
    labels = [lesson.source_label(i) for i in ids]
    assert len(set(labels)) == len(labels)
    for source_id, label in zip(ids, labels):
        assert label != source_id and "_" not in label, (source_id, label)
        assert len(label) <= 70, label


def test_stored_notebooks_show_no_raw_source_key_as_a_citation():
    import json
    from pathlib import Path

    from helpers.data import load

    keys = set(load("sources")["id"].astype(str))
    root = Path(__file__).resolve().parents[1] / "notebooks"
    for path in sorted(root.glob("[0-9][0-9]_*.ipynb")):
        pages = [o.get("data", {}).get("text/html", "") for c in json.loads(path.read_text())["cells"]
                 for o in c.get("outputs", [])]
        shown = {m for page in pages for m in re.findall(r'href="#ref-[^"]+"[^>]*>([^<]+)</a>', "".join(page))}
        assert not shown & keys, f"{path.name}: raw keys shown as citations: {sorted(shown & keys)[:5]}"


def test_a_long_how_often_cell_shows_its_band_and_folds_the_numbers():
    long = "Very common: " + "; ".join(f"{n}% of people (population {n}; Source {n} 2015, results)" for n in range(10, 17))
    assert len(long) > FOLD_LONGER_THAN
    page = styled(pd.DataFrame({"Side effect": ["Pain flare"], "How often": [long]}), "Demo")._repr_html_()
    cell = re.search(r"<td[^>]*>(Very common\..*?)</td>", page, re.S).group(1)
    assert cell.startswith("Very common.<details>")
    assert "The cited numbers and their sources</summary>" in cell and "10% of people" in cell
    # a short cell, or another column, is not folded
    short = styled(pd.DataFrame({"How often": ["Common: 5% of people"], "Why": [long]}), "Demo 2")._repr_html_()
    assert short.count("<details>") == 0


def test_the_side_effect_tables_keep_every_row_short():
    page = side_effects.side_effect_table("radiation_therapy")._repr_html_()
    for cell in re.findall(r"<td[^>]*>(.*?)</td>", page, re.S):
        shown = re.sub(r"<details>.*?</details>", "", cell, flags=re.S)
        assert len(re.sub(r"<[^>]+>", "", shown)) <= 400, shown[:120]
