"""Every diagram the markdown format draws, rendered by the real Mermaid library.

GitHub and GitLab hand a ```` ```mermaid ```` fence to Mermaid in a browser; a diagram
Mermaid cannot parse shows as an error box in the PR comment. So the diagrams of every
example plan's markdown report, and diagrams whose hops carry hostile text, go through
`mermaid.parse` and `mermaid.render` (Mermaid 11 from the npm registry) in Debian's
chromium, driven headless by Playwright; each must render, show the labels plangate
wrote as text, and hold no link, script, image or event handler.

Needs chromium (`/usr/bin/chromium`, or `$PLANGATE_CHROMIUM`), npm and the `playwright`
package (the test extras). Mermaid is installed by npm into `$PLANGATE_NODE_MODULES`
(default `~/.cache/plangate/mermaid`), outside the repository, when it is not there yet.
Anything missing skips these tests, except with `PLANGATE_REQUIRE_BROWSER=1` (set by
.ci/run), where it fails them.

`PLANGATE_UPDATE_IMAGES=1 pytest tests/reporters/test_mermaid_render.py` rewrites the
README's picture of a drawn path, docs/images/finding-path.png.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from plangate.assurance import Contribution, Plane
from plangate.assurance_model import build
from plangate.reporters.map_diagram import map_flowchart
from plangate.reporters.mermaid import flowchart, node_texts

ROOT = Path(__file__).resolve().parents[2]
PLANS = sorted(p for p in (ROOT / "examples" / "plans").glob("*.json") if p.name != "index.json")
IMAGE = ROOT / "docs" / "images" / "finding-path.png"
# The README's picture: the application's task role granted the lock table.
IMAGE_PLAN, IMAGE_POLICY = "task_role_lock_table_direct.json", "PG-STATE-001"
MERMAID = "mermaid@11"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_FENCE = re.compile(r"^```mermaid\n(.*?)\n```$", re.DOTALL | re.MULTILINE)
_WHY = "<summary><b>Why "  # the folded assurance map, after the findings' paths

# Hostile hops, as a pull request writes them into for_each keys and statement ids.
HOSTILE = [
    '"] --> n9["pwned',
    '"]; click n0 callback "alert',
    'click n0 href "javascript:alert(1)"',
    "%%{init: {'securityLevel': 'loose'}}%%",
    ":::finding",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    '<a href="https://evil.example">x</a>',
    "<br><b>bold</b>",
    "```\n# heading",
    "` **md** `",
    "#quot;#60;&lt;&#60;",
    "style n0 fill:#f00;",
    "fa:fa-car",
    "end",
    "esc\x1b[2J rlo\u202egnp",
    "a;b|c{d}e[f]g>h \\",
    "emoji \U0001f600",
    # What Mermaid reads in a label after its sanitizer has decoded the entities.
    "$$\\href{javascript:alert(1)}{x}$$",
    "fab:fa-github",
    "a\\nb",
    "#br#",
]
# Sites configure Mermaid differently: GitHub and GitLab keep `strict`; `loose` is the
# most a site can allow (HTML labels, click callbacks); without HTML labels, Mermaid
# writes SVG text.
CONFIGS = {
    "strict": {"securityLevel": "strict"},
    "loose": {"securityLevel": "loose"},
    "svg-text": {"securityLevel": "strict", "htmlLabels": False},
}


def _missing(reason: str) -> None:
    if os.environ.get("PLANGATE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (PLANGATE_REQUIRE_BROWSER=1: the browser test must run)")
    pytest.skip(reason)


def _mermaid_js() -> Path:
    """mermaid.min.js, installed from the npm registry into a folder outside the repo."""
    folder = Path(
        os.environ.get("PLANGATE_NODE_MODULES") or Path.home() / ".cache" / "plangate" / "mermaid"
    )
    script = folder / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
    if script.is_file():
        return script
    npm = shutil.which("npm")
    if npm is None:
        _missing("npm not found: it installs Mermaid for the rendering test")
    folder.mkdir(parents=True, exist_ok=True)
    installed = subprocess.run(
        [
            npm,
            "install",
            "--prefix",
            str(folder),
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
            MERMAID,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if installed.returncode != 0 or not script.is_file():
        _missing(f"npm install {MERMAID} failed: {installed.stderr.strip()[-300:]}")
    return script


@pytest.fixture(scope="module")
def browser_page() -> Iterator[Any]:
    """A blank page in headless chromium with Mermaid loaded."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed (pip install -e '.[test]')")
    chromium = os.environ.get("PLANGATE_CHROMIUM", "/usr/bin/chromium")
    if not os.access(chromium, os.X_OK):
        _missing(f"no chromium at {chromium} (apt-get install chromium)")
    script = _mermaid_js()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(device_scale_factor=2)
        page.set_content('<!doctype html><meta charset="utf-8"><body><div id="out"></div>')
        page.add_script_tag(path=str(script))
        yield page
        browser.close()


_RENDER = """async ([source, config]) => {
  mermaid.initialize(Object.assign({startOnLoad: false}, config));
  const out = document.getElementById("out");
  out.innerHTML = "";
  try { await mermaid.parse(source); }
  catch (e) { return {error: "parse: " + String((e && e.message) || e)}; }
  let svg;
  try { svg = (await mermaid.render("d" + Date.now(), source)).svg; }
  catch (e) { return {error: "render: " + String((e && e.message) || e)}; }
  out.innerHTML = svg;
  const root = out.querySelector("svg");
  const all = [...root.querySelectorAll("*")];
  return {
    error: null,
    nodes: [...root.querySelectorAll("g.node")].map(n => n.textContent.replaceAll("\\u2060", "")),
    breaks: [...root.querySelectorAll("g.node")].map(n => n.querySelectorAll("br").length),
    edges: root.querySelectorAll("path.flowchart-link").length,
    links: root.querySelectorAll("a").length,
    scripts: root.querySelectorAll("script, img, iframe, object, embed").length,
    handlers: all.filter(e => [...e.attributes].some(a => a.name.startsWith("on"))).length,
    clickable: root.querySelectorAll(".clickable").length,
    markup: root.querySelectorAll(".nodeLabel *:not(p):not(br), i, math, .katex").length,
    red: root.querySelectorAll("g.node.violation").length,
    clusters: root.querySelectorAll("g.cluster").length,
  };
}"""

Render = Callable[[str, str], dict[str, Any]]


@pytest.fixture(scope="module")
def render(browser_page: Any) -> Render:
    """`render(source, config)`: what Mermaid made of the diagram (text without the
    invisible word joiners plangate adds)."""

    def render(source: str, config: str = "strict") -> dict[str, Any]:
        return browser_page.evaluate(_RENDER, [source, CONFIGS[config]])

    return render


@pytest.fixture(scope="module")
def example_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[dict, str]]:
    """Each example plan's JSON report and markdown comment, from one run of the CLI."""
    out = tmp_path_factory.mktemp("reports")
    plangate = str(Path(sys.executable).parent / "plangate")

    def check(plan: Path) -> tuple[str, tuple[dict, str]]:
        markdown = out / f"{plan.stem}.md"
        run = subprocess.run(
            [plangate, "check", str(plan), "--format", "json", f"--output=markdown={markdown}"],
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
        )
        assert run.returncode in (0, 1), run.stderr
        return plan.name, (json.loads(run.stdout), markdown.read_text())

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(check, PLANS))


def _drawn(report: dict) -> list[dict]:
    """The findings whose path the markdown comment draws, in its order."""
    return [f for f in report["findings"] if f["blocking"] and not f["waived"] and f["chain"]]


def _label_parts(hop: str) -> list[str]:
    """What a reader must find on a hop's node, read from the hop without plangate's code:
    a resource's type and its name (with any index), or a phrase as it is."""
    address = re.fullmatch(
        r"(?:module\.[\w-]+(?:\[[^\]]*\])?\.)*((?:data\.)?[\w-]+)\.([\w-]+(?:\[[^\]]*\])?)", hop
    )
    return list(address.groups()) if address else [hop]


def test_the_example_plans_draw_paths(example_reports):
    """Else the rendering test below would pass on no diagram at all."""
    drawn = {name: len(_drawn(report)) for name, (report, _) in example_reports.items()}
    assert drawn["rds_reachable.json"] == 3
    assert drawn["task_role_lock_table_direct.json"] == 1
    assert sum(drawn.values()) >= 10


@pytest.mark.parametrize("plan", [p.name for p in PLANS])
def test_every_diagram_of_an_example_plan_renders_with_its_labels(example_reports, render, plan):
    report, markdown = example_reports[plan]
    findings = _drawn(report)
    sources = _FENCE.findall(markdown.split(_WHY)[0])
    assert len(sources) == len(findings), "one diagram per blocking finding with a path"
    for f, source in zip(findings, sources, strict=True):
        shown = render(source)
        assert shown["error"] is None, (f["policy_id"], shown["error"], source)
        hops = list(dict.fromkeys(f["chain"]))
        assert len(shown["nodes"]) == len(hops)
        assert shown["edges"] == len(hops) - 1
        for hop, text in zip(hops, shown["nodes"], strict=True):
            for part in _label_parts(hop):
                assert part in text, (hop, text)


def _hostile_chains() -> list[list[str]]:
    """Each hostile string as a phrase and as a for_each key, a few to a diagram."""
    hops: list[str] = []
    for text in HOSTILE:
        hops += [text, f"aws_db_instance.db[{json.dumps(text, ensure_ascii=False)}]"]
    return [hops[i : i + 9] for i in range(0, len(hops), 9)]


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_hostile_labels_render_as_text_and_nothing_else(render, config):
    for chain in _hostile_chains():
        f = {"address": chain[-1], "chain": chain}
        shown = render(flowchart(f), config)
        assert shown["error"] is None, (shown["error"], chain)
        expected = node_texts(f)
        assert len(shown["nodes"]) == len(expected)
        if config == "svg-text":
            # Mermaid's SVG text shows the entities of a one-line label as written (it
            # decodes them only in a label its sanitizer parses as HTML, one with a
            # `<br>`): safe, but coded. The type line of each resource shows as it is.
            for text, lines in zip(shown["nodes"], expected, strict=True):
                assert text.startswith(lines[0] if len(lines) > 1 else ""), text
        else:
            assert shown["nodes"] == ["".join(lines) for lines in expected]
            assert shown["breaks"] == [len(lines) - 1 for lines in expected]
        assert shown["edges"] == len(chain) - 1
        assert shown["links"] == shown["scripts"] == shown["handlers"] == shown["clickable"] == 0
        assert shown["markup"] == 0, "no element in a label but the line breaks"


def test_a_path_with_thousands_of_hops_renders_as_a_short_diagram(render):
    f = {"address": "aws_r.n4999", "chain": [f"aws_r.n{i}" for i in range(5000)]}
    shown = render(flowchart(f))
    assert shown["error"] is None
    assert shown["nodes"][-2:] == ["… 4989 more hops", "aws_rn4999"]


def test_the_readme_picture_is_a_rendered_diagram(example_reports, render, browser_page):
    """The picture the README shows; rewritten only with PLANGATE_UPDATE_IMAGES=1."""
    report, markdown = example_reports[IMAGE_PLAN]
    index = [f["policy_id"] for f in _drawn(report)].index(IMAGE_POLICY)
    source = _FENCE.findall(markdown.split(_WHY)[0])[index]
    assert render(source)["error"] is None
    if os.environ.get("PLANGATE_UPDATE_IMAGES") == "1":
        IMAGE.parent.mkdir(parents=True, exist_ok=True)
        browser_page.locator("#out svg").screenshot(path=str(IMAGE))
    assert IMAGE.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", "run with PLANGATE_UPDATE_IMAGES=1"
    assert f'src="{IMAGE.relative_to(ROOT)}"' in (ROOT / "README.md").read_text()


# -- the assurance map ------------------------------------------------------------------

RED = {
    "rds_public",
    "db_sg_open",
    "db_public_subnets",
    "rds_reachable",
    "public_snapshot",
    "task_role_lock_table_direct",
    "task_role_lock_table_wildcard",
    "task_role_managed_policy",
    "lambda_lock_stream",
}
_MAP_NODE = re.compile(r"^    p\d+n\d+\W", re.MULTILINE)
_MAP_EDGE = re.compile(r"^  p\d+n\d+ -", re.MULTILINE)


@pytest.mark.parametrize("plan", [p.name for p in PLANS])
def test_every_example_plan_s_assurance_map_renders_both_planes(example_reports, render, plan):
    _, markdown = example_reports[plan]
    assert markdown.count(_WHY) == 1
    [source] = _FENCE.findall(markdown.split(_WHY)[1])
    shown = render(source)
    assert shown["error"] is None, (shown["error"], source)
    assert shown["clusters"] == 2  # the application plane and the state plane
    assert len(shown["nodes"]) == len(_MAP_NODE.findall(source))
    assert shown["edges"] == len(_MAP_EDGE.findall(source))
    text = " ".join(shown["nodes"])
    # a resource shows its type over its name (a line break apart)
    assert "aws_db_instancethis" in text and 'lock table "terraform-state-lock"' in text
    # drawn in red exactly where the plan opens a path the map draws (an environment
    # variable naming the lock table, or its deletion, is no edge of the planes)
    assert (shown["red"] > 0) == (plan.removesuffix(".json") in RED), plan


def _hostile_model() -> dict:
    plane = Plane("hostile", HOSTILE[0])
    kinds = ["source", "database", "state", "firewall", "event", "client"]
    keys = [plane.node(f"k{i}", kinds[i % 6], text) for i, text in enumerate(HOSTILE)]
    for i, (a, b) in enumerate(pairwise(keys)):
        plane.edge(
            a, b, HOSTILE[-1 - i], violation=i % 3 == 0, certainty="unknown" if i % 2 else "known"
        )
    return build("p.json", [Contribution(planes=[plane], pack=HOSTILE[1])], [])


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_hostile_labels_in_a_plane_render_as_text_and_nothing_else(render, config):
    model = _hostile_model()
    shown = render(map_flowchart(model), config)
    assert shown["error"] is None, shown["error"]
    assert len(shown["nodes"]) == len(HOSTILE)
    assert shown["edges"] == len(HOSTILE) - 1
    assert shown["links"] == shown["scripts"] == shown["handlers"] == shown["clickable"] == 0
    assert shown["markup"] == 0, "no element in a label but the line breaks"


def test_a_plane_of_thousands_of_resources_renders_grouped_and_capped(render):
    plane = Plane("big", "Thousands of services")
    db_key = plane.node("internet", "source", "internet")
    for service in range(3000):
        group = f"module.service[*].module.s{service % 60}.aws_ecs_service.api"
        task = plane.node(f"t{service}", "compute", f"api {service}", group=group)
        db = plane.node(f"d{service}", "database", f"db {service}", group=group + "db")
        plane.edge(task, db, "tcp 5432")
        if service % 500 == 0:
            plane.edge(db_key, db, "tcp 5432", violation=True)
    model = build("p.json", [Contribution(planes=[plane], pack="x")], [])
    source = map_flowchart(model)
    assert source is not None and len(source) < 50_000
    shown = render(source)
    assert shown["error"] is None, shown["error"]
    assert len(shown["nodes"]) <= 40
    assert any(text.startswith("and ") and "more" in text for text in shown["nodes"])
    assert shown["red"] >= 6  # every database the internet reaches stays a node of its own
