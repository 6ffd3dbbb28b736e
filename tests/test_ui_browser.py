"""The local page in a real browser: Debian's chromium, headless, driven by selenium.

The server runs in a thread on a free port over a fresh round folder; the browser uploads a
roster on 发表, uploads 12 generated returns on 收表 (errors and warnings planted, see
tests/uiround.py), reads their states and counts, opens a unit's findings, merges on 汇总 and
downloads 汇总.xlsx, which openpyxl then opens. A screenshot of each page is written under
the test's folder and checked not to be blank (the variance of its pixels). With
PERFXL_UI_SCREENSHOTS=docs the 收表 screenshot is also written to docs/img/ui-shoujiao.png,
the one the README shows.

Skipped only where chromium is not installed and CI is not set: CI must run it.
"""

from __future__ import annotations

import base64
import os
import shutil
import time
from pathlib import Path

import openpyxl
import pytest

from perfxl.ui.server import start

from .conftest import ROOT
from .uiround import RETURNED, UNITS, make_round, planted, unit_name

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
CHROMEDRIVER = shutil.which("chromedriver") or (
    "/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists() else None
)


def _require_browser() -> None:
    missing = []
    if not CHROMIUM or not CHROMEDRIVER:
        missing.append("chromium and chromium-driver")
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium")
    if not missing:
        return
    if os.environ.get("CI"):
        pytest.fail(f"the browser test needs {' and '.join(missing)} in CI")
    pytest.skip(f"{' and '.join(missing)} not installed")


@pytest.fixture
def browser(tmp_path):
    _require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # never let selenium look for drivers online
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--window-size=1280,1000",
        "--lang=zh-CN",
    ):
        options.add_argument(arg)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    driver.downloads = downloads  # type: ignore[attr-defined]
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def server(tmp_path):
    running = start(tmp_path / "本轮", port=0, workers=1, in_thread=True)
    try:
        yield running
    finally:
        running.stop()


def wait_for(predicate, timeout: float = 120.0, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def pixel_spread(driver, png: bytes) -> tuple[float, int, int]:
    """The variance of the screenshot's grey levels (and its size), computed by drawing it on
    a canvas: no image library needed."""
    script = """
    const done = arguments[arguments.length - 1];
    const img = new Image();
    img.onload = () => {
      const c = document.createElement('canvas');
      c.width = img.width; c.height = img.height;
      const ctx = c.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      let n = 0, s = 0, s2 = 0;
      for (let i = 0; i < d.length; i += 4 * 7) {
        const v = (d[i] + d[i + 1] + d[i + 2]) / 3; n++; s += v; s2 += v * v;
      }
      done([s2 / n - (s / n) * (s / n), img.width, img.height]);
    };
    img.onerror = () => done([0, 0, 0]);
    img.src = 'data:image/png;base64,' + arguments[0];
    """
    spread, width, height = driver.execute_async_script(script, base64.b64encode(png).decode())
    return float(spread), int(width), int(height)


def shoot(driver, folder: Path, name: str) -> Path:
    png = driver.get_screenshot_as_png()
    path = folder / f"{name}.png"
    path.write_bytes(png)
    spread, width, height = pixel_spread(driver, png)
    assert width >= 800 and height >= 600, (name, width, height)
    assert spread > 100, f"screenshot {name} looks blank (variance {spread:.1f})"
    return path


def test_the_round_in_a_real_browser(browser, server, tmp_path):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By

    generated = make_round(tmp_path / "生成")
    shots = tmp_path / "screenshots"
    shots.mkdir()
    base = server.url.rstrip("/")
    browser.set_script_timeout(30)

    # 发表: upload the roster
    browser.get(base + "/send")
    browser.find_element(By.NAME, "roster").send_keys(str(generated.roster))
    browser.find_element(By.CSS_SELECTOR, "form[action='/send/roster'] button").click()
    wait_for(lambda: f"共 {UNITS} 个单位" in browser.page_source, 30, "the roster")
    shoot(browser, shots, "发表")

    # 收表: choose the 12 returns (the file input the 选择文件 button opens)
    browser.get(base + "/collect")
    wait_for(lambda: browser.find_elements(By.ID, "round-table"), 60, "the empty round")
    picker = browser.find_element(By.ID, "pick-files")
    browser.execute_script("arguments[0].hidden = false;", picker)
    picker.send_keys("\n".join(str(p) for p in generated.returns))

    def table_ready():
        """The table once it lists the uploaded returns (before, it lists the roster's units
        as 未交; the page reloads itself when the check ends, so elements may go stale)."""
        try:
            if browser.find_elements(By.CSS_SELECTOR, "section.job"):
                return False
            seen = {}
            for row in browser.find_elements(By.CSS_SELECTOR, "#round-table tbody tr"):
                cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
                seen[cells[0].splitlines()[0]] = (row.get_attribute("data-state"), *cells[1:5])
        except StaleElementReferenceException:
            return False
        returned = [v for v in seen.values() if v[4]]
        return seen if len(returned) >= RETURNED else False

    found = wait_for(table_ready, 180, "the round's table")
    by_unit = {name: (v[0], v[1], v[2], v[3]) for name, v in found.items()}
    for i in range(1, RETURNED + 1):
        state, label, errors, warnings = by_unit[unit_name(i)]
        expected = planted(i)
        assert (int(errors) > 0) == (expected == "errors"), (i, by_unit[unit_name(i)])
        assert (int(warnings) > 0) == (expected == "warnings"), (i, by_unit[unit_name(i)])
        assert label.startswith({"errors": "有错误", "warnings": "仅有警告", "passed": "通过"}[expected])
        if state:  # the round's status (with the roster): its state per unit
            assert state == expected, (i, by_unit[unit_name(i)])
    assert by_unit[unit_name(UNITS)][:2] == ("missing", "未交")
    counts = browser.find_element(By.ID, "counts").text.replace("\n", " ")
    for words in ("单位 13", "未交 1", "有错误 4", "仅有警告 4", "通过 4"):
        assert words in counts, counts
    browser.set_window_size(1280, 1500)
    collect_shot = shoot(browser, shots, "收表")
    if os.environ.get("PERFXL_UI_SCREENSHOTS") == "docs":
        target = ROOT / "docs" / "img" / "ui-shoujiao.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(collect_shot, target)
    browser.set_window_size(1280, 1000)

    # a unit's findings: the cell, the value, how to fix it
    row = next(
        r
        for r in browser.find_elements(By.CSS_SELECTOR, "#round-table tbody tr")
        if r.text.startswith(unit_name(1))
    )
    row.find_element(By.LINK_TEXT, "查看问题").click()
    wait_for(lambda: browser.find_elements(By.ID, "findings"), 30, "the findings")
    text = browser.find_element(By.ID, "findings").text
    assert "M001" in text and "F6" in text and "2,000.00" in text
    shoot(browser, shots, "单位")

    # 汇总: merge, see the totals and charts, download 汇总.xlsx and open it
    browser.get(base + "/merge")
    browser.find_element(By.CSS_SELECTOR, "form[action='/merge'] button").click()
    wait_for(
        lambda: (
            browser.find_elements(By.ID, "download-summary")
            and not browser.find_elements(By.CSS_SELECTOR, "section.job")
        ),
        180,
        "the summary",
    )
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.chart")) == 3
    totals = browser.find_element(By.ID, "totals").text
    assert f"项目 {RETURNED}" in totals.replace("\n", " ")
    shoot(browser, shots, "汇总")
    browser.find_element(By.ID, "download-summary").click()
    target = browser.downloads / "汇总.xlsx"
    wait_for(
        lambda: target.is_file() and not list(browser.downloads.glob("*.crdownload")),
        60,
        "the download",
    )
    wb = openpyxl.load_workbook(target)
    assert {"汇总", "项目", "图表"} <= set(wb.sheetnames)
    projects = list(wb["项目"].iter_rows(min_row=2, values_only=True))
    assert len(projects) == RETURNED
    assert len(list(shots.glob("*.png"))) == 4
