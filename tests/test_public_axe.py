"""axe-core on every public page type, in a real headless Chromium against
a live server: zero violations, on a desktop and a phone-sized window (where
no page may scroll sideways).

axe-core comes from the npm registry and is vendored in tests/vendor/ (see
its README); Chromium is Debian's, as in test_e2e_review.py.
"""


import pytest

from tests.e2e_support import DESKTOP, PHONE, axe_violations
from tests.public_site_support import build_site

pytestmark = pytest.mark.e2e

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
