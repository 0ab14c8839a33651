"""The public site in Spanish in a real headless Chromium on a phone-sized
window: the browser's language picks Spanish, the switcher's buttons
change it without JavaScript, and the Spanish pages have no axe-core
violations and no sideways scrolling."""


import pytest

from tests.e2e_support import ARTIFACTS, PHONE, axe_violations
from tests.public_site_support import build_site
from tests.test_i18n import SPANISH_DATE

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_home_page_in_spanish_on_a_phone(live_server, editor, reviewer, browser):
    site = build_site(editor, reviewer)
    context = browser.new_context(
        viewport=PHONE, locale="es-ES", java_script_enabled=False
    )
    tab = context.new_page()
    tab.goto(f"{live_server.url}/")
    assert tab.get_attribute("html", "lang") == "es"
    assert tab.inner_text("h1") == "Últimas afirmaciones publicadas"
    text = tab.inner_text("main")
    assert "Confianza 3: posiblemente cierta" in text
    assert SPANISH_DATE.search(text)
    assert tab.get_by_label("Buscar en afirmaciones y citas").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "public-home-es-phone.png"), full_page=True)

    # A search in Spanish keeps the Spanish labels and the query.
    tab.get_by_label("Buscar en afirmaciones y citas").fill("soldiers")
    tab.get_by_role("button", name="Buscar").click()
    assert tab.inner_text("h2") == "Afirmaciones que coinciden"
    assert site.eight.statement in tab.inner_text("main")

    # The switcher: English for this visitor, though the browser asks for
    # Spanish, back on the same page (its query string kept).
    tab.get_by_role("button", name="English").click()
    assert "/?q=soldiers&" in tab.url
    assert tab.get_attribute("html", "lang") == "en"
    assert tab.inner_text("h2") == "Matching claims"
    tab.get_by_role("button", name="Español").click()
    assert tab.get_attribute("html", "lang") == "es"
    context.close()

    # No axe-core violation and no sideways scrolling on the Spanish pages.
    context = browser.new_context(viewport=PHONE, locale="es-ES", bypass_csp=True)
    tab = context.new_page()
    found = {}
    for path in (
        "/",
        f"/claims/{site.eight.public_id}/",
        f"/sources/{site.source.public_id}/",
        f"/events/{site.event.public_id}/",
        "/corrections/",
    ):
        tab.goto(f"{live_server.url}{path}")
        assert tab.get_attribute("html", "lang") == "es", path
        if violations := axe_violations(tab):
            found[path] = violations
        overflow = tab.evaluate(
            "() => document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways on a phone in Spanish"
    context.close()
    assert found == {}, found
