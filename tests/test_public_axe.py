"""axe-core on every public page type, in a real headless Chromium against
a live server: zero violations, on a desktop and a phone-sized window (where
no page may scroll sideways).

axe-core comes from the npm registry and is vendored in tests/vendor/ (see
its README); Chromium is Debian's, as in test_e2e_review.py.
"""

from pathlib import Path

import pytest

from tests.public_site_support import build_site

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.skip(f"needs Debian's chromium at {CHROMIUM}: run `make e2e-deps`")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def e2e_settings(settings, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; Django's ORM
    # refuses to run under one unless told to. Only these tests are told.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    return settings


@pytest.fixture
def playwright(e2e_settings):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as instance:
        yield instance


@pytest.fixture
def browser(playwright, browser_type_launch_args):
    instance = playwright.chromium.launch(**browser_type_launch_args)
    yield instance
    instance.close()


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["html"][:200] for n in v["nodes"][:3]],
        }
        for v in result["violations"]
    ]


@pytest.mark.django_db(transaction=True)
def test_every_public_page_type_has_no_axe_violations(
    live_server, editor, reviewer, browser
):
    site = build_site(editor, reviewer)
    pages = {
        "home": "/",
        "home filtered": "/?q=soldiers&has_conflict=true&min_confidence=3",
        "home, unreadable filter": "/?published_after=yesterday",
        "claim with a conflict": f"/claims/{site.eight.public_id}/",
        "superseded claim": f"/claims/{site.old.public_id}/",
        "source": f"/sources/{site.source.public_id}/",
        "event with map and conflict": f"/events/{site.event.public_id}/",
        "event without coordinates": f"/events/{site.quiet_event.public_id}/",
        "conflict": f"/conflicts/{site.conflict_id}/",
        "corrections": "/corrections/",
        "not found": f"/claims/{site.draft.public_id}/",
    }
    found = {}
    for size_name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        # Our CSP forbids inline scripts; axe is injected by the test alone.
        context = browser.new_context(
            viewport=size, java_script_enabled=True, bypass_csp=True
        )
        tab = context.new_page()
        for name, path in pages.items():
            tab.goto(f"{live_server.url}{path}")
            violations = axe_violations(tab)
            if violations:
                found[f"{name} ({size_name}) {path}"] = violations
            if size_name == "phone":
                overflow = tab.evaluate(
                    "() => document.documentElement.scrollWidth - window.innerWidth"
                )
                assert overflow <= 0, f"{name} scrolls sideways on a phone"
        context.close()
    assert found == {}, found
