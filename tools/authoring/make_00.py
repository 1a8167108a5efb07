import sys
sys.path.insert(0, "tools/authoring")
from nbtools import md, code, nav, write

cells = [
nav(),
md("""
# Start here: treating spinal cancer, a notebook course for oncology nurses

**Purpose:** find your way around this collection and choose how you will use it.
**Audience:** oncology nursing students and their instructors; no programming needed.
**Estimated time:** 15 minutes. **Prerequisites:** none.
"""),
md("""
> **Educational use only.** This collection teaches nursing students. It is not medical advice and it does not replace your
> institution's policies, protocols or the treating team's orders. Every patient in it is synthetic (invented for teaching).
> Graded scales are named with their version: CTCAE v5.0 for side-effect grades, SINS (Fisher et al., 2010) for spinal
> stability, the ESCC scale (Bilsky et al., 2010) for cord compression and the NOMS framework (Laufer et al., 2013).
"""),
md("""
## What this collection is

Cancer that involves the spine is treated by several teams at once. A patient may have surgery to take pressure off the
spinal cord, radiation to control the tumour, chemotherapy or targeted drugs for disease elsewhere, and a cement
procedure to steady a broken vertebra. Each treatment has its own goal, its own degree of invasiveness and its own
side effects, and the nurse is the person who sees all of them together.

The notebooks walk through each treatment in turn, then bring them together:

* how each treatment works and what it is meant to achieve (cure or local control, relief of symptoms, stability);
* what the nurse assesses, prevents and escalates;
* what the patient needs to be taught;
* how supportive care (nutrition, pain management, rehabilitation, integrative and mind-body approaches, steroids and
  blood thinners) keeps patients well enough to continue treatment.

Every clinical statement comes from the tables in the `data/` folder, and every row there names its source.
"""),
md("""
## Learning objectives

After this notebook you will be able to:

1. **Describe** what the collection covers and the order in which to work through it.
2. **Choose** a way to open the notebooks (JupyterLab, Binder or nbviewer) that suits your situation.
3. **Explain** why the controls on a static nbviewer page behave differently from a live notebook.
"""),
md("""
## Set-up

The cell below prepares the charts and tables. To run a cell, click into it and press **Shift + Enter**.
"""),
code("""
from helpers import setup, course
setup()
"""),
md("""
## The learning path

Work through the notebooks in order the first time; later, jump to the one you need. Times are for a first reading,
including the knowledge check.
"""),
code("""
course.learning_path_view()
"""),
md("""
**What to notice:** the overview (01) comes first because it introduces the five treatments and the words used in
every later notebook. The case studies (08) come last because they combine everything.
"""),
md("""
## Three ways to open the notebooks

| Where | What you need | What works |
|---|---|---|
| **JupyterLab** on your own computer | The project folder and Python 3.11; run `make lab` | Everything: live controls, charts, tables |
| **Binder** in a web browser | Only a browser; the first start can take a few minutes | Everything, but your changes are lost when the session ends: download anything you want to keep |
| **nbviewer**, a static web page | Only a browser | Reading, charts with their built-in menus, tables, knowledge checks; the live controls are replaced by a static version |

Your instructor may also give you a JupyterHub link that opens the collection in your class's own JupyterLab.

### Why controls behave differently on a static page

A live notebook is connected to a running Python program (the *kernel*). When you move a slider or pick from a menu,
the kernel recalculates the result. nbviewer shows a saved copy of the notebook with no kernel behind it, so a control
there would look usable but do nothing. This collection therefore never shows dead controls. Where a live notebook has
an interactive explorer, the static page shows a chart whose own drop-down menu switches between the same choices
(the chart works in your browser without a kernel), or a table that lists every choice at once.
"""),
md("""
### Links for each notebook

Open any notebook live on Binder or as a static page on nbviewer:
"""),
code("""
course.links_view()
"""),
md("""
## How the notebooks are built

Each lesson follows the same pattern so you always know where to look: learning objectives, a notice like the one
above, short sections that each pair an idea with a table, chart or explorer and a sentence on **what to notice**,
then nursing considerations, patient teaching points, a knowledge check, key points and references.

You do not need to read or change any code. The short code cells only call ready-made tools with clinical names;
if something goes wrong, you will see one sentence explaining what to change, never a page of computer output.
"""),
md("""
## Key points

* Start with the treatment overview (01), then the five treatment notebooks (02 to 06), then side effects and
  supportive care (07) and the case studies (08).
* Use JupyterLab or Binder to interact; use nbviewer to read, print or project without installing anything.
* Everything clinical is cited, versioned (CTCAE v5.0) and synthetic: this is a course, not clinical guidance.
"""),
nav(),
]
write("notebooks/00_start_here.ipynb", cells)
