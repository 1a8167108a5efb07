import sys
sys.path.insert(0, "tools/authoring")
from nbtools import md, code, nav, write

cells = [
nav(),
md("""
# Treatment overview: five ways to treat cancer in the spine

**Purpose:** compare the five treatment modalities on their goals, invasiveness and main side effects, and see how
they combine in typical situations.
**Audience:** oncology nursing students. **Estimated time:** 30 minutes.
**Prerequisites:** [Start here](00_start_here.ipynb).
"""),
md("""
## Learning objectives

By the end of this notebook you will be able to:

1. **Identify** the five treatment modalities for spinal cancer and the main goal of each.
2. **Compare** the modalities on invasiveness, using a defined five-level scale.
3. **Explain** why one patient often receives several modalities, and in what role (curative, adjuvant, palliative,
   stabilising, diagnostic).
4. **Recognise** the main side effects a nurse monitors for with each modality.
"""),
md("""
> **Educational use only.** This is teaching material, not medical advice. The scenarios are synthetic. Treatment is
> decided for each patient by a multidisciplinary team, and local protocols differ. Side-effect grades follow
> CTCAE v5.0.
"""),
md("""
## Set-up

Run this cell first (Shift + Enter). It loads the course tools and the cited data tables.
"""),
code("""
from helpers import setup, overview, lesson, quiz
setup()
"""),
md("""
## The five treatments at a glance

Cancer in the spine is either **primary** (it starts in the spinal cord, its coverings or the vertebrae) or, far more
often, **metastatic** (it has spread to the spine from elsewhere, most often from breast, lung or prostate). Which
treatments are used depends on the tumour's type, grade and location, on the symptoms, and on the person's overall
health. The table compares the five modalities taught in this collection.
"""),
code("""
overview.comparison_table()
"""),
md("""
**What to notice:** only some treatments aim to remove or destroy the tumour where it is; others treat cancer
throughout the body, and some mainly relieve pain or make the spine stable. Each has its own pattern of side effects,
which is why the nurse needs to know which treatments a patient has had.
"""),
md("""
## How invasive is each treatment?

*Invasiveness* here means how much the body is entered to give the treatment: from a tablet swallowed at home to open
surgery under general anaesthesia. The scale below defines each level, so that "minimally invasive" means the same
thing in every notebook.
"""),
code("""
overview.invasiveness_scale()
"""),
code("""
overview.invasiveness_chart()
"""),
md("""
**What to notice:** every modality covers a range, because each comes in several forms. Chemotherapy taken by mouth is
at the bottom of the scale, but the same drugs given into the cerebrospinal fluid need a needle or a reservoir under the
scalp. Surgery spans needle-guided minimally invasive operations to open resection of a whole vertebra. Hover over a
marker to see which form it is.
"""),
md("""
## What each treatment is for

A treatment can aim at **cure or local control** (removing or destroying the tumour where it is), be **adjuvant**
(given after the main treatment to mop up cells left behind), be **palliative** (relieving symptoms such as pain
or pressure on the cord), **stabilise** the spine, or help with **diagnosis**.
"""),
code("""
overview.goals_chart()
"""),
md("""
**What to notice:** no single treatment serves every goal. Surgery and radiation both appear under local control and
symptom relief; only surgery and interventional radiology stabilise the bone; and biopsy by interventional radiology
is how the diagnosis is usually confirmed.
"""),
md("""
### Invasiveness against goals

Each marker below is one *form* of a treatment (for example kyphoplasty, or oral chemotherapy), placed by how invasive
it is and by each goal it serves. Use the menu on the chart to show one treatment at a time.
"""),
code("""
overview.invasiveness_goals_chart()
"""),
md("""
**What to notice:** the goals of pain relief and stabilisation can be reached at very different levels of
invasiveness, from a needle procedure to open surgery; the choice depends on how unstable the spine is and how fit
the patient is. Control of cancer throughout the body comes only from the drug treatments at the low end of the scale.
"""),
md("""
## Comparing treatments side by side

Choose two or more treatments to compare their goals, invasiveness and side effects. The chart counts the side
effects listed in this collection's data for each body system: it shows *where* to look, not how severe the effects
are. On a static page the chart shows all five treatments.
"""),
code("""
overview.comparison_explorer()
"""),
md("""
**What to notice:** chemotherapy's listed effects cluster in the blood and gut (fast-dividing cells), surgery's and
interventional radiology's in wound and procedural problems, radiation's depend on where it is aimed, and targeted
therapy adds effects on the heart and circulation and the kidneys.
"""),
md("""
## Scenarios: how the treatments combine

Choose a scenario to see which treatments are considered, in what order, in what role, and why. On a static page
(nbviewer), use the drop-down menu on the chart instead; the table underneath lists every scenario at once.
"""),
code("""
overview.scenario_explorer()
"""),
code("""
overview.all_scenarios_table()
"""),
md("""
**What to notice:** treatments are combined and sequenced. When a tumour presses on the spinal cord, surgery to take
the pressure off often comes first and radiation follows; when a tumour returns after earlier treatment, drug
treatments such as targeted therapy come into play. Each role changes what the nurse watches for.
"""),
md("""
## Nursing considerations
"""),
code("""
lesson.points("01_treatment_overview", "nursing_considerations")
"""),
md("""
## Patient teaching points
"""),
code("""
lesson.points("01_treatment_overview", "patient_teaching")
"""),
md("""
## Knowledge check
"""),
code("""
quiz.knowledge_check("01_treatment_overview")
"""),
md("""
## Key points
"""),
code("""
lesson.points("01_treatment_overview", "key_points")
"""),
md("""
## References

Every table, chart and statement above is drawn from these sources (listed in `data/sources.csv`).
"""),
code("""
lesson.references_for("01_treatment_overview")
"""),
nav(),
]
write("notebooks/01_treatment_overview.ipynb", cells)
