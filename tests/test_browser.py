"""The comparison pages and charts as a person sees them: the built seed
database served by uvicorn on 127.0.0.1, opened in headless Chromium.

Needs Debian's chromium (/usr/bin/chromium; `apt-get install chromium`) and
Playwright's Python package (`pip install -e '.[test]'`); `playwright install`
is not used, so Playwright drives the system browser. Without either, the
tests are skipped with the reason. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SERVER = "import sys; from pathlib import Path; from plankb.serve import serve_database; " \
         "serve_database(Path(sys.argv[1]), host='127.0.0.1', port=int(sys.argv[2]))"
START_TIMEOUT_S = 60
RENDER_TIMEOUT_MS = 30_000


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright's Python package is not installed (pip install -e '.[test]')"
    if not CHROMIUM.is_file():
        return f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    return None


MISSING = _missing()
pytestmark = pytest.mark.skipif(MISSING is not None, reason=f"browser test skipped: {MISSING}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(built_db, tmp_path_factory):
    """The base URL of the built database served by uvicorn on a free local port."""
    port = _free_port()
    log_path = tmp_path_factory.mktemp("server") / "uvicorn.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen([sys.executable, "-c", SERVER, str(built_db), str(port)], stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                with urllib.request.urlopen(f"{base}/-/versions.json", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the server did not start on {base}:\n{log_path.read_text(errors='replace')[-3000:]}")
            time.sleep(0.25)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def page():
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        except Error as e:
            pytest.skip(f"Chromium at {CHROMIUM} could not be started: {e}")
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        yield page
        browser.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path


def test_comparison_page_shows_targets_and_yearly_averages(site, page):
    url = f"{site}/plankb/comparison?indicator_id=urban_new_employment&region__isnull=1&target__notblank=1&_sort=year"
    page.goto(url)
    table = page.locator("table.rows-and-columns")
    table.wait_for(timeout=RENDER_TIMEOUT_MS)
    text = table.inner_text()
    for city in ("天津市", "舟山市", "武汉市", "如皋市"):
        assert city in text
    # Wuhan's 十二五 target 75万 and its completion 83.55万; Tianjin's 十四五 175万, 35万 a year.
    for number in ("750000", "835500", "150000", "1750000", "350000"):
        assert number in text, number
    assert "6 rows" in page.inner_text("h3")
    screenshot(page, "comparison")


def test_chart_of_one_indicator_across_cities(site, page):
    page.goto(f"{site}/-/dashboards/indicator-across-cities?indicator=urban_new_employment")
    page.wait_for_selector("#chart-per-year svg text", timeout=RENDER_TIMEOUT_MS)
    labels = " ".join(page.locator("#chart-per-year svg text").all_text_contents())
    for city in ("天津市", "舟山市", "武汉市", "如皋市"):
        assert city in labels  # the legend
    for per_year in ("150,000", "180,000", "350,000", "480,000", "10,000", "9,000"):
        assert per_year in labels, per_year  # the bars' labels
    assert "835500" in page.locator("#chart-values").inner_text()  # the table beside it
    screenshot(page, "chart_indicator_across_cities")


def test_chart_of_one_citys_allocation_by_region(site, page):
    indicator = quote("职工基本养老保险新增人数")
    page.goto(f"{site}/-/dashboards/city-allocation?city={quote('如皋市')}&indicator={indicator}&year=2021")
    page.wait_for_selector("#chart-by-region svg text", timeout=RENDER_TIMEOUT_MS)
    labels = " ".join(page.locator("#chart-by-region svg text").all_text_contents())
    assert "搬经镇" in labels and "2,607" in labels and "1,696" in labels
    page.wait_for_selector("#chart-adds-up table td", timeout=RENDER_TIMEOUT_MS)
    check = page.locator("#chart-adds-up").inner_text()
    assert "20000" in check and "是 / yes" in check
    screenshot(page, "chart_city_allocation")


@pytest.mark.parametrize("word", ["就业", "养老", "城镇新增就业", "失业率"])
def test_search_box_finds_chinese_words(site, page, word):
    page.goto(f"{site}/plankb/paragraphs")
    search = page.locator("input[name=_search]")
    search.wait_for(timeout=RENDER_TIMEOUT_MS)
    search.fill(word)
    search.press("Enter")
    table = page.locator("table.rows-and-columns")
    table.wait_for(timeout=RENDER_TIMEOUT_MS)
    shown = page.locator("table.rows-and-columns td.col-id").all_inner_texts()
    assert shown
    # Long cells are cut in HTML; the same search as JSON gives the whole texts.
    json_url = page.url.replace("/plankb/paragraphs?", "/plankb/paragraphs.json?_shape=array&_size=max&")
    with urllib.request.urlopen(json_url, timeout=10) as response:
        rows = json.loads(response.read())
    assert all(word in row["text"] for row in rows)
    assert {str(row["id"]) for row in rows} >= set(shown)
    screenshot(page, f"search_{word}")


def test_a_value_is_one_click_from_its_highlighted_source(site, page):
    page.goto(f"{site}/plankb/indicator_values?name_raw=城镇新增就业人数&_sort=id")
    link = page.locator("table.rows-and-columns td.col-value_raw a").first
    link.wait_for(timeout=RENDER_TIMEOUT_MS)
    written = link.inner_text()
    link.click()
    mark = page.locator("mark#value")
    mark.wait_for(timeout=RENDER_TIMEOUT_MS)
    assert written in mark.first.inner_text()
    screenshot(page, "source_of_a_value")
