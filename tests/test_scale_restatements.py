"""Scales restated in prose agree with the published scale AND with the calculators.

The lessons, the data text (CSV cells, the claims register, quiz and instructor
JSON) and the quiz feedback restate the scales in words: "0–6 stable, 7–12
potentially unstable, 13–18 unstable", "2 and 3 are high grade", "a systolic
of 160 or more is grade 3", "severe below 500", "38.3 °C once, or 38.0 °C or
more lasting an hour", "an EQD2 of 12 Gy".  nbval cannot tell a wrong number
from a changed one, and the next ``make notebooks`` would accept it; so each
restatement is found here with a regular expression over the raw text and
checked twice: against the published value, typed below as a literal (Fisher
2010 / Fourney 2011, Bilsky 2010, CTCAE v5.0, ASCO/IDSA 2018, IDSA 2010, NICE
CG151, Fowler 1989, Mosteller 1987), and against ``helpers.calculators``, so
neither the prose nor the code can drift alone.

A finder that stops finding anything fails too (:func:`test_every_finder_finds_its_restatements`):
rewording a sentence so that no pattern matches must come with a pattern that does.
"""

from __future__ import annotations

import csv
import functools
import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import calculators as calc

ROOT = Path(__file__).resolve().parents[1]

# -- the published values, typed from the sources --------------------------------------------

#: SINS categories (Fisher et al. 2010; Fourney et al. 2011), totals inclusive.
SINS_BANDS = {"stable": (0, 6), "potentially unstable": (7, 12), "unstable": (13, 18)}
SINS_SYNONYMS = {"possibly unstable": "potentially unstable"}
SINS_CONSULT_FROM = 7  # a total of 7 or more: surgical consultation
SINS_PAIN_POINTS = {"mechanical": 3, "occasional": 1, "none": 0}  # 3/1/0, not 3/2/1
SINS_JUNCTIONAL = {"OCCIPUT", "C1", "C2", "C7", "T1", "T2", "T11", "T12", "L1", "L5", "S1"}
#: ESCC (Bilsky et al. 2010): high grade = 2 and 3; 1c borderline.
ESCC_CATEGORY = {"0": "low", "1a": "low", "1b": "low", "1c": "borderline", "2": "high", "3": "high"}
#: CTCAE v5.0 adult hypertension: grade -> (systolic, diastolic) from which it starts (mm Hg).
HYPERTENSION_FROM = {1: (120, 80), 2: (140, 90), 3: (160, 100)}
#: Neutropenia (ASCO/IDSA, Taplitz et al. 2018), ANC in cells/µL: below 1500 neutropenia, below 500 severe.
NEUTROPENIA_BELOW = 1500
SEVERE_NEUTROPENIA_BELOW = 500
#: IDSA 2010 (Freifeld et al.): a single oral 38.3 °C or more, or 38.0 °C or more over an hour.
IDSA_FEVER = (38.3, 38.0)
#: NICE CG151: suspect neutropenic sepsis with a temperature above 38 °C (or any sign of sepsis).
NICE_CG151_ABOVE = 38.0
#: CTCAE v5.0 Febrile neutropenia grade 3: ANC below 1000/mm3 with >38.3 °C once or >=38 °C for over an hour.
CTCAE_FEBRILE_NEUTROPENIA = (1000, 38.3, 38.0)
#: CTCAE v5.0 Alopecia: grade 1 under 50% hair loss, grade 2 50% or more, no grade 3.
ALOPECIA_G2_FROM = 50
#: CTCAE v5.0 Diarrhea grade 3: an increase of 7 or more stools a day over baseline.
DIARRHOEA_G3_FROM = 7
#: Mosteller 1987: sqrt(height cm x weight kg / 3600).
MOSTELLER_DIVISOR = 3600
#: Worked radiobiology values the lessons quote, (total Gy, fractions, alpha/beta Gy) -> values
#: (clinical reference section 16: 8 Gy x 1 -> BED10 14.4, EQD2 12.0; 30 Gy/10 -> EQD2 32.5).
WORKED = {
    (8, 1, 10): {"BED": 14.4, "EQD2": 12.0},
    (8, 1, 2): {"BED": 40.0, "EQD2": 20.0},
    (30, 10, 10): {"BED": 39.0, "EQD2": 32.5},
    (20, 5, 10): {"BED": 28.0, "EQD2": 23.3},
    (8, 4, 10): {"BED": 9.6, "EQD2": 8.0},  # 4 fractions of 2 Gy
}

# -- the texts a reader sees --------------------------------------------------------------------


def _strings(value, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


_MARKER_TAG = re.compile(r"<!-- /?claim(?::[^>]*)? -->")


def _as_read(text: str) -> str:
    """A text as the reader sees it: a claim reference shows the register's wording (so a band the register
    renders is checked like a typed one), and a notebook's claim markers keep only the wording between them."""
    from helpers.claims import resolve

    return _MARKER_TAG.sub("", resolve(text)) if "{{" in text or "<!-- " in text else text


def reader_texts() -> list[tuple[str, str]]:
    """(place, text): notebook markdown, every CSV cell (register included), quiz and instructor JSON, each
    as the reader sees it (claim references rendered)."""
    out = []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "markdown":
                out.append((f"notebooks/{path.name} cell {cell['id']}", "".join(cell["source"])))
    for path in sorted((ROOT / "data").glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                for column, text in row.items():
                    if text:
                        out.append((f"data/{path.name} line {number} {column}", text))
    for folder in ("quizzes", "instructor"):
        for path in sorted((ROOT / "data" / folder).glob("*.json")):
            if path.name != "schema.json":
                out.extend(_strings(json.loads(path.read_text(encoding="utf-8")), f"data/{folder}/{path.name}"))
    return [(place, _as_read(text)) for place, text in out]


TEXTS = reader_texts()

# -- finders: each yields the problems of one kind of restatement ----------------------------------


@dataclass(frozen=True)
class Finder:
    name: str
    pattern: re.Pattern
    check: Callable[[re.Match, str], list[str]]  # (match, whole text) -> problems


FINDERS: list[Finder] = []


def finder(name: str, pattern: str):
    def register(check):
        FINDERS.append(Finder(name, re.compile(pattern, re.IGNORECASE), check))
        return check
    return register


_DASH = r"\s*(?:–|-|to)\s*"
_SINS_WORD = r"(stable|potentially unstable|possibly unstable|unstable)"


def _sins_word(word: str) -> str:
    word = " ".join(word.lower().split())
    return SINS_SYNONYMS.get(word, word)


def _sins_range_problems(low: int, high: int, category: str | None) -> list[str]:
    """A SINS range against the published bands and against calc.sins_category."""
    problems = []
    if category is not None and SINS_BANDS.get(category) != (low, high):
        problems.append(f"SINS {category} is {SINS_BANDS.get(category)} (Fisher 2010), not {low}-{high}")
    if category is None and (low, high) not in SINS_BANDS.values():
        problems.append(f"SINS {low}-{high} is not one of the published bands {sorted(SINS_BANDS.values())}")
    if not 0 <= low <= high <= 18:
        return problems + [f"SINS {low}-{high} is outside 0-18"]
    shown = {calc.sins_category(t) for t in range(low, high + 1)}
    if len(shown) != 1 or (category is not None and shown != {category}):
        problems.append(f"calculators: SINS {low}-{high} gives {sorted(shown)}")
    inside = shown.pop() if len(shown) == 1 else None
    for edge in (low - 1, high + 1):
        if 0 <= edge <= 18 and calc.sins_category(edge) == inside:
            problems.append(f"calculators: SINS {edge} is also {inside}, so the band is not {low}-{high}")
    return problems


@finder("SINS band with its category", rf"\b(\d+){_DASH}(\d+)\)?\s*(?:is |are |means (?:the spine is )?)?{_SINS_WORD}")
def _sins_band_named(m: re.Match, text: str) -> list[str]:
    return _sins_range_problems(int(m[1]), int(m[2]), _sins_word(m[3]))


@finder("SINS category with its band", rf"{_SINS_WORD}(?: band)? \((?:SINS )?(\d+){_DASH}(\d+)\)")
def _sins_named_band(m: re.Match, text: str) -> list[str]:
    return _sins_range_problems(int(m[2]), int(m[3]), _sins_word(m[1]))


@finder("SINS band by its numbers", rf"\b(?:the|middle|in the) (?:middle )?band \((\d+){_DASH}(\d+)\)|\bthe (\d+){_DASH}(\d+) band\b")
def _sins_band_numbers(m: re.Match, text: str) -> list[str]:
    if "SINS" not in text:
        return []
    low, high = (m[1], m[2]) if m[1] else (m[3], m[4])
    return _sins_range_problems(int(low), int(high), None)


@finder("SINS total in a band", rf"\b(?:reaches|total(?: of)?|SINS(?: of)?) (\d+),? in the (?:(\d+){_DASH}(\d+)|{_SINS_WORD}) band")
def _sins_total_in_band(m: re.Match, text: str) -> list[str]:
    total = int(m[1])
    category = calc.sins_category(total)
    if m[4]:
        named = _sins_word(m[4])
        low, high = SINS_BANDS.get(named, (None, None))
        ok = named == category and low is not None and low <= total <= high
        return [] if ok else [f"SINS {total} is {category} (calculators), not in the {named} band"]
    low, high = int(m[2]), int(m[3])
    problems = _sins_range_problems(low, high, None)
    if not low <= total <= high:
        problems.append(f"SINS {total} is not in {low}-{high}")
    return problems


@functools.cache
def _sins_with_total(total: int):
    """A SINS result with this total, built greedily from the calculator's own points table."""
    table = calc.sins_reference()
    chosen, left = {}, total
    for component in ("alignment", "location", "pain", "collapse", "posterolateral", "bone_lesion"):
        options = table[table["component"] == component].sort_values("points", ascending=False)
        pick = next(r for r in options.itertuples() if r.points <= left)
        chosen[component], left = pick.argument_value, left - pick.points
    result = calc.sins(**chosen)
    assert result.total == total, (total, chosen)
    return result


@finder("SINS consultation threshold", r"\b(\d+) or more (?:warrants|means|calls for)[^.;]{0,40}?(?:surg|consult)")
def _sins_consult(m: re.Match, text: str) -> list[str]:
    if "SINS" not in text and "unstable" not in text:
        return []
    threshold = int(m[1])
    problems = [] if threshold == SINS_CONSULT_FROM else [
        f"SINS consultation starts at {SINS_CONSULT_FROM} (Fisher 2010), not {threshold}"]
    if 1 <= threshold <= 18 and not (_sins_with_total(threshold).surgical_consultation
                                     and not _sins_with_total(threshold - 1).surgical_consultation):
        problems.append(f"calculators: consultation does not start at {threshold}")
    return problems


@finder("SINS pain points", r"scores (\d), occasional pain (\d) and no pain (\d)|published points are (\d), (\d) and (\d)")
def _sins_pain(m: re.Match, text: str) -> list[str]:
    stated = tuple(int(v) for v in (m.groups()[:3] if m[1] else m.groups()[3:]))
    table = calc.sins_reference().query("component == 'pain'").set_index("argument_value")["points"]
    computed = tuple(int(table[k]) for k in ("mechanical", "occasional", "none"))
    published = tuple(SINS_PAIN_POINTS.values())
    return [] if stated == published == computed else [
        f"SINS pain points are {published} (Fisher 2010); text {stated}, calculators {computed}"]


@finder("SINS junctional level", r"\b([CTLS]\d{1,2}) is (?:a )?junctional|junctional levels? such as ([CTLS]\d{1,2})")
def _sins_junctional(m: re.Match, text: str) -> list[str]:
    level = (m[1] or m[2]).upper()
    ok = level in SINS_JUNCTIONAL and calc.sins_region(level) == "junctional"
    return [] if ok else [f"{level} is {calc.sins_region(level)} in the calculators; junctional is "
                          "occiput-C2, C7-T2, T11-L1, L5-S1"]


_GRADES = r"([0-3][abc]?(?:\s*(?:,\s*and|,|and|or)\s*[0-3][abc]?)*)"


def _escc_problems(listing: str, category: str) -> list[str]:
    grades = re.findall(r"[0-3][abc]?", listing.lower())
    problems = [f"ESCC {g} is {ESCC_CATEGORY.get(g)} (Bilsky 2010), not {category}" for g in grades
                if ESCC_CATEGORY.get(g) != category]
    problems += [f"calculators: ESCC {g} is {calc.escc_category(g)}, not {category}" for g in grades
                 if g in ESCC_CATEGORY and calc.escc_category(g) != category]
    every = {g for g, c in ESCC_CATEGORY.items() if c == category}
    if len(grades) > 1 and set(grades) != every:
        problems.append(f"{category} grade is ESCC {' and '.join(sorted(every))}, not {' and '.join(grades)}")
    return problems


@finder("ESCC grades with their category", rf"\bgrades? {_GRADES} (?:is|are) (low|high)[- ]grade|(?<![\w.]){_GRADES} (?:is|are) (low|high)[- ]grade|\b(1[abc]|[023]) is borderline")
def _escc_listed(m: re.Match, text: str) -> list[str]:
    if m[5]:
        return _escc_problems(m[5], "borderline")
    listing, word = (m[1], m[2]) if m[1] else (m[3], m[4])
    return _escc_problems(listing, word.lower())


@finder("ESCC category with its grades", rf"\b(low|high)[- ]grade (?:cord )?compression \((?:ESCC )?(?:grades? )?{_GRADES}\)")
def _escc_category_listed(m: re.Match, text: str) -> list[str]:
    return _escc_problems(m[2], m[1].lower())


@finder("NOMS: radioresistant with high-grade compression",
        r"(?:radio)?resistant tumour with high-grade (?:cord )?compression[^.;]{0,40}? (?:is treated with|needs|gets) "
        r"(separation surgery|conventional radiation|stereotactic radiation|radiosurgery|surgery)")
def _noms_resistant_high(m: re.Match, text: str) -> list[str]:
    problems = [] if m[1].lower() == "separation surgery" else [
        f"NOMS (Laufer 2013): radioresistant + high-grade compression -> separation surgery, not {m[1]}"]
    for grade in ("2", "3"):
        pathway = calc.noms_pathway(grade, "resistant", "stable", True).pathway
        if not pathway.startswith("Separation surgery"):
            problems.append(f"calculators: ESCC {grade}, resistant, fit gives {pathway!r}")
    return problems


@finder("NOMS: radiosensitive whatever the grade",
        r"(?:sensitive to radiation|radiosensitive)[^.;]{0,40}? conventional radiation[^.;]{0,30}? whatever the (?:compression|ESCC)")
def _noms_sensitive(m: re.Match, text: str) -> list[str]:
    wrong = [(g, fit, r.pathway) for g in ESCC_CATEGORY for fit in (True, False)
             for r in [calc.noms_pathway(g, "sensitive", "stable", fit)] if r.pathway != "cEBRT"]
    return [f"calculators: a radiosensitive tumour with a stable spine gets {w[2]!r} at ESCC {w[0]} (fit {w[1]})"
            for w in wrong]


def _hypertension_edge_problems(grade: int, systolic: int | None, diastolic: int | None) -> list[str]:
    problems = []
    published = HYPERTENSION_FROM.get(grade)
    if published is None:
        return [f"CTCAE v5.0 hypertension grade {grade} is not defined by numbers"]
    if systolic is not None:
        if systolic != published[0]:
            problems.append(f"CTCAE v5.0 hypertension grade {grade} starts at systolic {published[0]}, not {systolic}")
        if not (calc.ctcae_hypertension_grade(systolic, 60) == grade
                and calc.ctcae_hypertension_grade(systolic - 1, 60) == grade - 1):
            problems.append(f"calculators: grade {grade} does not start at systolic {systolic}")
    if diastolic is not None:
        if diastolic != published[1]:
            problems.append(f"CTCAE v5.0 hypertension grade {grade} starts at diastolic {published[1]}, not {diastolic}")
        low_systolic = min(diastolic + 10, 119)  # a systolic of grade 0, above the diastolic
        if not (calc.ctcae_hypertension_grade(low_systolic, diastolic) == grade
                and calc.ctcae_hypertension_grade(low_systolic, diastolic - 1) == grade - 1):
            problems.append(f"calculators: grade {grade} does not start at diastolic {diastolic}")
    return problems


@finder("CTCAE hypertension grade from a reading",
        r"systolic(?: pressure)?(?: of)? (\d{3})(?: mm Hg)? or more(?: or (?:a )?diastolic(?: of)? (\d{2,3})(?: mm Hg)? or more)? is (?:CTCAE v5\.0 )?grade (\d)"
        r"|grade (\d) is systolic (\d{3}) or more or diastolic (\d{2,3}) or more"
        r"|systolic (\d{3}) or diastolic (\d{2,3}) or more (?:is )?(?:CTCAE v5\.0 )?grade (\d)")
def _hypertension_threshold(m: re.Match, text: str) -> list[str]:
    if m[3]:
        grade, systolic, diastolic = int(m[3]), int(m[1]), int(m[2]) if m[2] else None
    elif m[4]:
        grade, systolic, diastolic = int(m[4]), int(m[5]), int(m[6])
    else:
        grade, systolic, diastolic = int(m[9]), int(m[7]), int(m[8])
    return _hypertension_edge_problems(grade, systolic, diastolic)


@finder("CTCAE hypertension bands", r"(\d{3})-(\d{3})/(\d{2})-(\d{2}) and (\d{3})-(\d{3})/(\d{2})-(\d{2})")
def _hypertension_bands(m: re.Match, text: str) -> list[str]:
    if "grade" not in text.lower():
        return []
    values = [int(v) for v in m.groups()]
    problems = []
    for grade, (s_low, s_high, d_low, d_high) in ((1, values[:4]), (2, values[4:])):
        problems += _hypertension_edge_problems(grade, s_low, d_low)
        problems += _hypertension_edge_problems(grade + 1, s_high + 1, d_high + 1)
    return sorted(set(problems))


def _severe_problems(below: int) -> list[str]:
    problems = [] if below == SEVERE_NEUTROPENIA_BELOW else [
        f"severe neutropenia is an ANC below {SEVERE_NEUTROPENIA_BELOW} (ASCO/IDSA 2018), not below {below}"]
    if not (calc.neutropenia_severity(below - 1) == "severe" and calc.neutropenia_severity(below) != "severe"):
        problems.append(f"calculators: severe neutropenia does not start below {below}")
    return problems


@finder("severe neutropenia edge",
        r"severe(?: neutropenia)?(?: as| is|:| an ANC)?\s*\(?below (\d[\d,]*)|below (\d[\d,]*)(?: cells/µL| per microlitre)?,? (?:is|so the neutropenia is) severe")
def _severe_edge(m: re.Match, text: str) -> list[str]:
    return _severe_problems(int((m[1] or m[2]).replace(",", "")))


@finder("neutropenia edge",
        r"ANC\)? below (\d[\d,]*) (?:per microlitre|cells/µL)(?: is neutropenia|, and severe)|(?<!severe )neutropenia (?:itself is defined as an ANC |\()below (\d[\d,]*)")
def _neutropenia_edge(m: re.Match, text: str) -> list[str]:
    below = int((m[1] or m[2]).replace(",", ""))
    problems = [] if below == NEUTROPENIA_BELOW else [
        f"neutropenia is an ANC below {NEUTROPENIA_BELOW} (ASCO/IDSA 2018), not below {below}"]
    if not (calc.neutropenia_severity(below) == "none" and calc.neutropenia_severity(below - 1) != "none"):
        problems.append(f"calculators: neutropenia does not start below {below}")
    return problems


_TEMP = r"(\d\d(?:\.\d)?) ?°C(?: \([\d.]+ ?°F\))?"


@finder("IDSA fever definition",
        rf"{_TEMP} (?:once|or more),? or {_TEMP} or more (?:lasting|for|sustained)(?: over| for)? (?:an|one) hour")
def _idsa_fever(m: re.Match, text: str) -> list[str]:
    stated = (float(m[1]), float(m[2]))
    return [] if stated == IDSA_FEVER else [
        f"IDSA fever is {IDSA_FEVER[0]} °C once or {IDSA_FEVER[1]} °C for an hour (Freifeld 2011), not {stated}"]


@finder("NICE CG151 trigger", rf"(?:CG151[^.;]{{0,25}}?|a temperature )above {_TEMP}(?:,? or any (?:other )?sign)")
def _nice_trigger(m: re.Match, text: str) -> list[str]:
    stated = float(m[1])
    return [] if stated == NICE_CG151_ABOVE else [f"NICE CG151 acts above {NICE_CG151_ABOVE:g} °C, not {stated:g} °C"]


@finder("CTCAE febrile neutropenia grade 3",
        rf"grade 3 (?:is an |febrile neutropenia uses the same temperatures with )ANC below (\d+)/mm3(?: with a single temperature above {_TEMP} or a sustained temperature of {_TEMP} or more for more than one hour)?")
def _ctcae_febrile_neutropenia(m: re.Match, text: str) -> list[str]:
    stated = (int(m[1]), float(m[2]) if m[2] else 38.3, float(m[3]) if m[3] else 38.0)
    return [] if stated == CTCAE_FEBRILE_NEUTROPENIA else [
        f"CTCAE v5.0 febrile neutropenia grade 3 is {CTCAE_FEBRILE_NEUTROPENIA}, not {stated}"]


@finder("CTCAE grade 1 needs a value below the LLN",
        r"grade 1 (?:starts only|requires a value|needs a value) (below|at or below|from) the (?:laboratory's )?(?:lower limit of normal|LLN)")
def _ctcae_lln(m: re.Match, text: str) -> list[str]:
    problems = [] if m[1].lower() == "below" else ["CTCAE v5.0 grade 1 starts below the LLN, not at it"]
    for term, lln in calc.CTCAE_DEFAULT_LLN.items():
        if calc.ctcae_grade(term, lln, lln) != 0 or calc.ctcae_grade(term, lln * 0.99, lln) != 1:
            problems.append(f"calculators: {term} grade 1 does not start just below the LLN")
    return problems


@finder("CTCAE alopecia", r"grade 1 (?:under|is a loss of less than) (\d+)%[^;]*; grade 2 (?:is )?(\d+)% or more[^;]*; there is no grade 3")
def _alopecia(m: re.Match, text: str) -> list[str]:
    return [] if int(m[1]) == int(m[2]) == ALOPECIA_G2_FROM else [
        f"CTCAE v5.0 alopecia: grade 1 under {ALOPECIA_G2_FROM}%, grade 2 {ALOPECIA_G2_FROM}% or more"]


@finder("CTCAE diarrhoea grade 3", r"\b(\w+) or more stools a day above (?:normal|the person's usual number) "
                                   r"\((?:CTCAE v5\.0 grade 3|grade 3 diarrhoea in CTCAE v5\.0)\)")
def _diarrhoea(m: re.Match, text: str) -> list[str]:
    words = {"seven": 7, "six": 6, "eight": 8, "four": 4, "five": 5}
    stated = int(m[1]) if m[1].isdigit() else words.get(m[1].lower())
    return [] if stated == DIARRHOEA_G3_FROM else [f"CTCAE v5.0 diarrhea grade 3 is {DIARRHOEA_G3_FROM} or more stools "
                                                   f"a day over baseline, not {m[1]}"]


@finder("Mosteller divisor", r"(?:weight in kg|× ?\d+) ?(?:divided by|/|÷) ?(\d{3,4})\b")
def _mosteller(m: re.Match, text: str) -> list[str]:
    if "Mosteller" not in text and "BSA" not in text:
        return []
    divisor = int(m[1])
    problems = [] if divisor == MOSTELLER_DIVISOR else [f"Mosteller divides by {MOSTELLER_DIVISOR} (cm, kg), not {divisor}"]
    if not math.isclose(calc.bsa_mosteller(160, 64), math.sqrt(160 * 64 / divisor)):
        problems.append(f"calculators: Mosteller does not divide by {divisor}")
    return problems


_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "ten": 10}
_SCHEDULE = (r"(?:a single (?P<single>\d+(?:\.\d+)?) Gy (?:session|fraction)"
             r"|a single fraction of (?P<single2>\d+(?:\.\d+)?) Gy"
             r"|(?P<total>\d+(?:\.\d+)?) Gy in (?P<n>one|\d+) fractions?"
             r"|(?P<count>one|two|three|four|five|ten|\d+) fractions? of (?P<per>\d+(?:\.\d+)?) Gy)")


@finder("BED or EQD2 of a schedule",
        _SCHEDULE + r"(?P<gap>[^.;]{0,50}?)\b(?P<kind>BED|EQD2)(?:₁₀|₂)? (?:of |is |= )?(?:about )?(?P<value>\d+(?:\.\d+)?) Gy")
def _radiobiology(m: re.Match, text: str) -> list[str]:
    if re.search(_SCHEDULE, m["gap"], re.IGNORECASE):
        return []  # the value belongs to a later schedule in the sentence
    if m["single"] or m["single2"]:
        total, n = float(m["single"] or m["single2"]), 1
    elif m["total"]:
        total, n = float(m["total"]), _NUMBER_WORDS.get(m["n"].lower()) or int(m["n"])
    else:
        n = _NUMBER_WORDS.get(m["count"].lower()) or int(m["count"])
        total = n * float(m["per"])
    before = text[:m.start()] + m.group(0)
    ratios = re.findall(r"(?:α/β|alpha/beta)(?: ratio)?(?: of| =)? (\d+(?:\.\d+)?)", before)
    alpha_beta = float(ratios[-1]) if ratios else 10.0
    stated = float(m["value"])
    places = len(m["value"].split(".")[1]) if "." in m["value"] else 0
    function = calc.bed if m["kind"] == "BED" else calc.eqd2
    computed = round(function(total, n, alpha_beta), places)
    key = (int(total) if total == int(total) else total, n, int(alpha_beta) if alpha_beta == int(alpha_beta) else alpha_beta)
    problems = [] if math.isclose(computed, stated) else [
        f"calculators: {m['kind']} of {total:g} Gy in {n} with α/β {alpha_beta:g} is {computed:g} Gy, not {stated:g}"]
    published = WORKED.get(key, {}).get(m["kind"])
    if published is None:
        problems.append(f"no published {m['kind']} recorded for {key}: add it to WORKED with its source")
    elif not math.isclose(round(published, places), stated):
        problems.append(f"published {m['kind']} of {key} is {published:g} Gy, not {stated:g}")
    return problems


# -- the tests ---------------------------------------------------------------------------------------

def findings(text: str) -> list[tuple[str, str, list[str]]]:
    """(finder name, matched text, problems) for every restatement in one text (whitespace normalised)."""
    text = " ".join(text.split())
    out = []
    if not re.search(r"\d|sensitive|resistant", text):  # a number (a total, grade, level, dose) or a NOMS axis
        return out
    for f in FINDERS:
        for match in f.pattern.finditer(text):
            out.append((f.name, match.group(0), f.check(match, text)))
    return out


def problems_in(text: str) -> list[str]:
    text = " ".join(text.split())  # markdown wraps lines anywhere
    return [f"{name}: {snippet!r}: {'; '.join(problems)}" for name, snippet, problems in findings(text) if problems]


@functools.cache
def findings_in_reader_texts() -> tuple[tuple[str, str, str, tuple[str, ...]], ...]:
    """(place, finder name, matched text, problems) over every reader text, computed once per run."""
    return tuple((place, name, snippet, tuple(problems)) for place, text in TEXTS
                 for name, snippet, problems in findings(text))


def test_every_restated_scale_agrees_with_the_published_values_and_the_calculators():
    problems = [f"{place}: {name}: {snippet!r}: {'; '.join(found)}"
                for place, name, snippet, found in findings_in_reader_texts() if found]
    assert problems == []


#: Finders with at least one restatement in the lessons' markdown today (every finder must find
#: one somewhere).  If one no longer finds any, its pattern has gone stale: fix the pattern.
IN_NOTEBOOKS = {"SINS band with its category", "SINS band by its numbers", "SINS total in a band",
                "SINS consultation threshold", "SINS pain points", "SINS junctional level",
                "ESCC grades with their category", "ESCC category with its grades", "IDSA fever definition",
                "NOMS: radioresistant with high-grade compression",
                "NOMS: radiosensitive whatever the grade"}


def calculator_texts() -> list[tuple[str, str]]:
    """What the calculators write in words: every SINS explanation and every NOMS illustration."""
    out = [(f"calc.sins total {total}", _sins_with_total(total).explanation) for total in range(19)]
    for grade in ESCC_CATEGORY:
        out.append((f"calc.escc_assessment({grade})", calc.escc_assessment(grade).reason))
        for sensitivity in ("sensitive", "moderate", "resistant"):
            for stability in ("stable", "potentially unstable", "unstable"):
                for fit in (True, False):
                    r = calc.noms_pathway(grade, sensitivity, stability, fit)
                    out.append((f"calc.noms_pathway({grade}, {sensitivity}, {stability}, {fit})",
                                " ".join([r.pathway + ".", *(s + "." for s in r.steps), *r.reasoning])))
    return out


def test_what_the_calculators_write_restates_the_published_scales():
    texts = calculator_texts()
    problems = [f"{place}: {problem}" for place, text in texts for problem in problems_in(text)]
    assert problems == []
    names = {name for _place, text in texts for name, _s, _p in findings(text)}
    assert {"SINS category with its band", "SINS consultation threshold"} <= names


def test_every_finder_finds_its_restatements():
    found: dict[str, set[str]] = {}
    for place, name, _snippet, _problems in findings_in_reader_texts():
        found.setdefault(name, set()).add("notebooks" if place.startswith("notebooks/") else "data")
    assert {n for n, where in found.items() if "notebooks" in where} >= IN_NOTEBOOKS
    missing = [f.name for f in FINDERS if f.name not in found]
    assert missing == [], "patterns that no longer find anything"


# Each finder flags the mistake it exists for (so none of them can pass by matching nothing).
@pytest.mark.parametrize("wrong, right", [
    ("0–6 stable, 7–13 potentially unstable, 13–18 unstable", "0–6 stable, 7–12 potentially unstable, 13–18 unstable"),
    ("0 to 7 is stable", "0 to 6 is stable"),
    ("7 to 11 possibly unstable", "7 to 12 possibly unstable"),
    ("A total of 12 to 18 means the spine is unstable", "A total of 13 to 18 means the spine is unstable"),
    ("his SINS is in the unstable band (12 to 18)", "his SINS is in the unstable band (13 to 18)"),
    ("SINS 12 out of 18: potentially unstable (7–13).", "SINS 12 out of 18: potentially unstable (7–12)."),
    ("the spine is stable (SINS 0–7)", "the spine is stable (SINS 0–6)"),
    ("a SINS total in the middle band (6 to 12)", "a SINS total in the middle band (7 to 12)"),
    ("Her SINS falls in the 7 to 13 band.", "Her SINS falls in the 7 to 12 band."),
    ("Grace reaches 12, in the unstable band", "Grace reaches 14, in the unstable band"),
    ("SINS: Total 13, in the 7 to 12 band", "SINS: Total 9, in the 7 to 12 band"),
    ("SINS: 8 or more warrants a surgical opinion.", "SINS: 7 or more warrants a surgical opinion."),
    ("pain scores 3, occasional pain 2 and no pain 1", "pain scores 3, occasional pain 1 and no pain 0"),
    ("T10 is a junctional level", "T12 is a junctional level"),
    ("Grades 0, 1a and 1b are low grade; 1c, 2 and 3 are high grade.", "Grades 0, 1a and 1b are low grade; 2 and 3 are high grade."),
    ("Grades 0 and 1a are low grade", "Grades 0, 1a and 1b are low grade"),
    ("1b is borderline", "1c is borderline"),
    ("High-grade compression (1c, 2 or 3)", "High-grade compression (2 or 3)"),
    ("grade 1c is high-grade compression", "grade 3 is high-grade compression"),
    ("a systolic of 150 or more or a diastolic of 100 or more is grade 3",
     "a systolic of 160 or more or a diastolic of 100 or more is grade 3"),
    ("(grade 3 is systolic 160 or more or diastolic 110 or more)", "(grade 3 is systolic 160 or more or diastolic 100 or more)"),
    ("CTCAE grade: Grades 1 and 2 are lower bands (120-139/80-89 and 140-169/90-99)",
     "CTCAE grade: Grades 1 and 2 are lower bands (120-139/80-89 and 140-159/90-99)"),
    ("generally an ANC below 1500 per microlitre, and severe below 1000.", "generally an ANC below 1500 per microlitre, and severe below 500."),
    ("That is below 400, so the neutropenia is severe", "That is below 500, so the neutropenia is severe"),
    ("Neutropenia itself is defined as an ANC below 2000", "Neutropenia itself is defined as an ANC below 1500"),
    # the register's own wording (chemo_neutropenia_definition, chemo_ctcae_alopecia_grades)
    ("an absolute neutrophil count (ANC) below 1000 cells/µL, and severe neutropenia an ANC below 500 cells/µL",
     "an absolute neutrophil count (ANC) below 1500 cells/µL, and severe neutropenia an ANC below 500 cells/µL"),
    ("an absolute neutrophil count (ANC) below 1500 cells/µL, and severe neutropenia an ANC below 1000 cells/µL",
     "an absolute neutrophil count (ANC) below 1500 cells/µL, and severe neutropenia an ANC below 500 cells/µL"),
    ("grade 1 is a loss of less than 30% of the hair; grade 2 is 30% or more, easy to see; there is no grade 3",
     "grade 1 is a loss of less than 50% of the hair; grade 2 is 50% or more, easy to see; there is no grade 3"),
    ("38.5 °C once, or 38.0 °C or more lasting an hour", "38.3 °C once, or 38.0 °C or more lasting an hour"),
    ("38.3 °C (101 °F) or more, or 37.5 °C (99.5 °F) or more lasting an hour",
     "38.3 °C (101 °F) or more, or 38.0 °C (100.4 °F) or more lasting an hour"),
    ("NICE CG151: above 38.5 °C or any sign of sepsis", "NICE CG151: above 38 °C or any sign of sepsis"),
    ("grade 3 is an ANC below 500/mm3", "grade 3 is an ANC below 1000/mm3"),
    ("grade 1 starts only at or below the laboratory's lower limit of normal",
     "grade 1 starts only below the laboratory's lower limit of normal"),
    ("(grade 1 under 25% loss; grade 2 25% or more; there is no grade 3)",
     "(grade 1 under 50% loss; grade 2 50% or more; there is no grade 3)"),
    ("Five or more stools a day above normal (CTCAE v5.0 grade 3)", "Seven or more stools a day above normal (CTCAE v5.0 grade 3)"),
    ("Mosteller: height in cm times weight in kg divided by 3131", "Mosteller: height in cm times weight in kg divided by 3600"),
    ("a single 8 Gy session (an EQD2 of 14.4 Gy for the tumour)", "a single 8 Gy session (an EQD2 of 12 Gy for the tumour)"),
    ("With alpha/beta 10 Gy, 8 Gy in one fraction has an EQD2 of 20 Gy", "With alpha/beta 10 Gy, 8 Gy in one fraction has an EQD2 of 12 Gy"),
    ("30 Gy in 10 fractions has an EQD2 of 30 Gy", "30 Gy in 10 fractions has an EQD2 of 32.5 Gy"),
    ("4 fractions of 2 Gy have an EQD2 of 9.6 Gy", "4 fractions of 2 Gy have an EQD2 of 8 Gy"),
    ("20 Gy in 5 fractions has a BED of 24 Gy", "20 Gy in 5 fractions has a BED of 28 Gy"),
    ("a radioresistant tumour with high-grade compression is treated with conventional radiation",
     "a radioresistant tumour with high-grade compression is treated with separation surgery"),
])
def test_each_finder_flags_a_wrong_restatement(wrong, right):
    assert problems_in(wrong), f"not flagged: {wrong!r}"
    assert findings(right) and not problems_in(right), f"right form not found or flagged: {right!r}"


def test_a_worked_value_without_a_published_value_is_flagged():
    assert "no published EQD2" in " ".join(problems_in("27 Gy in 3 fractions has an EQD2 of 48.6 Gy"))


def test_the_published_literals_are_what_the_calculators_compute():
    """The literals above, checked once against the calculators at every edge."""
    for category, (low, high) in SINS_BANDS.items():
        assert {calc.sins_category(t) for t in range(low, high + 1)} == {category}
    assert [calc.escc_category(g) for g in ESCC_CATEGORY] == list(ESCC_CATEGORY.values())
    for grade, (systolic, diastolic) in HYPERTENSION_FROM.items():
        assert calc.ctcae_hypertension_grade(systolic, 60) == grade
        assert calc.ctcae_hypertension_grade(systolic - 1, 60) == grade - 1
        assert calc.ctcae_hypertension_grade(min(diastolic + 10, 119), diastolic) == grade
    assert [calc.neutropenia_severity(v) for v in (1500, 1499, 1000, 999, 500, 499)] == [
        "none", "mild", "mild", "moderate", "moderate", "severe"]
    for (total, n, alpha_beta), values in WORKED.items():
        assert round(calc.bed(total, n, alpha_beta), 1) == values["BED"]
        assert round(calc.eqd2(total, n, alpha_beta), 1) == values["EQD2"]
    assert round(calc.bsa_mosteller(160, 64), 2) == 1.69


def test_the_calculators_reference_tables_state_the_published_bands():
    """The neutropenia and hypertension tables the lessons show, read as text, are the published bands."""
    bands = {}
    for severity, text in calc.neutropenia_reference()[["severity", "anc_cells_per_ul"]].itertuples(index=False):
        m = re.fullmatch(r"(\d+) or more|(\d+) to less than (\d+)|less than (\d+)", text)
        assert m, f"neutropenia band {text!r} does not say where it starts and stops"
        low, high = (int(m[1]), math.inf) if m[1] else (int(m[2]), int(m[3])) if m[2] else (0, int(m[4]))
        bands[severity] = (low, high)
        assert calc.neutropenia_severity(low) == severity
        assert high == math.inf or calc.neutropenia_severity(high - 1) == severity != calc.neutropenia_severity(high)
    assert bands == {"none": (NEUTROPENIA_BELOW, math.inf), "mild": (1000, NEUTROPENIA_BELOW),
                     "moderate": (SEVERE_NEUTROPENIA_BELOW, 1000), "severe": (0, SEVERE_NEUTROPENIA_BELOW)}

    rows = dict(calc.hypertension_reference()[["grade", "blood_pressure"]].itertuples(index=False))
    assert rows[0] == f"Systolic <{HYPERTENSION_FROM[1][0]} and diastolic <{HYPERTENSION_FROM[1][1]} mm Hg"
    for grade in (1, 2):
        m = re.fullmatch(r"Systolic (\d+)–(\d+) or diastolic (\d+)–(\d+) mm Hg(?: \(if previously normal\))?", rows[grade])
        assert m, rows[grade]
        s_low, s_high, d_low, d_high = map(int, m.groups())
        assert (s_low, d_low) == HYPERTENSION_FROM[grade] and (s_high + 1, d_high + 1) == HYPERTENSION_FROM[grade + 1]
        assert not _hypertension_edge_problems(grade, s_low, d_low)
    m = re.fullmatch(r"Systolic ≥(\d+) or diastolic ≥(\d+) mm Hg", rows[3])
    assert m and tuple(map(int, m.groups())) == HYPERTENSION_FROM[3], rows[3]
    assert rows[4] == rows[5] == "Not defined by numbers"


# -- what the calculator cards (the live widgets' result panels) write in words ---------------------------


def _card_text(markup: str) -> str:
    import html

    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", str(markup))).split())


def card_texts() -> list[tuple[str, str]]:
    """The sentences of the calculator result cards, as a student reads them after pressing a button."""
    from helpers import calculator_widgets as widgets

    out = [(f"calculator_widgets.render_anc_result({anc})", _card_text(widgets.render_anc_result(anc)))
           for anc in (1800, 1200, 700, 300)]
    out.append(("calculator_widgets.render_hypertension_result(166, 104, 3)",
                _card_text(widgets.render_hypertension_result(166, 104, 3))))
    return out


def test_what_the_calculator_cards_write_restates_the_published_scales():
    texts = card_texts()
    problems = [f"{place}: {problem}" for place, text in texts for problem in problems_in(text)]
    assert problems == []
    names = {name for _place, text in texts for name, _s, _p in findings(text)}
    assert "IDSA fever definition" in names  # the ANC card states the fever rule: it is checked, not skipped


@pytest.mark.parametrize("anc, words", [
    # ASCO/IDSA 2018 (Taplitz et al.): mild 1000 to <1500, moderate 500 to <1000, severe <500 cells/µL.
    (1800, "No neutropenia: the ANC is 1500/µL or more."),
    (1200, "Mild neutropenia (1000 to under 1500/µL)"),
    (700, "Moderate neutropenia (500 to under 1000/µL)"),
    (300, "Severe neutropenia (under 500/µL)"),
])
def test_the_anc_card_names_the_published_band(anc, words):
    from helpers import calculator_widgets as widgets

    text = _card_text(widgets.render_anc_result(anc))
    assert words in text
    # IDSA 2010 (Freifeld et al.): a single oral 38.3 °C or more, or 38.0 °C or more over an hour.
    assert "a single temperature of 38.3 °C or more, or 38.0 °C or more for over an hour" in text


# -- BED and EQD2 written as formulas in words ("EQD2 = BED ÷ (1 + 2 ÷ α/β)") --------------------------------

_FORMULA = re.compile(r"\b(BED|EQD2) = ((?:total dose|dose per fraction|α/β|BED|\d+(?:\.\d+)?|[×÷+\-()/ ])+)")
_WORDS = (("dose per fraction", "d"), ("total dose", "D"), ("α/β", "ab"), ("BED", "B"), ("×", "*"), ("÷", "/"))
#: Fowler 1989, worked by hand: (D, n, α/β) -> (BED, EQD2).  8 Gy x 1 at 10: 8 x 1.8 = 14.4 and 14.4 / 1.2 = 12;
#: 20 Gy in 5 at 10: 20 x 1.4 = 28 and 28 / 1.2 = 23.33; 30 Gy in 10 at 2: 30 x 2.5 = 75 and 75 / 2 = 37.5.
_SCHEDULES = {(8, 1, 10): (14.4, 12.0), (20, 5, 10): (28.0, 28.0 / 1.2), (30, 10, 2): (75.0, 37.5)}


def formula_restatements() -> list[tuple[str, str, str]]:
    """(place, BED or EQD2, the formula in words) for every formula (not worked number) the reader sees."""
    out = []
    for place, text in TEXTS:
        for m in _FORMULA.finditer(text):
            expression = m[2].strip()
            while expression.count(")") > expression.count("("):
                expression = expression[:-1].rstrip()
            if re.search(r"total dose|dose per fraction|α/β", expression):
                out.append((place, m[1], expression))
    return out


def test_bed_and_eqd2_formulas_in_words_compute_the_published_values():
    formulas = formula_restatements()
    assert {"BED", "EQD2"} <= {kind for _p, kind, _e in formulas}  # 04's formula list is found
    assert any(p.startswith("notebooks/04_") for p, _k, _e in formulas)
    problems = []
    for place, kind, expression in formulas:
        code = expression
        for words, symbol in _WORDS:
            code = code.replace(words, symbol)
        for (dose, n, ab), (bed, eqd2) in _SCHEDULES.items():
            value = eval(code, {"__builtins__": {}}, {"D": dose, "d": dose / n, "ab": ab, "B": bed})  # noqa: S307
            expected = bed if kind == "BED" else eqd2
            if not math.isclose(value, expected, rel_tol=1e-9):
                problems.append(f"{place}: {kind} = {expression} gives {value:.4g} for {dose} Gy in {n} at α/β {ab}, "
                                f"not {expected:.4g}")
    assert problems == []
