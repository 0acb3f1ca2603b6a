"""The screens in a real browser: log in, stage table, search, debtor page.

Drives the system Chromium (``/usr/bin/chromium``) through Playwright; no
browser is downloaded. The test skips, saying why, when either is missing.
"""

import re
from pathlib import Path

import pytest

from tests.screens import PASSWORD, make_agent, make_book

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
def book(live_server, creditor, other_creditor):
    make_agent()
    return make_book(creditor, other_creditor)


@pytest.fixture
def page(book):
    """Return a page of a fresh Chromium, once the data is written.

    Playwright's sync API runs an event loop in this thread, and Django
    refuses database access from a thread with a running loop. The data is
    therefore written before the browser starts, and the test only reads
    what the browser shows; a test that must query while the browser runs
    needs ``DJANGO_ALLOW_ASYNC_UNSAFE`` set (with ``monkeypatch.setenv``).
    """
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox"]
        )
        context = browser.new_context(locale="es-AR")
        context.set_default_timeout(10_000)
        yield context.new_page()
        context.close()
        browser.close()


def test_agent_logs_in_finds_an_account_by_phone_and_reads_the_debtor(
    live_server, book, page
):
    expect = sync_api.expect

    # Every page asks for the log-in first.
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/ingresar/\?next=/$"))
    page.fill("#id_username", "gestora")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")

    # The portfolio page: the first stage table adds up both creditors.
    expect(page.locator("h1")).to_have_text("Carteras")
    stages = page.locator("table.stages").first
    expect(stages.locator("tbody tr").nth(1)).to_have_text(
        re.compile(r"Mora temprana\s+1\s+\$ 1\.234\.678,39")
    )
    expect(stages.locator("tfoot tr")).to_have_text(
        re.compile(r"Total\s+3\s+\$ 1\.240\.678,89")
    )

    # Typing a phone as people write it filters the list through htmx,
    # without submitting the form.
    page.click("nav >> text=Cuentas")
    expect(page.locator("#account-results")).to_contain_text("3 cuentas")
    page.fill("#id_q", "011 15 2345-6789")
    results = page.locator("#account-results")
    expect(results).to_contain_text("2 cuentas")
    expect(results.locator("tbody tr td:first-child")).to_have_text(["A-0001", "S-9"])
    expect(page).to_have_url(re.compile(r"/cuentas/\?q=011"))

    # The account's link opens the debtor's page at that account.
    results.locator("a", has_text="A-0001").click()
    expect(page.locator("h1")).to_have_text("Pérez, Juan")
    row = page.locator(f"#account-{book.card_juan.pk}")
    expect(row.locator("td.strong")).to_have_text("$ 1.234.678,39")
    expect(page.locator("table.history tbody tr").first).to_contain_text("30/06/2025")

    # The language switch turns the interface to English, not the amounts.
    page.select_option("#language", "en")
    expect(page.locator("section.accounts h2")).to_have_text("Accounts")
    expect(row.locator("td.strong")).to_have_text("$ 1.234.678,39")
