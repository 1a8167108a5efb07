"""An Anki deck for revision: glossary terms, side effects and red flags.

:func:`notes` builds the notes from ``data/`` through the helpers' loaders
(pure: no Anki involved); :func:`write_deck` turns them into an ``.apkg``
with ``genanki``.  Every note has:

* a stable id derived from the data id (``glossary:<id>``,
  ``side_effect:<id>``, ``modality_red_flags:<modality_id>``,
  ``notebook_red_flags:<notebook>``, ``emergency_sign:<id>``), from which the
  Anki ``guid`` is derived, so re-importing an updated deck updates the
  cards instead of duplicating them; the note type and deck ids are
  constants derived from a hash of a fixed name;
* three fields, filled from Jinja2 templates with autoescaping (Anki renders
  fields as HTML, so data text must reach it escaped): ``Front``, ``Back``
  and ``Sources`` (the full references, from ``data/sources.csv``);
* tags: the kind of card, the modality (from the data row) and the
  notebooks that teach it (derived from the notebooks themselves: a lesson
  whose code names the modality, a lesson whose text uses the term).

"How often" is :func:`helpers.side_effects.frequency_phrase`: the cited
numbers with their population and locator, and the band computed from them.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from helpers import data
from helpers.errors import DataError
from helpers.exports.content import NOTICE
from helpers.render import render

GUID_NAMESPACE = "spine-cancer-treatment-notebooks"
DECK_NAME = "Treating spinal cancer (nursing)"
MODEL_NAME = "Treating spinal cancer: card with sources"
FIELDS = ("Front", "Back", "Sources")
TAG_ROOT = "spine"
ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def stable_id(name: str) -> int:
    """An Anki model or deck id that never changes: a hash of a fixed name, in 2**30..2**31."""
    return (1 << 30) + int(hashlib.sha256(name.encode("utf-8")).hexdigest(), 16) % (1 << 30)


MODEL_ID = stable_id(MODEL_NAME)
DECK_ID = stable_id(DECK_NAME)

CARD_CSS = """.card { font-family: system-ui, sans-serif; font-size: 18px; line-height: 1.4; text-align: left;
  color: #111; background: #fff; max-width: 40em; margin: 0 auto; }
.card.nightMode { color: #eee; background: #222; }
.context { color: #555; } .nightMode .context { color: #bbb; }
.sources { font-size: 13px; margin-top: 1em; color: #555; }
.notice { font-size: 12px; color: #777; }"""
FRONT_TEMPLATE = "{{Front}}"
BACK_TEMPLATE = '{{FrontSide}}<hr id="answer">{{Back}}<div class="sources">{{Sources}}</div>'


@dataclass(frozen=True)
class Flashcard:
    """One note: its stable id, the three fields (HTML) and its tags."""

    note_id: str
    front: str
    back: str
    sources: str
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def fields(self) -> list[str]:
        return [self.front, self.back, self.sources]


def tag(*parts: str) -> str:
    """An Anki tag (no spaces): ``spine::modality::chemotherapy``."""
    return "::".join((TAG_ROOT, *(re.sub(r"\s+", "_", p) for p in parts)))


# -- where things are taught ------------------------------------------------------

@cache
def _notebook_text(notebook_dir: str) -> dict[str, tuple[str, str]]:
    """(markdown, code) of each notebook, by slug."""
    texts = {}
    for path in sorted(Path(notebook_dir).glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        join = lambda kind: "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == kind)  # noqa: E731
        texts[path.stem] = (join("markdown"), join("code"))
    return texts


def notebooks_using_modality(modality_id: str, notebook_dir: Path) -> list[str]:
    """Lessons whose code passes this modality id to a helper (``"chemotherapy"``)."""
    quoted = re.compile(rf"""["']{re.escape(modality_id)}["']""")
    return [slug for slug, (_, code) in _notebook_text(str(notebook_dir)).items() if quoted.search(code)]


def notebooks_mentioning(words: str, notebook_dir: Path) -> list[str]:
    """Lessons whose text uses these words (whole words, any case)."""
    pattern = re.compile(rf"\b{re.escape(words)}\b", re.IGNORECASE)
    return [slug for slug, (markdown, _) in _notebook_text(str(notebook_dir)).items() if pattern.search(markdown)]


# -- text helpers -------------------------------------------------------------------

def frequency_text(row) -> str:
    """How often, in words: the cited numbers and the band derived from them."""
    from helpers import side_effects

    return side_effects.frequency_phrase(row)


def sources_html(source_ids) -> str:
    return str(render("flashcard_sources.html.j2", sources=data.cite(source_ids)))


def front_html(title: str, context: str = "", question: str = "") -> str:
    return str(render("flashcard_front.html.j2", title=title, context=context, question=question))


def back_html(text: str = "", rows: list[tuple[str, str]] = (), items: list[str] = ()) -> str:
    """A paragraph, labelled paragraphs (label, text) and/or a bullet list; blank texts are left out."""
    return str(render("flashcard_back.html.j2", text=text, rows=[(k, v) for k, v in rows if v], items=list(items)))


# -- the notes ------------------------------------------------------------------------

def term_forms(term: str) -> list[str]:
    """The ways a glossary term may be written: ``"Spinal cord compression (MSCC)"`` ->
    the whole term, the words before the brackets, the bracketed abbreviation."""
    forms = [term]
    match = re.fullmatch(r"(.+?)\s*\(([^)]+)\)", term)
    if match:
        forms += [match[1], match[2]]
    return forms


def glossary_cards(notebook_dir: Path) -> list[Flashcard]:
    cards = []
    for row in data.load("glossary").itertuples(index=False):
        slugs = sorted({s for form in term_forms(row.term) for s in notebooks_mentioning(form, notebook_dir)})
        tags = [tag("glossary"), *(tag("notebook", s) for s in slugs)]
        cards.append(Flashcard(
            note_id=f"glossary:{row.id}",
            front=front_html(row.term, question="What does it mean?"),
            back=back_html(text=row.definition),
            sources=sources_html(row.source_ids),
            tags=tuple(tags),
        ))
    return cards


def _treatment(row, modalities, subtypes, levels) -> str:
    parts = [modalities[row["modality_id"]]]
    if row["subtype_id"]:
        parts.append(subtypes[row["subtype_id"]])
    if row["spinal_level_id"]:
        parts.append(f"to the {levels[row['spinal_level_id']]}")
    return ": ".join(parts[:2]) + (f", {parts[2]}" if len(parts) > 2 else "")


def _modality_tags(modality_id: str, notebook_dir: Path) -> list[str]:
    return [tag("modality", modality_id), *(tag("notebook", s) for s in notebooks_using_modality(modality_id, notebook_dir))]


def side_effect_cards(notebook_dir: Path) -> list[Flashcard]:
    modalities = data.load("modalities").set_index("id")["name"]
    subtypes = data.load("modality_subtypes").set_index("id")["name"]
    levels = data.load("spinal_levels").set_index("id")["name"]
    cards = []
    for _, row in data.load("side_effects").iterrows():
        tags = [tag("side_effect"), *_modality_tags(row["modality_id"], notebook_dir)]
        if row["subtype_id"]:
            tags.append(tag("form", row["subtype_id"]))
        cards.append(Flashcard(
            note_id=f"side_effect:{row['id']}",
            front=front_html(row["effect"], context=f"Treatment: {_treatment(row, modalities, subtypes, levels)}",
                             question="Why, when, how often, what does the nurse do, and what are the red flags?"),
            back=back_html(rows=[
                ("Why it happens", row["mechanism"]),
                ("When it starts", row["onset_text"]),
                ("How often", frequency_text(row)),
                ("What the nurse does", row["nursing_interventions"]),
                ("Red flags", row["red_flags"]),
            ]),
            sources=sources_html(row["source_ids"]),
            tags=tuple(tags),
        ))
    return cards


def modality_red_flag_cards(notebook_dir: Path) -> list[Flashcard]:
    """Per modality (as found in the side-effect table): every red flag, by side effect."""
    effects = data.load("side_effects")
    effects = effects[effects["red_flags"] != ""]
    cards = []
    for modality_id, name in data.load("modalities").set_index("id")["name"].items():
        rows = effects[effects["modality_id"] == modality_id]
        if rows.empty:
            continue
        cards.append(Flashcard(
            note_id=f"modality_red_flags:{modality_id}",
            front=front_html(f"Red flags with {name.lower()}", question="Which signs need urgent action?"),
            back=back_html(rows=list(zip(rows["effect"], rows["red_flags"]))),
            sources=sources_html(list(rows["source_ids"])),
            tags=(tag("red_flags"), *_modality_tags(modality_id, notebook_dir)),
        ))
    return cards


def notebook_red_flag_cards(notebook_dir: Path) -> list[Flashcard]:
    """Per notebook: the red flags it teaches (teaching_points, section red_flags)."""
    from helpers.course import LESSONS

    titles = {lesson.slug: lesson.title for lesson in LESSONS}
    points = data.load("teaching_points")
    points = points[points["section"].astype(str) == "red_flags"].sort_values(["notebook", "sequence"])
    modality_ids = list(data.load("modalities")["id"])
    cards = []
    for slug, rows in points.groupby("notebook", sort=True):
        title = titles.get(slug, slug)
        modality_tags = [tag("modality", m) for m in modality_ids if slug in notebooks_using_modality(m, notebook_dir)]
        cards.append(Flashcard(
            note_id=f"notebook_red_flags:{slug}",
            front=front_html(f"Red flags: {title}", context=f"notebook {slug[:2]}",
                             question="Which signs need urgent action?"),
            back=back_html(items=list(rows["text"])),
            sources=sources_html(list(rows["source_ids"])),
            tags=(tag("red_flags"), tag("notebook", slug), *modality_tags),
        ))
    return cards


def emergency_sign_cards(notebook_dir: Path) -> list[Flashcard]:
    """Warning signs of metastatic spinal cord compression: how urgent, and what to do."""
    notebooks = [tag("notebook", s) for s in notebooks_mentioning("cord compression", notebook_dir)]
    cards = []
    for _, row in data.load("emergency_signs").iterrows():
        cards.append(Flashcard(
            note_id=f"emergency_sign:{row['id']}",
            front=front_html(row["sign"], context="possible sign of spinal cord compression",
                             question="How urgent is it, and what does the nurse do?"),
            back=back_html(rows=[
                ("How urgent", str(row["urgency"]).replace("_", " ").capitalize()),
                ("Stage", str(row["stage"]).replace("_", " ").capitalize()),
                ("What the nurse does", row["nurse_action"]),
            ]),
            sources=sources_html(row["source_ids"]),
            tags=(tag("red_flags"), tag("mscc"), *notebooks),
        ))
    return cards


def notes(notebook_dir: Path | None = None) -> list[Flashcard]:
    """Every note of the deck, in a fixed order."""
    from helpers.course import NOTEBOOK_DIR

    folder = Path(notebook_dir or NOTEBOOK_DIR)
    cards = (glossary_cards(folder) + side_effect_cards(folder) + modality_red_flag_cards(folder)
             + notebook_red_flag_cards(folder) + emergency_sign_cards(folder))
    ids = [c.note_id for c in cards]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:  # cannot happen while the data ids are primary keys; a clash would merge two cards in Anki
        raise DataError(f"flashcard id {repeated[0]!r} would be used twice; the data ids must be unique")
    return cards


# -- the .apkg ------------------------------------------------------------------------------

def guid(note_id: str) -> str:
    """The Anki guid of a note: derived from its data id only."""
    import genanki

    return genanki.guid_for(GUID_NAMESPACE, note_id)


def build_deck(cards: list[Flashcard]):
    """A genanki deck of ``cards`` with the fixed note type and deck id."""
    import genanki

    model = genanki.Model(
        MODEL_ID, MODEL_NAME,
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Card 1", "qfmt": FRONT_TEMPLATE, "afmt": BACK_TEMPLATE}],
        css=CARD_CSS,
    )
    deck = genanki.Deck(DECK_ID, DECK_NAME, description=str(render("flashcard_notice.html.j2", notice=NOTICE)))
    for card in cards:
        deck.add_note(genanki.Note(model=model, fields=card.fields, tags=list(card.tags), guid=guid(card.note_id)))
    return deck


def write_deck(path: Path, cards: list[Flashcard], timestamp: float) -> Path:
    """Write the ``.apkg``; the same cards and timestamp give the same bytes.

    ``timestamp`` becomes the notes' modification time: Anki updates an
    existing note on import only when the incoming one is newer, so pass a
    time that grows when the data change (the last commit that touched
    ``data/``, see ``tools/flashcards.py``).
    """
    import genanki

    path.parent.mkdir(parents=True, exist_ok=True)
    raw = io.BytesIO()
    genanki.Package(build_deck(cards)).write_to_file(raw, timestamp=timestamp)
    # genanki stamps the zip entries with the temporary file's time: rewrite them with a fixed one.
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name))
    path.write_bytes(out.getvalue())
    return path
