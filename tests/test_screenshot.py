"""The brief's page in headless Chromium: its layout holds on a desktop and a phone (height, no
sideways scrolling, Top Stories in the DOM), and one screenshot is kept in tests/artifacts/."""

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

from tests.mailbox import publish_fixed_brief

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
def page(tmp_path_factory) -> Path:
    out_dir = tmp_path_factory.mktemp("site")
    publish_fixed_brief(out_dir, "https://brief.example.org/")
    return out_dir / "2026-07-03.html"


# Headless Chromium's window is at least 500 px wide: the narrowest it can show.
@pytest.mark.parametrize(("width", "height", "font"), [(1280, 900, "17px"), (500, 844, "16px")])
def test_the_layout_holds_on_a_desktop_and_a_phone(page, width, height, font):
    metrics = _measure(page, width, height)
    assert metrics["viewport"] == width and metrics["font"] == font  # the small-screen rules
    assert metrics["stories"] == 2
    assert metrics["topStories"] is not None and 50 < metrics["topStories"] < 400
    assert metrics["scrollWidth"] <= metrics["viewport"], "the page scrolls sideways"
    assert metrics["widest"] <= metrics["viewport"] + 1
    assert 700 < metrics["height"] < 4000, metrics


def test_a_screenshot_is_kept_as_an_artefact(page):
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "brief-2026-07-03.png"
    shot.unlink(missing_ok=True)
    _run("--window-size=1280,1400", "--hide-scrollbars", f"--screenshot={shot}", page.as_uri())
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (1280, 1400)
    assert shot.stat().st_size > 20_000  # not a blank page
    print(f"screenshot: {shot}")
