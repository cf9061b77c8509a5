"""`--format html` in a real browser: Debian's chromium, headless, driven by Playwright.

Each example plan's page loads with no console error and no request beyond the page
itself (it must draw with no network), shows every database and state-backend resource
the plan creates, and draws both planes; hostile text stays text. The README shows a
screenshot of the good plan's page (`PLANGATE_UPDATE_IMAGES=1` rewrites it).

Needs chromium (`/usr/bin/chromium`, or `$PLANGATE_CHROMIUM`) and the `playwright`
package (the test extras); anything missing skips, except with
`PLANGATE_REQUIRE_BROWSER=1` (set by .ci/run), where it fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from plangate.assurance import Contribution, Invariant, Plane
from plangate.assurance_model import build
from plangate.report import Report
from plangate.reporters.html import render

ROOT = Path(__file__).resolve().parents[2]
PLANS = ROOT / "examples" / "plans"
IMAGE = ROOT / "docs" / "images" / "assurance-map.png"
PLANGATE = str(Path(sys.executable).parent / "plangate")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DB = "module.database.aws_db_instance.this"
BACKEND = (
    "module.state_backend.aws_dynamodb_table.lock[0]",
    "module.state_backend.aws_s3_bucket.state",
)
EXAMPLES = sorted(p.stem for p in PLANS.glob("*.json") if p.name != "index.json")


def _missing(reason: str) -> None:
    if os.environ.get("PLANGATE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (PLANGATE_REQUIRE_BROWSER=1: the browser test must run)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed (pip install -e '.[test]')")
    chromium = os.environ.get("PLANGATE_CHROMIUM", "/usr/bin/chromium")
    if not os.access(chromium, os.X_OK):
        _missing(f"no chromium at {chromium} (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def visit(browser: Any, page_file: Path) -> dict[str, Any]:
    """Load the page; what it logged, fetched, and shows."""
    page = browser.new_page(device_scale_factor=1)
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page_file.as_uri())
    page.wait_for_load_state("load")
    shown = {
        "errors": errors,
        "requests": [r for r in requests if r != page_file.as_uri()],
        "text": page.inner_text("body"),
        "titles": page.eval_on_selector_all("svg g.node title", "ts => ts.map(t => t.textContent)"),
        "planes": page.locator("svg.plane").count(),
        "red": page.locator("svg g.node.violation").count(),
        "scripts": page.locator("script, iframe, object, embed, img, a").count(),
        "handlers": page.eval_on_selector_all(
            "*", "es => es.filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length"
        ),
        "page": page,
    }
    return shown


def _page(tmp_path: Path, plan: str) -> Path:
    out = tmp_path / f"{plan}.html"
    run = subprocess.run(
        [
            PLANGATE,
            "check",
            "--state-bucket",
            "acme-terraform-state",
            "--format",
            "json",
            f"--output=html={out}",
            str((PLANS / f"{plan}.json").relative_to(ROOT)),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert run.returncode in (0, 1), run.stderr
    return out


@pytest.mark.parametrize("plan", EXAMPLES)
def test_each_example_page_loads_offline_and_shows_every_database_and_backend_resource(
    browser, tmp_path, plan
):
    shown = visit(browser, _page(tmp_path, plan))
    shown["page"].close()
    assert shown["errors"] == []
    assert shown["requests"] == [], "the page fetches nothing"
    assert shown["planes"] == 2
    for address in (DB, *BACKEND):
        assert address in shown["text"], address  # in the details tables
    titles = " ".join(shown["titles"])
    assert DB in titles and BACKEND[0] in titles  # drawn in the planes
    assert (shown["red"] > 0) == (
        plan not in ("good", "app_image_updated", "lock_table_deleted", "lock_table_in_env")
    )


HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</svg><iframe src=https://evil.example>",
    '<a href="javascript:alert(1)">x</a>',
    "]]><!--",
    "&lt;b&gt;",
]


def test_hostile_text_in_a_map_stays_text(browser, tmp_path):
    plane = Plane("p", HOSTILE[0])
    keys = [plane.node(f"k{i}", "compute", text) for i, text in enumerate(HOSTILE)]
    for a, b in pairwise(keys):
        plane.edge(a, b, HOSTILE[2], violation=True)
    invariant = Invariant("i", HOSTILE[1], {"X-1": HOSTILE[3]}, tuple(HOSTILE))
    model = build(
        HOSTILE[4], [Contribution([invariant], [plane], {"k": [{"v": HOSTILE[5]}]}, pack="x")], []
    )
    report = {**Report().to_dict(), "assurance": [model]}
    page_file = tmp_path / "hostile.html"
    page_file.write_text(render(report))
    shown = visit(browser, page_file)
    shown["page"].close()
    assert shown["errors"] == [] and shown["requests"] == []
    assert shown["scripts"] == 0 and shown["handlers"] == 0
    for text in HOSTILE:
        assert text in shown["text"]


def test_the_readme_shows_the_good_plan_s_page(browser, tmp_path):
    """Rewritten only with PLANGATE_UPDATE_IMAGES=1."""
    shown = visit(browser, _page(tmp_path, "good"))
    page = shown["page"]
    if os.environ.get("PLANGATE_UPDATE_IMAGES") == "1":
        IMAGE.parent.mkdir(parents=True, exist_ok=True)
        page.set_viewport_size({"width": 1400, "height": 900})
        page.locator("section.planes").first.screenshot(path=str(IMAGE))
    page.close()
    assert IMAGE.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", "run with PLANGATE_UPDATE_IMAGES=1"
    assert f'src="{IMAGE.relative_to(ROOT)}"' in (ROOT / "README.md").read_text()
