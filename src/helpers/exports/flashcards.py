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
  and ``Sources`` (the full references from ``data/sources.csv``, each URL a link);
* tags: the kind of card, the modality (from the data row) and the
  notebooks that teach it (derived from the notebooks themselves: a lesson
  whose code names the modality; for a glossary term, a lesson whose text or
  stored outputs use the term or one of its forms; a term no lesson uses is
  tagged ``spine::general``).

**When a note changes.**  Anki's importer (``rslib/src/import_export/
package/apkg/import/notes.rs``) updates an existing note, found by its guid,
only when the incoming note's modification time is newer, and keeps the
incoming time; a note type is updated only when its own time is newer.  So a
note's time must move exactly when its content moves, and never backwards.
:func:`stamp` does that with a manifest (``flashcards_manifest.json`` in the
data folder, committed): for each note the hash of its fields and tags and
the time it got that content, and the same for the note type (fields,
templates, CSS).  A note whose hash is new gets the build time (at least its
old time + 1); an unchanged note keeps its recorded time, so a rebuild of
unchanged data gives the same bytes, and an uncommitted data edit updates its
note (and only it), with no git history involved.

"How often" is :func:`helpers.side_effects.frequency_phrase`: the cited
numbers with their population and locator, and the band computed from them.
"""

from __future__ import annotations

import hashlib
import html
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

# Anki puts ".card" (and ".nightMode" in night mode) on the card's <body>.  Body text
# keeps a margin on phones (AnkiDroid and AnkiMobile draw edge to edge), long URLs
# wrap, and every text colour passes WCAG AA (4.5:1) in both modes
# (tests/test_flashcard_render.py measures it in Chromium at 360 px).
CARD_CSS = """.card { font-family: system-ui, sans-serif; font-size: 18px; line-height: 1.4; text-align: left;
  color: #111; background: #fff; max-width: 40em; margin: 0 auto; padding: 12px 16px; box-sizing: border-box;
  overflow-wrap: anywhere; }
.card.nightMode { color: #eee; background: #222; }
.context { color: #555; } .nightMode .context { color: #bbb; }
.sources { font-size: 13px; margin-top: 1em; color: #555; } .nightMode .sources { color: #bbb; }
.notice { font-size: 12px; color: #595959; } .nightMode .notice { color: #b3b3b3; }
a { color: #0b57a4; text-decoration: underline; } .nightMode a { color: #8ab4f8; }"""
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
    """(what a reader sees, code) of each notebook, by slug.

    What a reader sees is the markdown and the stored outputs' text (tables
    and cards drawn from ``data/``, with tags removed), so a term that reaches
    a lesson only through its data still counts as used there.
    """
    texts = {}
    for path in sorted(Path(notebook_dir).glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        seen = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
        for cell in cells:
            for output in cell.get("outputs", []):
                shown = output.get("data", {})
                if "application/vnd.plotly.v1+json" in shown:  # a chart: its words are in its text alternative
                    continue
                text = "".join(shown.get("text/html") or shown.get("text/plain") or output.get("text") or "")
                text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.DOTALL | re.IGNORECASE)
                seen.append(" ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split()))
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        texts[path.stem] = ("\n".join(seen), code)
    return texts


def notebooks_using_modality(modality_id: str, notebook_dir: Path) -> list[str]:
    """Lessons whose code passes this modality id to a helper (``"chemotherapy"``)."""
    quoted = re.compile(rf"""["']{re.escape(modality_id)}["']""")
    return [slug for slug, (_, code) in _notebook_text(str(notebook_dir)).items() if quoted.search(code)]


def _word_pattern(words: str) -> str:
    """Whole words, any case, a hyphen or a space between words, and the last word singular or plural."""
    parts = [re.escape(w) for w in re.split(r"[\s-]+", words.strip()) if w]
    last = parts[-1]
    if len(parts[-1]) > 3 and not parts[-1].isupper():
        stem = re.sub(r"(ies|es|s|y)$", "", last, flags=re.IGNORECASE)
        last = f"{stem}(?:y|ies|es|s)?" if stem != last else f"{last}(?:es|s)?"
    return r"\b" + r"[\s-]+".join(parts[:-1] + [last]) + r"\b"


def notebooks_mentioning(words: str, notebook_dir: Path) -> list[str]:
    """Lessons whose text or stored outputs use these words (whole words, any case, singular or plural)."""
    pattern = re.compile(_word_pattern(words), re.IGNORECASE)
    first = re.split(r"[\s-]+", words.strip().lower())[0][:4]  # a cheap test before the regular expression
    return [slug for slug, (seen, _) in _notebook_text(str(notebook_dir)).items()
            if first in seen.lower() and pattern.search(seen)]


# -- text helpers -------------------------------------------------------------------

def frequency_text(row) -> str:
    """How often, in words: the cited numbers and the band derived from them."""
    from helpers import side_effects

    return side_effects.frequency_phrase(row)


def source_links(source_ids) -> list[tuple[str, str | None]]:
    """(citation, link or None) for each source: the URL becomes a link (``http(s)`` only)."""
    from helpers.tables import safe_href

    data.cite(source_ids)  # an unknown id stops the build with one line
    sources = data.load("sources").set_index("id")
    ids: list[str] = []
    for item in [source_ids] if isinstance(source_ids, str) else list(source_ids):
        for part in str(item).split(";"):
            if part.strip() and part.strip() not in ids:
                ids.append(part.strip())
    return [(str(sources.loc[s, "citation"]), safe_href(sources.loc[s, "url"])) for s in ids]


def sources_html(source_ids) -> str:
    return str(render("flashcard_sources.html.j2", sources=source_links(source_ids)))


def front_html(title: str, context: str = "", question: str = "") -> str:
    return str(render("flashcard_front.html.j2", title=title, context=context, question=question))


def back_html(text: str = "", rows: list[tuple[str, str]] = (), items: list[str] = ()) -> str:
    """A paragraph, labelled paragraphs (label, text) and/or a bullet list; blank texts are left out."""
    return str(render("flashcard_back.html.j2", text=text, rows=[(k, v) for k, v in rows if v], items=list(items)))


# -- the notes ------------------------------------------------------------------------

#: A glossary term ending in one of these words is also found without it ("palliative radiotherapy").
GENERIC_LAST_WORDS = {"therapy", "treatment", "scale", "score", "drug", "use"}


def term_forms(term: str) -> list[str]:
    """The ways a glossary term may be written.

    ``"Spinal cord compression (MSCC)"`` -> the whole term, the words before the brackets, the bracketed
    abbreviation; ``"Vertebroplasty / kyphoplasty"`` -> each side of the slash.
    """
    forms = [term]
    match = re.fullmatch(r"(.+?)\s*\(([^)]+)\)(.*)", term)
    if match:
        forms += [f"{match[1]}{match[3]}", match[1],
                  *(part.strip() for part in re.split(r"[,;]| or ", match[2]) if part.strip())]
    for form in list(forms):
        head, _, last = form.rpartition(" ")
        if head and last.lower() in GENERIC_LAST_WORDS:  # "Adjuvant therapy" is also "adjuvant ..."
            forms.append(head)
    for form in list(forms):
        if "/" in form:
            forms += [part.strip() for part in form.split("/") if part.strip()]
    return list(dict.fromkeys(f for f in forms if len(f) > 1))


def glossary_cards(notebook_dir: Path) -> list[Flashcard]:
    cards = []
    for row in data.load("glossary").itertuples(index=False):
        slugs = sorted({s for form in term_forms(row.term) for s in notebooks_mentioning(form, notebook_dir)})
        where = [tag("notebook", s) for s in slugs] or [tag("general")]  # used in no lesson: a general term
        cards.append(Flashcard(
            note_id=f"glossary:{row.id}",
            front=front_html(row.term, question="What does it mean?"),
            back=back_html(text=row.definition),
            sources=sources_html(row.source_ids),
            tags=(tag("glossary"), *where),
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
            front=front_html(f"Red flags with {name.lower()}", question="Which signs need action, and how fast?"),
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
                             question="Which signs need action, and how fast?"),
            back=back_html(items=list(rows["text"])),
            sources=sources_html(list(rows["source_ids"])),
            tags=(tag("red_flags"), tag("notebook", slug), *modality_tags),
        ))
    return cards


def emergency_sign_cards(notebook_dir: Path) -> list[Flashcard]:
    """Warning signs of metastatic spinal cord compression: how fast to act (the tier's words), and what to do."""
    from helpers.supportive_care import STAGE_LABELS, urgency_labels

    notebooks = [tag("notebook", s) for s in notebooks_mentioning("cord compression", notebook_dir)]
    tiers = urgency_labels()
    cards = []
    for _, row in data.load("emergency_signs").iterrows():
        cards.append(Flashcard(
            note_id=f"emergency_sign:{row['id']}",
            front=front_html(row["sign"], context="possible sign of spinal cord compression",
                             question="How fast does the nurse act, and what does the nurse do?"),
            back=back_html(rows=[
                ("How fast", tiers[str(row["urgency"])]),
                ("Stage", STAGE_LABELS[str(row["stage"])]),
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


# -- when notes change: the manifest -------------------------------------------------------

MANIFEST_FILE = "flashcards_manifest.json"
NOTETYPE_KEY = "note type"


def manifest_path() -> Path:
    """The manifest of the current data folder (honours ``SPINE_DATA_DIR``)."""
    return data.data_dir() / MANIFEST_FILE


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()[:16]


def note_hash(card: Flashcard) -> str:
    """What a student sees of a note and what Anki updates with it: the fields and the tags."""
    return _digest([card.fields, sorted(card.tags)])


def notetype_hash() -> str:
    """What Anki updates with the note type: its name, fields, card templates and CSS."""
    return _digest([MODEL_NAME, list(FIELDS), FRONT_TEMPLATE, BACK_TEMPLATE, CARD_CSS])


def read_manifest(path: Path) -> dict:
    """The recorded ``{"notes": {id: {"hash", "mod"}}, "note type": {"hash", "mod"}}`` (empty if none)."""
    if not path.exists():
        return {"notes": {}}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        manifest["notes"]  # noqa: B018 - the one key every manifest has
    except (ValueError, KeyError, TypeError) as error:
        raise DataError(f"{path.name}: not a flashcard manifest ({error}); delete it to start a new one") from None
    return manifest


def _moved(entry: dict | None, digest: str, now: int) -> dict:
    if entry and entry.get("hash") == digest:
        return entry
    earlier = int(entry["mod"]) if entry else 0
    return {"hash": digest, "mod": max(int(now), earlier + 1)}


def stamp(cards: list[Flashcard], manifest: dict, now: int) -> dict:
    """The manifest for ``cards``: unchanged notes keep their time, new or changed ones get ``now``.

    A changed note's time never goes back (at least its old time + 1), so Anki
    sees it as newer.  Notes no longer in the deck leave the manifest.  Pure:
    the caller reads and writes the file.
    """
    notes = manifest.get("notes", {})
    stamped = {"about": ("When each flashcard note last changed (seconds since 1970), by a hash of its fields and "
                         "tags; written by 'make flashcards' (tools/flashcards.py). Commit it with the data."),
               NOTETYPE_KEY: _moved(manifest.get(NOTETYPE_KEY), notetype_hash(), now),
               "notes": {card.note_id: _moved(notes.get(card.note_id), note_hash(card), now) for card in cards}}
    return stamped


def manifest_text(manifest: dict) -> str:
    """The manifest as stable JSON text (sorted, one note a line, so a diff shows which notes changed)."""
    notes = manifest["notes"]
    lines = ",\n".join(f"    {json.dumps(k)}: {json.dumps(notes[k], sort_keys=True)}" for k in sorted(notes))
    head = {k: v for k, v in manifest.items() if k != "notes"}
    body = ",\n".join(f"  {json.dumps(k)}: {json.dumps(head[k], sort_keys=True, ensure_ascii=False)}" for k in sorted(head))
    return f"{{\n{body},\n  \"notes\": {{\n{lines}\n  }}\n}}\n"


# -- the .apkg ------------------------------------------------------------------------------

def guid(note_id: str) -> str:
    """The Anki guid of a note: derived from its data id only."""
    import genanki

    return genanki.guid_for(GUID_NAMESPACE, note_id)


def build_deck(cards: list[Flashcard], manifest: dict | None = None):
    """A genanki deck of ``cards`` with the fixed note type and deck id, each note with its recorded time."""
    import genanki

    class TimedModel(genanki.Model):
        def to_json(self, timestamp, deck_id):
            return super().to_json(self.mod, deck_id)

    class TimedNote(genanki.Note):
        def write_to_db(self, cursor, timestamp, deck_id, id_gen):
            return super().write_to_db(cursor, self.mod, deck_id, id_gen)

    manifest = manifest or stamp(cards, {"notes": {}}, 0)
    model = TimedModel(
        MODEL_ID, MODEL_NAME,
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Card 1", "qfmt": FRONT_TEMPLATE, "afmt": BACK_TEMPLATE}],
        css=CARD_CSS,
    )
    model.mod = int(manifest[NOTETYPE_KEY]["mod"])
    deck = genanki.Deck(DECK_ID, DECK_NAME, description=str(render("flashcard_notice.html.j2", notice=NOTICE)))
    for card in cards:
        note = TimedNote(model=model, fields=card.fields, tags=list(card.tags), guid=guid(card.note_id))
        note.mod = int(manifest["notes"][card.note_id]["mod"])
        deck.add_note(note)
    return deck


def write_deck(path: Path, cards: list[Flashcard], manifest: dict) -> Path:
    """Write the ``.apkg``; the same cards and manifest give the same bytes.

    ``manifest`` (from :func:`stamp`) gives each note and the note type its
    modification time: Anki updates an existing note on import only when the
    incoming one is newer.
    """
    import genanki

    path.parent.mkdir(parents=True, exist_ok=True)
    raw = io.BytesIO()
    newest = max([int(manifest[NOTETYPE_KEY]["mod"]), *(int(e["mod"]) for e in manifest["notes"].values())])
    genanki.Package(build_deck(cards, manifest)).write_to_file(raw, timestamp=newest)
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
