"""Create the skeleton of a new lesson notebook.

    python tools/authoring/new_lesson.py 09_new_topic "Title of the lesson"

Writes notebooks/<slug>.ipynb with the lesson skeleton from
shared conventions (objectives, notice, set-up, body placeholder, nursing
considerations, patient teaching, knowledge check, key points, references,
navigation cells).  Refuses to overwrite an existing notebook.  After this,
the .ipynb is the source: edit it in JupyterLab, add the lesson to
helpers/course.py, its quiz to data/quizzes/ and its instructor notes to
data/instructor/, then run `make notebooks NB=notebooks/<slug>.ipynb FORCE=1`.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nbtools import code, md, nav, write  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def skeleton(slug: str, title: str) -> list:
    return [
        nav(),
        md(f"# {title}\n\n**Purpose:** …\n**Audience:** oncology nursing students. **Estimated time:** … minutes.\n"
           "**Prerequisites:** [Treatment overview](01_treatment_overview.ipynb)."),
        md("## Learning objectives\n\nBy the end of this notebook you will be able to:\n\n1. **Identify** …\n"
           "2. **Explain** …\n3. **Prioritise** …"),
        md("> **Educational use only.** This is teaching material, not medical advice. Cases are synthetic. "
           "Side-effect grades follow CTCAE v5.0."),
        md("## Set-up\n\nRun this cell first (Shift + Enter)."),
        code("import this_copy  # use the helpers and data/ of this copy of the collection\nfrom this_copy import setup, lesson, quiz\nsetup()"),
        md("## …\n\nEach section: a clinical idea, a table, chart or explorer from a helper, then **What to notice:** …"),
        md("## Nursing considerations"),
        code(f'from this_copy import lesson\nlesson.points("{slug}", "nursing_considerations")'),
        md("## Patient teaching points"),
        code(f'from this_copy import lesson\nlesson.points("{slug}", "patient_teaching")'),
        md("## Knowledge check"),
        code(f'from this_copy import quiz\nquiz.knowledge_check("{slug}")'),
        md("## Key points"),
        code(f'from this_copy import lesson\nlesson.points("{slug}", "key_points")'),
        md("## References\n\nEvery source shown above, from `data/sources.csv`."),
        code(f'from this_copy import lesson\nlesson.references_for("{slug}")'),
        nav(),
    ]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print('usage: new_lesson.py NN_slug "Title"', file=sys.stderr)
        return 2
    slug, title = argv
    path = ROOT / "notebooks" / f"{slug}.ipynb"
    if path.exists():
        print(f"{path.relative_to(ROOT)} exists; not overwritten", file=sys.stderr)
        return 1
    write(path, skeleton(slug, title))
    print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
