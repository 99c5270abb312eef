"""The dashboard in Debian's chromium (headless, driven by Playwright from PyPI): enter the token, append rows to a
table with pyiceberg, click "Sync now" and wait until the page shows the new run's exact counts; a screenshot is
saved to build/test-artifacts/dashboard.png."""
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from .conftest import TOKEN, purchase, user

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "build" / "test-artifacts"
# Waits for the page to show a value (auto-refresh every 3 s, a sync in between), not timing assertions.
expect.set_options(timeout=60_000)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


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
