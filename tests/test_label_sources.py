"""A number cited to a drug label comes from that drug's own label (issue 18, section 2).

Every side-effect number and every register claim that cites a source of type ``drug_label`` must be
about the drug that label is for (``sources.drug``).  The drug a row is about is the drug its side
effect's form names (bevacizumab, denosumab, zoledronic acid...), or, for a row of a whole treatment, the
drug its population or context names.  The zoledronic acid kidney figures of the previous review came
from the comparator's table; this is the check that keeps a number on the right document.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _rows(folder: Path, table: str) -> list[dict[str, str]]:
    with open(folder / f"{table}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _named(text: str, drugs: set[str]) -> set[str]:
    lower = text.lower().replace("_", " ")
    return {drug for drug in drugs if drug in lower}


def label_mismatches(folder: Path) -> list[str]:
    """Rows citing a drug label whose drug is not the drug the row is about (empty when all agree)."""
    labels = {r["id"]: r["drug"].lower() for r in _rows(folder, "sources") if r["type"] == "drug_label"}
    drugs = set(labels.values())
    subtypes = {r["id"]: r for r in _rows(folder, "modality_subtypes")}
    effects = {r["id"]: r for r in _rows(folder, "side_effects")}
    problems = []

    def check(place: str, cited: str, about: set[str]) -> None:
        for source in cited.split(";"):
            if source in labels and labels[source] not in about:
                problems.append(f"{place} cites {source} (a label for {labels[source]}) but is about "
                                f"{', '.join(sorted(about)) or 'no named drug'}")

    for row in _rows(folder, "side_effect_evidence"):
        effect = effects[row["side_effect_id"]]
        form = subtypes.get(effect["subtype_id"])
        about = _named(f"{form['id']} {form['name']}", drugs) if form else set()
        check(f"side_effect_evidence {row['id']}", row["source_ids"], about or _named(row["population"], drugs))
    for row in _rows(folder, "claims"):
        check(f"claim {row['id']}", row["source_ids"], _named(row["context"], drugs))
    return problems


def test_every_label_number_comes_from_its_own_drugs_label():
    assert label_mismatches(ROOT / "data") == []


def test_a_number_cited_to_another_drugs_label_is_refused(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy)
    path = copy / "side_effect_evidence.csv"
    rows = _rows(copy, "side_effect_evidence")
    target = next(r for r in rows if r["id"] == "ev_zol_hypocalcaemia")
    target["source_ids"] = "xgeva_label"  # a zoledronic acid number cited to the denosumab label
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    assert label_mismatches(copy) == [
        "side_effect_evidence ev_zol_hypocalcaemia cites xgeva_label (a label for denosumab) but is about zoledronic acid"]


def test_a_claim_citing_a_label_must_name_its_drug(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy)
    rows = _rows(copy, "claims")
    target = next(r for r in rows if r["id"] == "bev_stop_before_surgery")
    target["context"] = "elective surgery in a person having a monoclonal antibody"
    with open(copy / "claims.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    assert label_mismatches(copy) == [
        "claim bev_stop_before_surgery cites avastin_uspi (a label for bevacizumab) but is about no named drug"]
