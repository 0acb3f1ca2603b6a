"""The agent's day in a real browser: queue, next account, a promise by keys.

Drives the system Chromium through Playwright, as ``tests/test_browser.py``
does (same reasons to skip). The server runs at the real date, so the
promised date is worked out from today in Buenos Aires.
"""

import datetime
import re
import zoneinfo
from pathlib import Path

import pytest

from .conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (test extras)"
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"no Chromium at {CHROMIUM} (apt install chromium)",
    ),
]


@pytest.fixture
def page(live_server, floor):
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox"]
        )
        context = browser.new_context(locale="es-AR")
        context.set_default_timeout(10_000)
        yield context.new_page()
        context.close()
        browser.close()


def test_agent_takes_the_next_account_and_records_a_promise_by_keyboard(
    live_server, floor, page
):
    expect = sync_api.expect
    today = datetime.datetime.now(zoneinfo.ZoneInfo("America/Argentina/Buenos_Aires"))
    promised_on = (today + datetime.timedelta(days=5)).strftime("%d/%m/%Y")

    page.goto(live_server.url + "/consola/")
    page.fill("#id_username", "ana")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")

    # The queue, first the most advanced stage.
    expect(page.locator("h1")).to_have_text("Mi cola")
    expect(page.locator("table.queue tbody tr").first).to_contain_text("T-2")

    # N takes the next account: T-2, locked to Ana, with an empty history.
    # The keys work once the page's script has run, at DOMContentLoaded.
    page.wait_for_load_state("domcontentloaded")
    page.keyboard.press("n")
    expect(page).to_have_url(re.compile(r"/consola/cuentas/\d+/$"))
    expect(page.locator("h1")).to_contain_text("T-2")
    expect(page.locator("#management-state")).to_have_text("Sin gestión")
    expect(page.locator("#timeline")).to_have_text("Todavía no hay nada registrado.")

    # 7 is "Promesa de pago": its fields open with the amount focused.
    page.wait_for_load_state("domcontentloaded")
    page.keyboard.press("7")
    expect(page.locator("#id_promise_amount")).to_be_focused()
    page.keyboard.type("1.500,00")
    page.keyboard.press("Tab")
    page.keyboard.type(promised_on)
    page.keyboard.press("Enter")

    expect(page.locator(".messages")).to_contain_text("Registrado: Promesa de pago.")
    expect(page.locator("#management-state")).to_have_text("Promesa vigente")
    entries = page.locator("#timeline li")
    expect(entries).to_have_count(2)
    expect(entries.nth(0)).to_contain_text("Sin gestión → Promesa vigente")
    expect(entries.nth(1)).to_contain_text("Promesa de pago")
    expect(entries.nth(1)).to_contain_text(f"Prometió $ 1.500,00 para el {promised_on}")
