"""Source ids of the calculators (they resolve to ``data/sources.csv``)."""

from __future__ import annotations

SOURCE_IDS: tuple[str, ...] = (
    "fisher2010_sins",
    "fourney2011_sins_validation",
    "bilsky2010_escc",
    "laufer2013_noms",
    "nci_ctcae_v5",
    "taplitz2018_asco_idsa",
    "freifeld2011_idsa",
    "fowler1989_lq",
    "mosteller1987_bsa",
    "dubois1916_bsa",
    "kirkpatrick2010_quantec_cord",
    "patchell2005",
    "oken1982_ecog",
)

#: Source ids per calculator (";"-joined), for results that are plain values.
CALCULATOR_SOURCES: dict[str, str] = {
    "sins": "fisher2010_sins;fourney2011_sins_validation",
    "escc": "bilsky2010_escc",
    "noms": "laufer2013_noms;bilsky2010_escc;fisher2010_sins",
    "anc": "taplitz2018_asco_idsa;freifeld2011_idsa",
    "ctcae": "nci_ctcae_v5",
    "hypertension": "nci_ctcae_v5",
    "bed": "fowler1989_lq;kirkpatrick2010_quantec_cord",
    "bsa": "mosteller1987_bsa;dubois1916_bsa",
}
