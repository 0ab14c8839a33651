"""What every browser test shares: Debian's Chromium driven by Playwright
against Django's live server, a sign-in, and axe-core.

Loaded for the whole suite by tests/conftest.py (``pytest_plugins``), so the
fixtures need no import. Without /usr/bin/chromium (``make e2e-deps``
installs it) a browser test skips with the reason, which CI turns into a
failure.
"""

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# axe-core from the npm registry, vendored (tests/vendor/README).
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
PASSWORD = "pw-for-tests-only"  # tests.factories.UserFactory's

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
    # Tests run with DEBUG off; the manifest storage would need collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    ARTIFACTS.mkdir(exist_ok=True)
    return settings


# pytest-playwright keeps one Playwright (and its event loop) for the whole
# session; Django would then need DJANGO_ALLOW_ASYNC_UNSAFE for every later
# test. These overrides give each browser test its own, stopped at its end.


@pytest.fixture
def playwright(e2e_settings):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as instance:
        yield instance


@pytest.fixture
def browser_type(playwright, browser_name):
    return getattr(playwright, browser_name)


@pytest.fixture
def browser(browser_type, browser_type_launch_args):
    instance = browser_type.launch(**browser_type_launch_args)
    yield instance
    instance.close()


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#content-main")


def choose(page, select_id, text):
    """Pick ``text`` in the admin autocomplete (select2) box of a <select>."""
    page.locator(f'[aria-labelledby="select2-{select_id}-container"]').click()
    page.locator(".select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


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
