"""The dashboard in Debian's chromium (headless, driven by Playwright from PyPI): enter the token, append rows to a
table with pyiceberg, click "Sync now" and wait until the page shows the new run's exact counts; then, after a sync
with a delete and bad rows, the charts, the dead letters by reason and a vertex's neighbourhood. Screenshots are
saved to build/test-artifacts/ (dashboard.png, dashboard-charts.png, dashboard-dead-letters.png,
dashboard-neighbourhood.png)."""
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from .conftest import PURCHASES_ROWS, TOKEN, purchase, sync_with_delete_and_bad_row, user

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "build" / "test-artifacts"
# Waits for the page to show a value (auto-refresh every 3 s, a sync in between), not timing assertions.
expect.set_options(timeout=60_000)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def browser(p, profile):
    return p.chromium.launch_persistent_context(profile, executable_path="/usr/bin/chromium", headless=True,
                                                args=CHROMIUM_ARGS, viewport={"width": 1280, "height": 900})


def shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    path.unlink(missing_ok=True)
    page.screenshot(path=str(path), full_page=True)
    data = path.read_bytes()
    assert len(data) > 1000 and data[:8] == b"\x89PNG\r\n\x1a\n"


def test_dashboard_sync_now_shows_the_new_counts(svc, shop):
    # A first full sync so the page has a history to show.
    assert svc.get("/api/sync/batch/").status_code == 200
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "dashboard.png"
    shot.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="icegraph-chromium-") as profile, sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(profile, executable_path="/usr/bin/chromium", headless=True,
                                                   args=CHROMIUM_ARGS, viewport={"width": 1280, "height": 900})
        try:
            page = ctx.new_page()
            page.goto(svc.url + "/")
            # Reads need the token: the page asks for it.
            expect(page.locator("#auth")).to_be_visible()
            page.fill("#token", TOKEN)
            page.click("#save-token")
            expect(page.locator("#auth")).to_be_hidden()
            expect(page.locator('#runs tbody tr[data-run="1"] [data-field="rows-read"]')).to_have_text("69")
            expect(page.locator("#dead-letters")).to_have_text("0")
            expect(page.locator("#ready")).to_have_text("ready")
            users = page.locator('#tables tr[data-table="shop.users"]')
            expect(users.locator('[data-field="behind"]')).to_have_text("0")

            shop.append("users", [user(70), user(71), user(72), user(73)])
            shop.append("purchases", [purchase(80, 70, 1), purchase(81, 71, 2)])
            # Auto-refresh notices the new snapshots before anyone syncs.
            expect(users.locator('[data-field="behind"]')).to_have_text("1")
            expect(users.locator('[data-field="current"]')).to_have_text(str(shop.snapshot("users")))

            page.click("#sync-now")
            run = page.locator('#runs tbody tr[data-run="2"]')
            expect(run.locator('[data-field="outcome"]')).to_have_text("succeeded")
            expect(run.locator('[data-field="kind"]')).to_have_text("incremental")
            expect(run.locator('[data-field="rows-read"]')).to_have_text("6")
            # 4 new users, and products 1 and 2: the new purchase edges name them, so their truth is recomputed.
            expect(run.locator('[data-field="vertices-upserted"]')).to_have_text("6")
            expect(run.locator('[data-field="edges-upserted"]')).to_have_text("2")
            expect(run.locator('[data-field="deleted"]')).to_have_text("0")
            expect(users.locator('[data-field="behind"]')).to_have_text("0")
            expect(users.locator('[data-field="checkpoint"]')).to_have_text(str(shop.snapshot("users")))
            expect(users.locator('[data-field="rows-read"]')).to_have_text("4")
            expect(users.locator('[data-field="last-run"]')).to_have_text("#2 succeeded")
            expect(page.locator("#job")).to_have_attribute("data-status", "succeeded")
            page.screenshot(path=str(shot), full_page=True)
        finally:
            ctx.close()
    data = shot.read_bytes()
    assert len(data) > 1000 and data[:8] == b"\x89PNG\r\n\x1a\n"


def test_dashboard_charts_dead_letters_and_neighbourhood(svc, shop, emulator):
    sync_with_delete_and_bad_row(svc, shop)
    history = svc.get("/api/v1/history", params={"runs": 30}).json()
    with tempfile.TemporaryDirectory(prefix="icegraph-chromium-") as profile, sync_playwright() as p:
        ctx = browser(p, profile)
        try:
            page = ctx.new_page()
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(svc.url + "/")
            page.fill("#token", TOKEN)
            page.click("#save-token")
            expect(page.locator("#auth")).to_be_hidden()

            # Charts: one bar group per run with the run's exact counts, a lag line per table ending caught up.
            for run in history["runs"]:
                bars = page.locator(f'#chart-throughput g[data-run="{run["run_id"]}"]')
                for key in ("rows_read", "vertices_upserted", "edges_upserted", "deleted"):
                    expect(bars.locator(f'rect[data-series="{key}"]')).to_have_attribute("data-value", str(run[key]))
            expect(page.locator("#chart-throughput g[data-run]")).to_have_count(2)
            expect(page.locator("#chart-duration g[data-run]")).to_have_count(2)
            expect(page.locator('#chart-throughput g[data-run="1"] rect[data-series="rows_read"]')).to_have_attribute(
                "data-value", "69")
            expect(page.locator('#chart-throughput g[data-run="2"] rect[data-series="deleted"]')).to_have_attribute(
                "data-value", "1")
            letters = page.locator('#chart-dead-letters g[data-run="2"]')
            expect(letters.locator('rect[data-series="null_id"]')).to_have_attribute("data-value", "1")
            expect(letters.locator('rect[data-series="empty_id"]')).to_have_attribute("data-value", "1")
            expect(page.locator('#chart-dead-letters g[data-run="1"] rect[data-series="null_id"]')).to_have_attribute(
                "data-value", "0")
            for chart in ("#chart-lag-snapshots", "#chart-lag-seconds"):
                for table in ("shop.users", "shop.products", "shop.purchases"):
                    expect(page.locator(f'{chart} g[data-series="{table}"]')).to_have_attribute("data-last", "0")
                    expect(page.locator(f'{chart} g[data-series="{table}"] polyline')).to_have_count(1)
            expect(page.locator("#legend-dead-letters")).to_have_text("empty_id null_id")
            shot(page, "dashboard-charts.png")

            # Dead letters by reason, then the rows of one reason.
            page.click('nav a[data-view="dead-letters"]')
            reasons = page.locator("#reasons tbody tr")
            expect(reasons).to_have_count(2)
            expect(reasons.nth(0)).to_have_attribute("data-reason", "empty_id")
            null_id = page.locator('#reasons tr[data-reason="null_id"]')
            expect(null_id.locator('[data-field="count"]')).to_have_text("1")
            expect(null_id.locator('[data-field="mappings"]')).to_have_text("shop.users/vertex:User: 1")
            null_id.click()
            rows = page.locator("#letters tbody tr")
            expect(rows).to_have_count(1)
            expect(page.locator("#reason-name")).to_have_text("null_id")
            expect(rows.locator('[data-field="table"]')).to_have_text("shop.users")
            expect(rows.locator('[data-field="snapshot"]')).to_have_text(str(shop.snapshot("users")))
            expect(rows.locator('[data-field="mapping"]')).to_have_text("shop.users/vertex:User")
            expect(rows.locator('[data-field="row"]')).to_contain_text('"name":"User 95"')
            shot(page, "dashboard-dead-letters.png")

            # The neighbourhood of u03: exactly its four purchases (x003 was deleted), each with its mapping.
            page.click('nav a[data-view="neighbourhood"]')
            page.fill("#nb-type", "User")
            page.fill("#nb-id", "u03")
            page.click("#nb-go")
            edges = page.locator("#nb-edges tbody tr")
            expect(edges).to_have_count(4)
            want = ["PURCHASED:u03->p0", "PURCHASED:u03->p1", "PURCHASED:u03->p3", "PURCHASED:u03->p3"]
            assert sorted(edges.nth(i).get_attribute("data-edge") for i in range(4)) == want
            expect(page.locator("#nb-graph g.edge")).to_have_count(4)
            expect(page.locator("#nb-graph g.node")).to_have_count(4)
            expect(page.locator('#nb-graph g.node.center')).to_have_attribute("data-vertex", "User:u03")
            expect(edges.nth(0).locator('[data-field="produced-by"]')).to_have_text(
                "shop.purchases/edge:PURCHASED (shop.purchases)")
            expect(page.locator('#nb-vertices tr[data-vertex="User:u03"] [data-field="produced-by"]')).to_have_text(
                "shop.users/vertex:User (shop.users)")
            shot(page, "dashboard-neighbourhood.png")

            # Clicking a neighbour recentres on it: p3's edges come from every user who bought it.
            page.click('#nb-graph g.node[data-vertex="Product:p3"]')
            expect(page.locator('#nb-graph g.node.center')).to_have_attribute("data-vertex", "Product:p3")
            bought_p3 = [r for r in PURCHASES_ROWS if r["product_id"] == "p3" and r["purchase_id"] != "x003"]
            expect(page.locator("#nb-edges tbody tr")).to_have_count(len(bought_p3))
            assert errors == []
        finally:
            ctx.close()
