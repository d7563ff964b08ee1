"""The report (`snakemake --report`) after the tiny runs, opened in headless Chromium as a reader would.

Every figure and table the workflow marks for the report must be viewable in the page (images
decode, tables are HTML tables, not downloads), captions must state the settings of the run, and
the front page must describe every experiment. Set BMCONVEX_REPORT_SCREENSHOTS=<folder> to keep
screenshots (docs/report/ holds ones taken so).
"""

import os
import shutil
from pathlib import Path

import pytest
from image_files import write_fashion_mnist
from workflow_helpers import ROOT, copy_workflow, snakemake

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not (shutil.which("chromium") and shutil.which("chromedriver")),
        reason="needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)",
    ),
]
CONFIGS = [
    "--configfile",
    str(ROOT / "tests" / "configs" / "tiny.yaml"),
    str(ROOT / "tests" / "configs" / "cnn_tiny.yaml"),
]
FIGURES = {
    "Spiral": ["fig2_spiral_gap_n30.png", "fig3_spiral_data.png", "fig4_spiral_gap_small_n.png"],
    "CNN": ["fig1_cnn_test_accuracy.png", "fig5_cnn_train_accuracy.png", "fig6_cnn_time_memory.png"],
}
TABLES = {"Spiral": ["spiral/gaps.html", "spiral/gap_summary.html"], "CNN": ["cnn/accuracy.html", "cnn/stages.html"]}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """The tiny spiral grid and CNN chain, then their report built by a second command, as the README says."""
    workdir = copy_workflow(tmp_path_factory.mktemp("report"))
    write_fashion_mnist(workdir / "resources", n_train=512, n_test=128)
    run = snakemake(workdir, "spiral", "cnn", *CONFIGS)
    assert run.returncode == 0, run.stderr[-3000:]
    built = snakemake(workdir, "--report", "report.html", "spiral", "cnn", *CONFIGS)
    assert built.returncode == 0, built.stderr[-3000:]
    return workdir / "report.html"


@pytest.fixture(scope="module")
def browser(report):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000"]:
        options.add_argument(arg)
    options.binary_location = shutil.which("chromium")
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.get(report.as_uri())
    WebDriverWait(driver, 60).until(lambda d: d.execute_script("return typeof app !== 'undefined'"))
    yield driver
    driver.quit()


def screenshot(driver, name: str) -> None:
    if folder := os.environ.get("BMCONVEX_REPORT_SCREENSHOTS"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(folder) / name))


def shown(driver, by: str, selector: str):
    """The first element matching ``selector`` once the page has rendered it (the report renders
    each view after the click that opens it, so an immediate lookup can race it)."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, 30).until(lambda d: d.find_elements(by, selector))[0]


def open_result(driver, category: str, path: str) -> None:
    """From the front page, click the category in the menu, then the eye button of the result's row."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.refresh()
    WebDriverWait(driver, 60).until(lambda d: d.execute_script("return typeof app !== 'undefined'"))
    shown(driver, By.XPATH, f"//nav//*[normalize-space(text())='{category}']").click()
    eye = shown(driver, By.XPATH, f"//tr[td[normalize-space()='{path}']]//a[@iconname='eye']")
    assert eye.get_dom_attribute("download") is None, f"{path} is only a download, not viewable in the report"
    eye.click()


def test_front_page_describes_every_experiment(browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 30).until(lambda d: "Spiral (paper Sec. 4.1" in d.find_element(By.TAG_NAME, "body").text)
    text = browser.find_element(By.TAG_NAME, "body").text
    assert "Spiral (paper Sec. 4.1" in text and "n = 6, 30" in text  # the run's grid, from the config
    assert "CNN (paper Sec. 4.2" in text and "fashion_mnist for m = 1, 2, 2 epochs per stage" in text
    screenshot(browser, "report_front_page.png")


def test_every_figure_and_table_is_in_the_report(browser):
    paths = set(browser.execute_script("return Object.keys(results)"))
    expected = {f"results/figures/{f}" for figs in FIGURES.values() for f in figs}
    expected |= {f"results/report/{t}" for tables in TABLES.values() for t in tables}
    assert paths == expected
    categories = browser.execute_script(
        "return Object.fromEntries(Object.entries(categories).map(([c, s]) => [c, Object.values(s).flat()]))"
    )
    assert {c: sorted(Path(p).name for p in ps) for c, ps in categories.items()} == {
        c: sorted([*FIGURES[c], *(Path(t).name for t in TABLES[c])]) for c in FIGURES
    }


@pytest.mark.parametrize("category,name", [(c, f) for c, figs in FIGURES.items() for f in figs])
def test_figures_are_shown(browser, category, name):
    from selenium.webdriver.common.by import By

    open_result(browser, category, f"results/figures/{name}")
    image = shown(browser, By.CSS_SELECTOR, "img[src^='data:image/png']")
    assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image) > 300
    if name.startswith("fig2"):
        screenshot(browser, "report_fig2.png")


@pytest.mark.parametrize("category,table", [(c, t) for c, tables in TABLES.items() for t in tables])
def test_tables_are_shown_as_tables(browser, category, table):
    from selenium.webdriver.common.by import By

    open_result(browser, category, f"results/report/{table}")
    browser.switch_to.frame(shown(browser, By.TAG_NAME, "iframe"))
    try:
        shown(browser, By.CSS_SELECTOR, "table tbody tr")
        rows = browser.find_elements(By.CSS_SELECTOR, "table tbody tr")
        header = browser.find_element(By.CSS_SELECTOR, "table thead").text
        link = browser.find_element(By.CSS_SELECTOR, "a[download]").get_attribute("download")
    finally:
        browser.switch_to.default_content()
    expected_rows = {"gaps": 16, "gap_summary": 8, "accuracy": 2, "stages": 6}[Path(table).stem]
    assert len(rows) == expected_rows  # tiny grid: 2 n x 2 beta x 2 m x 2 seeds runs; CNN: m = 1, 2; 3 stages
    assert {"gaps": "rel_gap_bound", "gap_summary": "Thm 3.4 bound", "accuracy": "test accuracy", "stages": "test_acc"}[
        Path(table).stem
    ] in header
    assert link.endswith((".csv", ".md"))  # the source table, downloadable unchanged
    if table == "spiral/gap_summary.html":
        screenshot(browser, "report_table.png")


def test_captions_follow_the_config(browser):
    script = "return Object.fromEntries(Object.entries(results).map(([p, r]) => [p, r.caption]))"
    captions = {path: " ".join(caption.split()) for path, caption in browser.execute_script(script).items()}
    assert "at n = 30," in captions["results/figures/fig2_spiral_gap_n30.png"]  # not the paper's 150
    assert "n = 6" in captions["results/figures/fig4_spiral_gap_small_n.png"]
    assert "m = 1, 2" in captions["results/figures/fig1_cnn_test_accuracy.png"]
    assert "2 epochs per stage" in captions["results/figures/fig1_cnn_test_accuracy.png"]
    assert "2 seeds" in captions["results/report/spiral/gap_summary.html"]
