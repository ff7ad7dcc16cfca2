"""The demo brief's page in headless Chromium, at a desktop's and a phone's width: its layout
holds (no sideways scrolling, Top Stories in the DOM), its sources read as named links and the
leaderboard story draws the gap chart; both screenshots are kept in tests/artifacts/."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.demo_days import DemoDays, brief_two_demo_days

ARTIFACTS = Path(__file__).parent / "artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Appended to a copy of the page (the page itself has no script): the layout as Chromium made it.
MEASURE = """<script>
(() => {
  const heading = [...document.querySelectorAll("h2")].find(h => h.textContent === "Top Stories");
  const rights = [...document.querySelectorAll("main *")].map(e => e.getBoundingClientRect().right);
  document.body.insertAdjacentHTML("beforeend", "<pre id=metrics>" + JSON.stringify({
    height: document.documentElement.scrollHeight,
    scrollWidth: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
    topStories: heading ? heading.getBoundingClientRect().top : null,
    stories: document.querySelectorAll("li.story h3").length,
    sourceLinks: [...document.querySelectorAll("li.story p.meta a")].map(a => a.textContent),
    chart: [...document.querySelectorAll("li.story svg polyline")].map(
      p => p.getBoundingClientRect().width),
    widest: Math.max(...rights),
    font: getComputedStyle(document.body).fontSize,
  }) + "</pre>");
})();
</script>"""


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    message = "headless Chromium is needed: apt-get install -y chromium (.ci/run installs it)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _run(*arguments: str) -> str:
    with tempfile.TemporaryDirectory(prefix="briefbot-chromium-") as profile:
        done = subprocess.run(
            [_chromium(), *FLAGS, f"--user-data-dir={profile}", *arguments],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _measure(page: Path, width: int, height: int) -> dict:
    measured = page.with_name(f"measured-{width}.html")
    measured.write_text(page.read_text().replace("</body>", MEASURE + "</body>"))
    dom = _run(f"--window-size={width},{height}", "--dump-dom", measured.as_uri())
    found = re.search(r'<pre id="metrics">(.*?)</pre>', dom, re.S)
    assert found, dom[-2000:]
    return json.loads(found[1])


@pytest.fixture(scope="module")
def demo_days(tmp_path_factory) -> DemoDays:
    return brief_two_demo_days(tmp_path_factory.mktemp("demo"))


# Headless Chromium's window is at least 500 px wide: the narrowest it can show.
@pytest.mark.parametrize(
    ("device", "width", "height", "font"),
    [("desktop", 1280, 900, "17px"), ("phone", 500, 844, "16px")],
)
def test_the_demo_page_on_a_desktop_and_a_phone(demo_days, device, width, height, font):
    brief = demo_days.today.brief
    page = demo_days.out / f"{brief.day.isoformat()}.html"
    metrics = _measure(page, width, height)
    assert metrics["viewport"] == width and metrics["font"] == font  # the small-screen rules
    assert metrics["stories"] == len(brief.stories) >= 3
    assert metrics["topStories"] is not None and 50 < metrics["topStories"] < 400
    assert metrics["scrollWidth"] <= metrics["viewport"], "the page scrolls sideways"
    assert metrics["widest"] <= metrics["viewport"] + 1
    # sources read as named links, never as raw URLs
    names = metrics["sourceLinks"]
    assert len(names) >= len(brief.stories), names
    assert not [name for name in names if "://" in name or name.startswith("www.")], names
    assert "The Inference" in " ".join(names)
    # the leaderboard story's gap chart is drawn, within the page
    assert metrics["chart"] and all(0 < drawn <= width for drawn in metrics["chart"]), metrics

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"demo-brief-{device}.png"
    shot.unlink(missing_ok=True)
    shot_height = min(metrics["height"], 6000)
    _run(
        f"--window-size={width},{shot_height}",
        "--hide-scrollbars",
        f"--screenshot={shot}",
        page.as_uri(),
    )
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (width, shot_height)
    assert shot.stat().st_size > 20_000  # not a blank page
    print(f"screenshot: {shot}")
