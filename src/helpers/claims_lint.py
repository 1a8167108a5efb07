"""The claims lint: no clinical claim typed outside the register.

It reads every text a reader can see (the free text of every data table, notebook markdown, quizzes,
instructor notes, case and item files, templates, the strings the helpers write on screen, and the
generated flashcards and LMS files) and reports each place where a band word, an escalation phrase, a
temperature, a duration or timing, a dose or a threshold is typed instead of rendered from the register
(:mod:`helpers.claims`).  Placeholders (``{{id}}``) and filled notebook markers
(``<!-- claim:id -->...<!-- /claim -->``) are what it expects and skips.

It looks for the *shape* of a claim (a number with a unit, a band word, an escalation phrase), not for
known phrasings of known side effects, so a new copy anywhere is found.  Words used in another sense
pass by a rule in :data:`ALLOWED` that says why ("small frequent meals" is advice on eating, not a
frequency).  Synthetic case narrative (a client's own temperature, her age, the day of a case) may hold
values: the fields in :data:`NARRATIVE_FIELDS` are checked for band words and escalation phrases only.
"""

from __future__ import annotations

import ast
import csv
import html
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from helpers.claims import strip_markers, strip_placeholders

__all__ = ["Finding", "DETECTORS", "ALLOWED", "NARRATIVE_FIELDS", "find", "lint_text", "reader_texts", "lint",
           "lint_generated", "repeated_statements", "SKELETON", "REPEAT_ALLOWED"]

_NUM = r"\d+(?:[.,]\d+)?"
_NUMWORD = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|" \
           r"forty-eight|sixty|seventy-two|ninety|a few|several)"
_RANGE = rf"(?:{_NUM}|{_NUMWORD})(?:\s?(?:–|-|to|or|and)\s?(?:{_NUM}|{_NUMWORD}))?"
_TIME_UNIT = r"(?:seconds?|minutes?|mins?|hours?|hrs?|h|days?|nights?|weeks?|months?|years?)"

#: What a typed claim looks like: kind of claim -> pattern (case-insensitive).
DETECTORS: dict[str, re.Pattern] = {
    "band word": re.compile(
        r"\b(?:very common|common(?:ly|est)?|uncommon(?:ly)?|rare(?:ly|st)?|infrequent(?:ly)?|frequent(?:ly)?|"
        r"occasional(?:ly)?|seldom)\b", re.I),
    "escalation phrase": re.compile(
        r"\b(?:immediately|immediate (?:action|attention|review|contact|referral|assessment|treatment)|"
        r"at once|same[- ]day|urgent(?:ly)?|straight away|right away|without delay|"
        r"as soon as possible|(?:oncological|medical) emergency|treat(?:ed)? (?:it |this |them )?as an emergency|"
        rf"call (?:999|911|112|an ambulance|emergency services)|within {_RANGE}\s?{_TIME_UNIT})\b", re.I),
    "temperature": re.compile(rf"{_NUM}\s?°\s?[CF]\b"),
    "duration or timing": re.compile(
        rf"(?<![\w/]){_RANGE}\s?{_TIME_UNIT}\b|\bdays? {_NUM}(?:\s?(?:–|-|to|and)\s?{_NUM})?\b", re.I),
    "dose": re.compile(
        rf"(?<![\w/.]){_NUM}\s?(?:mg/kg|mg/m²|mg/m2|mg|µg|mcg|g|mL|ml|L|cGy|Gy|units|IU|mmol/L)(?![\w²])", re.I),
    "threshold": re.compile(
        rf"{_NUM}\s?%(?!\{{)|\b\d[\d,]*(?:\.\d+)?\s?(?:/µL|/uL|/mm³|/mm3|×\s?10⁹/L|x\s?10\^?9/L|cells/)"
        rf"|\b\d{{2,3}}\s?/\s?\d{{2,3}}\s?mm\s?Hg|(?:≥|≤|>|<)\s?{_NUM}|\b\d+ in (?:\d+|every \d+)\b"
        rf"|\b\d+ of (?:the )?\d+\b", re.I),
}

#: Kinds of finding a synthetic case's own values may show (band words and escalation phrases still count).
VALUE_KINDS = frozenset({"temperature", "duration or timing", "dose", "threshold"})


@dataclass(frozen=True)
class Allowed:
    """A use of a flagged word in another sense: ``pattern`` matched around the hit, and why it passes."""

    pattern: re.Pattern
    reason: str


def _allow(pattern: str, reason: str) -> Allowed:
    return Allowed(re.compile(pattern, re.I), reason)


#: Words that look like a claim but are used in another sense, each with its reason.
ALLOWED: tuple[Allowed, ...] = (
    _allow(r"common terminology criteria", "the name of the grading standard (CTCAE), not a frequency"),
    _allow(r"\bin common\b", "'shared', not a frequency"),
    _allow(r"(?:small,? )?frequent(?:,)? (?:small )?(?:meals|snacks|sips|drinks)|small,? frequent",
           "advice on how to eat and drink, not how often something happens"),
    _allow(r"frequent(?:ly)? (?:mouth care|mouthwashes|rinses|turns|turning|repositioning|position changes|"
           r"hand ?washing|checks|observations|rests?)",
           "how often the nurse or patient does a task (a care instruction), not how often an effect happens"),
    _allow(r"emergency department", "the name of a hospital department"),
    _allow(r"common (?:misconceptions?|mistakes?|errors?|questions?)",
           "what students often get wrong or ask (teaching), not a clinical frequency"),
    _allow(r"\b9[059](?:\.\d)?\s?% (?:confidence|CI|credible)|\b9[059]% CI", "the level of a confidence interval"),
    _allow(r"\brare (?:primary )?(?:tumou?rs?|cancers?|diseases?|conditions?|types?)\b",
           "how unusual a diagnosis is among cancers, not how often a treatment effect happens"),
    _allow(r"\b(?:ECOG|KPS|grade|stage|level|day|cycle|week|step|dose level|row|question|item)\s+\d",
           "a label (a grade, a day of a cycle, a case stage) rather than a claim"),
    _allow(r"\b[CTLS]\d{1,2}\s?(?:–|-|to)\s?[CTLS]?\d{1,2}\b|\b[CTLS]\d{1,2}\b", "a vertebral level"),
    _allow(r"\b(?:19|20)\d{2}\b", "a year"),
    _allow(r"estimated time:?\W*\d+ minutes|\btime\W+\d+ min", "how long a lesson takes to study, not a clinical timing"),
    _allow(rf"\bAnswer:\s+{_NUM}(?:\s?\(±{_NUM}\))?\s?\S*(?:\s\S+)?",
           "the key of a numeric question as an export prints it; tests/test_quiz_keys.py ties each key to the "
           "register or a calculator"),
    # -- surgery, interventional radiology, MSCC and the cases (02, 05, 08) --
    _allow(r"\brare primary (?:bone|spinal) tumou?rs?\b|\btumou?rs? inside the spinal cord are rare\b",
           "how unusual a diagnosis is among cancers (chordoma, a tumour inside the cord), not how often an effect happens"),
    _allow(r"\b(?:more|less)\s+than\s+50%\s+(?:collapse|of the vertebral body)|\bcollapse\s+(?:to\s+|of\s+)?"
           r"(?:under|over|less\s+than|more\s+than)\s+50%",
           "a SINS category (vertebral body collapse over or under 50%, Fisher 2010): the scale itself, which the calculators hold"),
    _allow(r"\boccasional (?:non-mechanical )?pain\b",
           "a SINS pain category (Fisher 2010: occasional pain that is not mechanical): the scale's own words"),
    _allow(r"\b(?:each|one) case\b[^.;]{0,30}\babout \d+ minutes",
           "how long a class takes over one case study (lesson logistics), not a clinical timing"),
    # -- chemotherapy and supportive care (03, 07) --
    _allow(r"estimated time to here:?\W*\d+ minutes",
           "how far into a lesson a reader is (study time), not a clinical timing"),
    _allow(r"\b\d+% (?:segmented neutrophils|bands)\b",
           "the inputs of the ANC calculator exercise (a white-cell differential), not a clinical threshold"),
    _allow(r"= \d[\d,]*(?:\.\d+)? ?cells/µL",
           "the result of a worked ANC calculation, not a threshold"),
    _allow(r"a dose prescribed as \d+ mg/m²|(?<=mg/m²) would then be about \d+ mg",
           "a worked body-surface-area calculation (a dose per m² times the BSA), not a dosing recommendation"),
    # -- radiation and targeted therapy, bone-modifying agents (04, 06) --
    _allow(r"\b(?:in|of) 2[- ]?Gy fractions", "the reference fraction size in the definition (and name) of EQD2, not a dose"),
    _allow(r"=\s?\d+(?:\.\d+)?\s?Gy\b|\b(?:BED|EQD2) of (?:about )?\d+(?:\.\d+)?\s?Gy\b",
           "the result of a BED or EQD2 calculation written out with its arithmetic (a worked example), not a dose"),
    _allow(r"α/β\s?(?:=\s?|of\s)?\d+(?:\.\d+)?\s?Gy\b", "an α/β ratio (a tissue parameter in gray) named in a calculation, not a dose"),
    _allow(r"\b\d+(?:\.\d+)? Gy in \d+ fractions? has an? (?:BED|EQD2) of \d+(?:\.\d+)? Gy\b",
           "a schedule named with its BED or EQD2 worked out (an example; tests/test_scale_restatements.py checks the "
           "arithmetic), not a dose recommendation"),
    _allow(r"\bfrequent (?:passing of urine|need to pass urine|urination)",
           "urinary frequency, a symptom of bladder irritation, not how often an effect happens"),
    _allow(r"estimated time to here:?\W*\d+ minutes", "how long a lesson takes to study, not a clinical timing"),
    _allow(r"(?:(?<=predict the )|(?<=predict the CTCAE v5\.0 ))grade for \d{2,3}/\d{2,3}(?: mm ?Hg)? and for \d{2,3}/\d{2,3} mm ?Hg",
           "sample readings for the student to grade with the calculator (an exercise), not a threshold"),
    _allow(r"predict first: is \d+ days enough\? is \d+\?",
           "sample gaps for the student to try in the timing explorer (an exercise), not a timing"),
    # -- start, overview, glossary and scenarios (00, 01) --
    _allow(r"\b(?:all|every(?:thing| \w+)?|several(?: \w+)?|both|many|teams|things)\b[^.;:]{0,30}\bat once",
           "'at the same time' (several teams, every choice), not how fast to act"),
    _allow(r"\bfirst start can take a few minutes\b",
           "how long Binder takes to start a notebook session (software), not a clinical timing"),
    # -- clinical-judgment cases (09) --
    _allow(r"\b\d+ days (?:before day \d+|after (?:her|his) last dose)\b",
           "a synthetic client's own dates, counted in a case's rationale (days since her last dose), not a timing claim"),
    _allow(r"\b\d+ (?:of|out of) (?:a possible )?\d+ points?\b", "a score on an item (NCSBN's rules), not a clinical number"),
)

#: (table, field) pairs of synthetic case narrative: a client's own values are case data, not claims.
NARRATIVE_FIELDS = frozenset({
    ("cases", "title"), ("cases", "summary"), ("cases", "diagnosis"), ("cases", "spinal_site"),
    ("case_stages", "time_point"), ("case_stages", "situation"),
    # a reflection question restates what this client shows ("Two hours after kyphoplasty Walter says...")
    ("case_stages", "reflection_question"),
    ("scenarios", "summary"), ("scenarios", "title"),
    ("surgical_situations", "synthetic_case"),
    ("bevacizumab_monitoring", "situation"),  # the synthetic client's reading, result or booked date
    # add a field here only for a synthetic case's own narrative (what this client says, shows or measures)
})


@dataclass(frozen=True)
class Finding:
    """One typed claim: where it is, what kind it looks like, and the phrase."""

    place: str
    kind: str
    phrase: str

    def __str__(self) -> str:
        return f"{self.place}: {self.kind} {self.phrase!r} typed instead of rendered from the claims register"


def _allowed(text: str, start: int, end: int) -> bool:
    for rule in ALLOWED:
        for match in rule.pattern.finditer(text, max(0, start - 80), min(len(text), end + 80)):
            if match.start() <= start and match.end() >= end:
                return True
            if match.start() < end and match.end() > start and rule.pattern.pattern.startswith(r"\b(?:ECOG"):
                return True
    return False


def _find_spans(text: str, *, values_allowed: bool = False) -> list[tuple[str, re.Match]]:
    out = []
    for kind, pattern in DETECTORS.items():
        if values_allowed and kind in VALUE_KINDS:
            continue
        for match in pattern.finditer(text):
            if not _allowed(text, match.start(), match.end()):
                out.append((kind, match))
    return out


def find(text: str, *, values_allowed: bool = False) -> list[tuple[str, str]]:
    """(kind, phrase) for each typed claim in ``text`` (placeholders and filled markers already removed)."""
    return [(kind, match.group(0)) for kind, match in _find_spans(text, values_allowed=values_allowed)]


def lint_text(place: str, text: str, *, values_allowed: bool = False) -> list[Finding]:
    """Findings in one text as an author wrote it (placeholders and filled claim markers are skipped)."""
    clean = strip_placeholders(strip_markers(text))
    return [Finding(place, kind, phrase) for kind, phrase in find(clean, values_allowed=values_allowed)]


# --------------------------------------------------------------------------
# Every text a reader can see
# --------------------------------------------------------------------------

_ROOT = Path(__file__).resolve().parents[2]

#: Constants in helper modules that define a vocabulary (the register's own words), skipped by name.
VOCABULARY_CONSTANTS = {
    "side_effects.py": {"FREQUENCY_BANDS", "FREQUENCY_LABELS", "NOT_QUANTIFIED_TEXT", "BAND_RULE", "COUNTS_LABELS"},
}
#: Helper modules whose strings are not clinical text: the scales (each is its own cited register),
#: scoring rules, loaders and their messages, and the lint itself.
SKIPPED_MODULES = frozenset({"claims.py", "claims_lint.py", "data.py", "errors.py", "scoring.py", "render.py",
                             "calculators.py", "calculator_widgets.py"})
_SKIPPED_PACKAGES = ("calculators",)


def _json_strings(value: object, path: tuple = ()) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield "/".join(str(p) for p in path), value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _json_strings(item, (*path, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            if key in ("id", "source_ids", "type", "case", "function", "notebook", "section"):
                continue
            yield from _json_strings(item, (*path, key))


def _python_strings(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = VOCABULARY_CONSTANTS.get(path.name, set())
    docstrings: set[int] = set()
    hidden: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
        targets = []
        if isinstance(node, ast.Assign):
            targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            targets = [node.target.id]
        if set(targets) & skipped:
            hidden.update(id(n) for n in ast.walk(node))
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "InputError", "DataError", "FriendlyError", "AssertionError", "ValueError", "TypeError"):
            hidden.update(id(n) for n in ast.walk(node))  # messages about input, not clinical text
        if isinstance(node, ast.keyword) and node.arg in _FORMAT_KEYWORDS:
            hidden.update(id(n) for n in ast.walk(node))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings \
                and id(node) not in hidden and not _CODE_STRING.fullmatch(node.value):
            yield node.lineno, node.value


#: The keys of a clinical-judgment case that teach (checked in full); every other text is the client's narrative.
_TEACHING_KEYS = frozenset({"rationale", "explanation"})

#: Parts of the instructor notes about running a class (their numbers are minutes and zoom levels).
_LOGISTICS = frozenset({"preparation", "delivery", "session_plan", "timing"})

_TEMPLATE_CODE = re.compile(r"<script\b.*?</script>|<style\b.*?</style>|\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}",
                            re.DOTALL | re.IGNORECASE)
#: Strings in Python that are code, not prose: identifiers and keys (a band key, a column name) and CSS lengths.
_CODE_STRING = re.compile(r"[a-z][a-z0-9_]*|\d+(?:\.\d+)?(?:%|px|em|rem|vh|vw)")
#: Keyword arguments whose strings are chart formatting (axis tick labels), not statements.
_FORMAT_KEYWORDS = frozenset({"ticktext", "tickvals", "tickformat", "ticksuffix", "hoverformat"})
_TAG = re.compile(r"<[^>]+>")


def reader_texts(root: Path | None = None) -> Iterator[tuple[str, str, bool]]:
    """(place, text, values_allowed) for every reader-visible text the collection is built from."""
    root = Path(root or _ROOT)
    data_dir = root / "data"
    package = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    from helpers.data import REGISTER_TABLES, _text_fields

    for resource in package["resources"]:
        name = resource["name"]
        if name in REGISTER_TABLES or name == "review_log":
            continue
        fields = _text_fields(resource)
        with open(data_dir / resource["path"], encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=1):
                for field in fields:
                    text = row.get(field) or ""
                    if text:
                        yield (f"data/{resource['path']}: row {number} (line {number + 1}), field '{field}'", text,
                               (name, field) in NARRATIVE_FIELDS)
    for folder in ("quizzes", "instructor", "judgment"):
        for path in sorted((data_dir / folder).glob("*.json")) if (data_dir / folder).is_dir() else []:
            if path.name == "schema.json" or path.name.endswith(".schema.json"):
                continue
            content = json.loads(path.read_text(encoding="utf-8"))
            for where, text in _json_strings(content):
                narrative = where.endswith("prompt") or "/record/" in f"/{where}/" or where.endswith("stem")
                # A clinical-judgment case is one synthetic client: its record, its story and the choices its
                # items offer quote that client's own values (case data). What the items teach, the rationales
                # and explanations, is checked in full: a claim there comes from the register.
                narrative = narrative or (folder == "judgment" and where.split("/")[-1] not in _TEACHING_KEYS)
                # How a class session runs (minutes of a lesson, zoom levels) is logistics, not clinical.
                narrative = narrative or (folder == "instructor" and where.split("/")[0] in _LOGISTICS)
                yield f"data/{folder}/{path.name}: {where}", text, narrative
    for path in sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for index, cell in enumerate(nb.get("cells", [])):
            if cell.get("cell_type") == "markdown" and "navigation" not in cell.get("metadata", {}).get("tags", []):
                source = "".join(cell.get("source", ""))
                yield f"notebooks/{path.name}: cell {index} ({cell.get('id', '?')})", source, False
    for path in sorted((root / "src" / "helpers" / "templates").glob("*.j2")):
        text = _TAG.sub(" ", _TEMPLATE_CODE.sub(" ", path.read_text(encoding="utf-8")))
        yield f"src/helpers/templates/{path.name}", text, False
    for path in sorted((root / "src" / "helpers").rglob("*.py")):
        relative = path.relative_to(root / "src" / "helpers")
        if path.name in SKIPPED_MODULES or relative.parts[0] in _SKIPPED_PACKAGES:
            continue
        for line, text in _python_strings(path):
            yield f"src/helpers/{relative}: line {line}", text, False


def lint(root: Path | None = None) -> list[Finding]:
    """Every typed claim in the collection's reader-visible texts (an empty list when it is clean)."""
    out: list[Finding] = []
    for place, text, values_allowed in reader_texts(root):
        out.extend(lint_text(place, text, values_allowed=values_allowed))
    return out


def lint_generated(texts: Iterable[tuple[str, str]], rendered: Iterable[str],
                   narrative: Iterable[str] = ()) -> list[Finding]:
    """Typed claims in generated files (flashcards, LMS exports, handouts).

    ``texts`` are (place, text) pairs read from the generated files; ``rendered`` every wording the
    register renders (claims, tiers, strengths, evidence, frequency phrases), which is removed before the
    text is read, longest first; ``narrative`` texts whose values are case data (removed too, after their
    band words and escalation phrases have been checked at the source).
    """
    pieces = {" ".join(html.unescape(_TAG.sub(" ", t)).split()) for t in (*rendered, *narrative) if t}
    pieces |= {p[:1].upper() + p[1:] for p in pieces}  # the |cap form, at the start of a sentence
    # One pattern, longest pieces first, matched only between words (a short piece must not cut a number).
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(p)}(?!\w)" for p in sorted(pieces, key=len, reverse=True)))
    out: list[Finding] = []
    for place, text in texts:
        clean = " ".join(html.unescape(_TAG.sub(" ", text)).split())
        covered = [(m.start(), m.end()) for m in pattern.finditer(clean)]  # rendered from the register
        for kind, match in _find_spans(clean):  # read in full, so an allow rule sees its context
            if not any(a <= match.start() and match.end() <= b for a, b in covered):
                out.append(Finding(place, kind, match.group(0)))
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers.claims_lint [PLACE-PREFIX ...]``: print findings (optionally only those whose place
    starts with a prefix, e.g. ``data/glossary.csv`` or ``notebooks/03``); exit 1 if there are any."""
    import sys

    prefixes = list(sys.argv[1:] if argv is None else argv)
    findings = [f for f in lint() if not prefixes or any(f.place.startswith(p) for p in prefixes)]
    for finding in findings:
        print(finding)
    print(f"{len(findings)} typed claim(s)", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main())


# --------------------------------------------------------------------------
# Statements written in more than one place
# --------------------------------------------------------------------------

#: Sentences every lesson shares by design (the lesson skeleton), not clinical statements.
SKELETON = re.compile(
    r"by the end of this notebook|educational use only|this is teaching material|loads the course tools|"
    r"run this cell first|synthetic|stop and predict|what to notice|the scores below are calculated|"
    # the references section, the prerequisite links, and 08's same steps for each case
    r"every table, chart and statement above is drawn from these sources|\]\(\d\d_[a-z_]+\.ipynb\)|"
    r"read the summary, then go through the stages|the findings in the case \(level|are stored as data|"
    # an item's instruction, and the opening line of the side-effect lessons' key points
    r"place one word or phrase in each blank|side effects follow from how each treatment works|"
    # how to run a lesson in JupyterLab (the set-up cell's text, the same in every lesson)
    r"run a cell with \*\*shift \+ enter\*\*|every cell also works on its own, in any order", re.I)
#: Fields that name a study's population or where a number stands, or name a thing (a side effect, a team,
#: a structure the dose limit is for): repeated on purpose, row by row.
_REFERENCE_FIELDS = ("field 'population'", "field 'locator'", "field 'unit'", "field 'study'", "field 'timepoint'",
                     "field 'pattern_label'", "field 'effect'", "field 'team'", "field 'structure'")
#: Sentences written in two places that are not clinical statements, each with its reason.
REPEAT_ALLOWED: tuple[Allowed, ...] = (
    _allow(r"the cited sources? gives? no|the number shown is for one drug|has not been measured in pooled studies|"
           r"^pooled from \d+ comparative studies|one of the RTOG 0631 dose levels",
           "what the evidence is (a study's population, or that no rate was found), repeated row by row"),
    _allow(r"local order set|the team's plan and local policy",
           "that practice follows local policy: no clinical statement to register"),
)
#: Places whose repeats are structure: the NOMS table's rows for a fit and an unfit patient share the first
#: clause of their axis by design (the calculator shows one row at a time).
_REPEAT_TABLES = ("data/noms_reasons.csv",)
_WORDS = re.compile(r"[a-z0-9]+")


def _repeat_is_structure(place: str, other: str, sentence: str) -> bool:
    if any(rule.pattern.search(sentence) for rule in REPEAT_ALLOWED):
        return True
    if place.startswith(_REPEAT_TABLES) and other.startswith(_REPEAT_TABLES):
        return True
    # A clinical-judgment case quotes its own record in its items: the case's data, written for that case.
    return place.startswith("data/judgment/") and place.split(":")[0] == other.split(":")[0]


def _is_logistics(place: str) -> bool:
    """How a class session runs (instructor session plan, delivery, preparation): not clinical text."""
    if not place.startswith("data/instructor/"):
        return False
    return place.split(": ", 1)[-1].split("/")[0] in _LOGISTICS


def _sentences(text: str) -> Iterator[str]:
    clean = _TAG.sub(" ", strip_placeholders(strip_markers(text)))
    for sentence in re.split(r"(?<=[.;:!?])\s+|\n+", clean):
        sentence = sentence.strip(" -*>#")
        if len(_WORDS.findall(sentence.lower())) >= 8 and not SKELETON.search(sentence):
            yield sentence


def repeated_statements(root: Path | None = None, *, similarity: float = 0.9) -> list[tuple[float, str, str, str]]:
    """Sentences of eight words or more written in two places: (similarity, place, place, sentence).

    Similarity is the share of shared four-word sequences (1.0: the same words).  A statement written
    twice is a copy that will drift: make it a claim, or say it once and refer to it.
    """
    items = []
    for place, text, _values in reader_texts(root):
        if place.startswith("src/") or place.endswith(_REFERENCE_FIELDS) or _is_logistics(place):
            continue
        for sentence in _sentences(text):
            words = _WORDS.findall(sentence.lower())
            items.append((place, sentence, {tuple(words[i:i + 4]) for i in range(len(words) - 3)}))
    index: dict[tuple, set[int]] = {}
    for number, (_place, _sentence, grams) in enumerate(items):
        for gram in grams:
            index.setdefault(gram, set()).add(number)
    found = []
    for number, (place, sentence, grams) in enumerate(items):
        shared: dict[int, int] = {}
        for gram in grams:
            for other in index[gram]:
                if other > number:
                    shared[other] = shared.get(other, 0) + 1
        for other, count in shared.items():
            if items[other][0] == place:
                continue
            score = count / len(grams | items[other][2])
            if score >= similarity and not _repeat_is_structure(place, items[other][0], sentence):
                found.append((round(score, 2), place, items[other][0], sentence))
    return sorted(found, key=lambda f: (-f[0], f[1], f[2]))


def register_renderings(folder: str | None = None) -> set[str]:
    """Every text the register renders: claims, tiers, strengths, evidence rows and frequency phrases.

    Generated files (flashcards, LMS exports) show these; :func:`lint_generated` takes them out before it
    reads what is left, so only text typed somewhere else can be reported.
    """
    from helpers import claims, data
    from helpers import side_effects as se

    out: set[str] = set()
    out.update(claims.register()["wording"].astype(str))
    out.update(data.load("escalation_tiers")["wording"].astype(str))
    out.update(data.load("recommendation_strengths")["wording"].astype(str))
    for _i, row in data.load("side_effect_evidence").iterrows():
        out.add(se.evidence_text(row))
    for _i, row in data.load("side_effects").iterrows():
        out.add(se.frequency_phrase(row))
        out.add(se.band_text(str(row["id"])))
        out.add(claims.wording(f"band:{row['id']}"))
        out.add(claims.wording(f"freq:{row['id']}"))
        if row["frequency_note"]:
            out.add(str(row["frequency_note"]))
    return out
