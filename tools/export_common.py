"""Shared plumbing for the export tools (handouts, slides, instructor version).

The exports read the committed notebooks with their stored outputs: they never
execute a notebook and never write under ``notebooks/``.  Every change they
make (hidden code, links, slide types, opened answers) is made to an in-memory
copy.

Bad input (an unknown notebook, a missing data file) raises
:class:`ExportError`; :func:`run` turns it into one line on stderr and exit
status 2, never a traceback.
"""

from __future__ import annotations

import copy
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
BUILD_DIR = ROOT / "build"
sys.path.insert(0, str(ROOT / "src"))

NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
PLOTLY_MIME = "application/vnd.plotly.v1+json"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
DRAW_TIMEOUT_MS = 30_000

# Links between lessons are written as "NN_slug.ipynb" in the notebooks.
_LESSON_LINK = re.compile(r"\]\((\d\d_[A-Za-z0-9_]+)\.ipynb(#[^)\s]*)?\)")
_TEX = re.compile(r"(?<![\\$])\$[^$\n]+\$|\$\$|\\\(|\\\[")


class ExportError(Exception):
    """Bad input for an export tool; the message is one complete line."""


# -- choosing notebooks -------------------------------------------------------

def available_notebooks() -> list[Path]:
    return sorted(NOTEBOOK_DIR.glob(NOTEBOOK_GLOB))


def notebook_paths(names: Sequence[str]) -> list[Path]:
    """The notebooks named (all of them when ``names`` is empty).

    A name may be a path (``notebooks/01_treatment_overview.ipynb``), a file
    name, a slug (``01_treatment_overview``) or the two-digit number (``01``).
    """
    present = available_notebooks()
    if not names:
        if not present:
            raise ExportError(f"no notebooks match notebooks/{NOTEBOOK_GLOB}")
        return present
    paths = []
    for name in names:
        path = Path(name)
        if path.suffix == ".ipynb" and path.is_file():
            paths.append(path.resolve())
            continue
        stem = path.name.removesuffix(".ipynb")
        matches = [p for p in present if p.stem == stem or p.stem[:2] == stem]
        if len(matches) != 1:
            known = ", ".join(p.stem for p in present) or "none yet"
            raise ExportError(f"unknown notebook {name!r}; available: {known}")
        paths.append(matches[0])
    return paths


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """An in-memory copy of the stored notebook (outputs as committed)."""
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as error:  # noqa: BLE001 - any unreadable file is one line
        raise ExportError(f"{path.name}: not a readable notebook ({type(error).__name__}: {error})") from None
    nb = copy.deepcopy(nb)
    # Widget state is never stored, but an old copy must not pull in the CDN
    # widget manager.
    nb.metadata.pop("widgets", None)
    return nb


# -- what a notebook contains -------------------------------------------------

def chart_count(nb: nbformat.NotebookNode) -> int:
    """How many plotly figures the stored outputs hold."""
    return sum(
        PLOTLY_MIME in output.get("data", {})
        for cell in nb.cells
        for output in cell.get("outputs", [])
    )


def has_math(nb: nbformat.NotebookNode) -> bool:
    """True when a markdown cell holds TeX that MathJax would typeset."""
    return any(cell.cell_type == "markdown" and _TEX.search(cell.source) for cell in nb.cells)


def headings(nb: nbformat.NotebookNode) -> list[tuple[int, str]]:
    """(level, text) of every markdown heading, in order."""
    found = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        in_fence = False
        for line in cell.source.splitlines():
            if line.lstrip().startswith("```"):
                in_fence = not in_fence
            match = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
            if match and not in_fence:
                found.append((len(match.group(1)), match.group(2)))
    return found


def first_heading(cell) -> tuple[int, str] | None:
    """The heading a markdown cell opens with, if it opens with one."""
    if cell.cell_type != "markdown":
        return None
    for line in cell.source.splitlines():
        if not line.strip():
            continue
        match = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
        return (len(match.group(1)), match.group(2)) if match else None
    return None


def title_of(nb: nbformat.NotebookNode, fallback: str) -> str:
    for level, text in headings(nb):
        if level == 1:
            return text
    return fallback


def relink_lessons(nb: nbformat.NotebookNode, suffix: str) -> None:
    """Point links to other notebooks at the matching exported file."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = _LESSON_LINK.sub(lambda m: f"]({m.group(1)}{suffix}{m.group(2) or ''})", cell.source)


# -- static, self-contained HTML ----------------------------------------------

PLOTLYJS_DIR = ROOT / "tools" / "plotlyjs"


def plotly_bundle_file() -> Path:
    """The cartesian plotly.js bundle the figures load, from its npm package.

    Installed by ``make plotlyjs`` (``npm ci`` in tools/plotlyjs, run by
    ``make test`` and ``make handouts``); the same file cdn.plot.ly serves at
    ``helpers.plotting.PLOTLY_CDN_URL``.
    """
    from helpers.plotting import PLOTLY_BUNDLE_NPM

    path = PLOTLYJS_DIR / "node_modules" / PLOTLY_BUNDLE_NPM / "plotly-cartesian.min.js"
    if not path.is_file():
        raise ExportError(f"{relative(path)} is missing: run 'make plotlyjs' (npm ci in tools/plotlyjs)")
    return path


def plotly_js() -> str:
    """The cartesian plotly.js bundle (see :func:`plotly_bundle_file`), safe inside <script>."""
    return plotly_bundle_file().read_text(encoding="utf-8").replace("</script", "<\\/script")


# Extends nbconvert's "lab" template: no require.js, MathJax or mermaid tags
# from CDNs (the collection needs none of them), and slots for our own head
# (print style, inlined plotly.js), banner and appendix.
_STATIC_TEMPLATE = r"""{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}{{ resources.spine.head }}{%- endblock html_head_css -%}
{%- block body_header -%}{{ super() }}{{ resources.spine.banner }}{%- endblock body_header -%}
{%- block body_footer -%}{{ resources.spine.appendix }}{{ super() }}{%- endblock body_footer -%}
"""

PRINT_CSS = """
@page { size: A4; margin: 14mm 12mm; }
.spine-banner { border: 2px solid #0072B2; border-radius: 4px; padding: 0.6em 1em; margin: 1em 0;
  font-family: var(--jp-content-font-family, system-ui, sans-serif); font-size: 14px; }
.spine-banner p { margin: 0.2em 0; }
@media print {
  .celltag_navigation { display: none; }
  /* JupyterLab keeps each output on one page, which pushes a long table to
     the next page and leaves a blank half page; keep only charts whole. */
  .jp-OutputArea-child { break-inside: auto; }
  h1, h2, h3, caption { break-after: avoid; }
  .plotly-graph-div, .knowledge-check, .spine-keep, tr, figure { break-inside: avoid; }
  a { color: inherit; }
  body { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def static_html(
    nb: nbformat.NotebookNode,
    *,
    title: str,
    banner: str = "",
    appendix: str = "",
    extra_css: str = "",
    inline_plotly: bool = True,
) -> str:
    """The notebook as one HTML page with code hidden and no CDN script.

    With ``inline_plotly`` (and at least one chart), the cartesian plotly.js bundle is placed
    once in the head.  The collection's figure loader
    (``helpers.plotting.figure_html``) draws at once when ``window.Plotly``
    exists, so it never fetches plotly.js from the CDN and the page works
    offline.
    """
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    head = f"<style>{PRINT_CSS}{extra_css}</style>"
    if inline_plotly and chart_count(nb):
        head += f'\n<script type="text/javascript" id="spine-plotly-inline">{plotly_js()}</script>'
    exporter = HTMLExporter(
        template_name="lab",
        template_file="spine_static.html.j2",
        extra_loaders=[DictLoader({"spine_static.html.j2": _STATIC_TEMPLATE})],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    resources = {
        "metadata": {"name": title},
        "spine": {"head": head, "banner": banner, "appendix": appendix},
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


def open_all_details(page_html: str) -> str:
    """Every ``<details>`` element opened (answers shown)."""
    return re.sub(r"<details(?![^>]*\bopen\b)", "<details open", page_html)


def external_scripts(page_html: str) -> list[str]:
    """``src`` of every script that would be fetched over the network."""
    return re.findall(r"""<script[^>]*\ssrc=["']?(https?:[^"'\s>]+)""", page_html)


# -- headless Chromium --------------------------------------------------------

def launch_chromium(playwright):
    """Debian's chromium, driven by Playwright (it cannot download its own)."""
    if not Path(CHROMIUM).exists():
        raise ExportError(
            f"headless Chromium not found at {CHROMIUM}: run 'make browser' "
            "(or 'sudo apt-get install chromium'), or pass --no-pdf"
        )
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def block_network(page, routes: dict[str, Callable] | None = None) -> list[str]:
    """Refuse every request that is not a local file; return what was asked.

    ``routes`` maps a URL prefix to a handler (``route -> None``) for the few
    URLs a test chooses to serve from local copies.
    """
    refused: list[str] = []

    def handle(route):
        url = route.request.url
        for prefix, handler in (routes or {}).items():
            if url.startswith(prefix):
                return handler(route)
        if url.startswith(("file:", "data:", "about:", "blob:")):
            return route.continue_()
        refused.append(url)
        return route.abort()

    page.route("**/*", handle)
    return refused


def wait_for_charts(page, expected: int, name: str) -> None:
    """Wait until every ``.plotly-graph-div`` has drawn its ``.main-svg``."""
    script = """n => {
        const divs = Array.from(document.querySelectorAll('.plotly-graph-div'));
        return divs.length >= n && divs.every(d => d.querySelector('.main-svg'));
    }"""
    try:
        page.wait_for_function(script, arg=expected, timeout=DRAW_TIMEOUT_MS)
    except Exception:  # noqa: BLE001 - Playwright's TimeoutError, reported in one line
        drawn = page.evaluate(
            "Array.from(document.querySelectorAll('.plotly-graph-div')).filter(d => d.querySelector('.main-svg')).length"
        )
        raise ExportError(f"{name}: only {drawn} of {expected} charts drew within {DRAW_TIMEOUT_MS // 1000} s") from None


# -- entry points -------------------------------------------------------------

def run(main: Callable[[list[str] | None], int], argv: list[str] | None = None) -> int:
    """Call ``main``; an ExportError becomes one line on stderr and status 2."""
    try:
        return main(argv)
    except ExportError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)
