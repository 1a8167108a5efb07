"""The learning path: which notebooks exist, in what order, and how long each takes.

This table drives the navigation links (``tools/build_notebooks.py``), the
learning-path table in ``00_start_here`` and the README's links.  A lesson
whose notebook has not been written yet is listed as planned.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"
REPOSITORY = "spine-oncology-nursing/spine-cancer-treatment-notebooks"
BRANCH = "main"


@dataclass(frozen=True)
class Lesson:
    slug: str
    title: str
    minutes: int
    summary: str

    @property
    def filename(self) -> str:
        return f"{self.slug}.ipynb"

    @property
    def exists(self) -> bool:
        return (NOTEBOOK_DIR / self.filename).exists()


LESSONS: tuple[Lesson, ...] = (
    Lesson("00_start_here", "Start here", 15,
           "What the collection is, who it is for, and how to use it live or as a static page."),
    Lesson("01_treatment_overview", "Treatment overview", 30,
           "The five treatment modalities side by side: goals, invasiveness and main side effects."),
    Lesson("02_surgery", "Surgery", 45,
           "Resection, decompression and stabilisation; open versus minimally invasive; SINS; post-operative care."),
    Lesson("03_chemotherapy", "Chemotherapy", 45,
           "Oral, intravenous and intrathecal routes; why side effects happen; blood counts, ANC and CTCAE grading."),
    Lesson("04_radiation_therapy", "Radiation therapy", 45,
           "Conventional, stereotactic and whole-spine radiation; fractionation; side effects by level and over time."),
    Lesson("05_interventional_radiology", "Interventional radiology", 40,
           "Image-guided biopsy and ablation; vertebroplasty and kyphoplasty; care before and after."),
    Lesson("06_targeted_therapy", "Targeted therapy", 40,
           "Pathway-directed drugs and the anti-angiogenic antibody; blood pressure, protein and wound healing."),
    Lesson("07_side_effects_and_supportive_care", "Side effects and supportive care", 45,
           "Side effects across modalities, supportive care, and metastatic spinal cord compression."),
    Lesson("08_case_studies", "Case studies", 60,
           "Synthetic cases that follow patients through several treatments and decisions."),
    Lesson("09_clinical_judgment", "Clinical judgment", 90,
           "Unfolding cases in the NCSBN Clinical Judgment Measurement Model, scored live by NCSBN's rules."),
)


def lesson(slug: str) -> Lesson:
    """The lesson with this slug (``"02_surgery"``)."""
    for item in LESSONS:
        if item.slug == slug:
            return item
    valid = ", ".join(item.slug for item in LESSONS)
    raise ValueError(f"unknown lesson {slug!r}; valid lessons: {valid}")


def available() -> tuple[Lesson, ...]:
    """Lessons whose notebook exists, in order."""
    return tuple(item for item in LESSONS if item.exists)


def neighbours(slug: str) -> tuple[Lesson | None, Lesson | None]:
    """The previous and next existing lessons around ``slug``."""
    present = available()
    slugs = [item.slug for item in present]
    index = slugs.index(lesson(slug).slug)
    previous = present[index - 1] if index > 0 else None
    following = present[index + 1] if index + 1 < len(present) else None
    return previous, following


def navigation_markdown(slug: str) -> str:
    """The navigation line placed at the top and bottom of a notebook."""
    previous, following = neighbours(slug)
    parts = []
    if previous is not None:
        parts.append(f"[← Previous: {previous.title}]({previous.filename})")
    if slug != "00_start_here":
        parts.append("[Contents](00_start_here.ipynb)")
    if following is not None:
        parts.append(f"[Next: {following.title} →]({following.filename})")
    return " | ".join(parts)


def learning_path_table():
    """A table of every lesson: order, title, time, what it covers, status."""
    import pandas as pd

    rows = [
        {
            "Lesson": item.slug[:2],
            "Title": item.title,
            "Time (min)": item.minutes,
            "What it covers": item.summary,
            "Status": "available" if item.exists else "planned",
        }
        for item in LESSONS
    ]
    return pd.DataFrame(rows).set_index("Lesson")


def binder_url(slug: str) -> str:
    return (
        f"https://mybinder.org/v2/gh/{REPOSITORY}/{BRANCH}"
        f"?labpath=notebooks%2F{slug}.ipynb"
    )


def nbviewer_url(slug: str) -> str:
    return f"https://nbviewer.org/github/{REPOSITORY}/blob/{BRANCH}/notebooks/{slug}.ipynb"


def repository_file_url(path: str) -> str:
    """A link to a file of the collection that is not a notebook (``"docs/clinical-review.md"``).

    Absolute, on GitHub: a relative link such as ``../docs/clinical-review.md``
    works in JupyterLab but gives 404 on nbviewer, whose pages live under
    ``/github/OWNER/REPO/blob/BRANCH/notebooks/``; the GitHub page opens the
    same from nbviewer, a hub, Binder and JupyterLab.
    """
    return f"https://github.com/{REPOSITORY}/blob/{BRANCH}/{path.lstrip('/')}"


def learning_path_view():
    """The learning-path table, captioned for display."""
    from helpers.tables import styled

    return styled(learning_path_table().reset_index(), "The learning path: lessons in order")


class _Links:
    """Binder and nbviewer links for every available notebook, as a captioned table."""

    def _table(self):
        import pandas as pd

        from helpers.tables import Link, styled

        rows = [
            {
                "Lesson": item.slug[:2],
                "Title": item.title,
                "Live (Binder)": Link(f"Open {item.title} live on Binder", binder_url(item.slug)),
                "Static (nbviewer)": Link(f"Read {item.title} on nbviewer", nbviewer_url(item.slug)),
            }
            for item in available()
        ]
        return styled(pd.DataFrame(rows), "Links to every available notebook")

    def _repr_html_(self) -> str:
        return self._table()._repr_html_()

    def __repr__(self) -> str:
        return "\n".join(f"{item.slug}: {binder_url(item.slug)} | {nbviewer_url(item.slug)}" for item in available())


def links_view() -> _Links:
    """Binder and nbviewer links for every notebook that exists."""
    return _Links()
