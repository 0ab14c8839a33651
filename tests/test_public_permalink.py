import json
import re

import pytest
from django.test import Client

from registry.choices import ClaimState
from tests.api_support import make_claim, make_conflict, same_quantity_pair
from tests.factories import SourceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("projection_follows_rows")]


def embedded_claimreview(html: str) -> dict:
    match = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL
    )
    assert match, "no JSON-LD in the page"
    return json.loads(match.group(1))


def test_permalink_page_shows_the_claim_without_javascript():
    relay = SourceFactory(name="Al Masdar News")
    claim = make_claim(relay=relay, confidence=2, label="mazare")

    response = Client().get(f"/claims/{claim.public_id}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert claim.statement in html
    assert "probably true" in html
    assert claim.confidence_rationale in html
    assert "mazare quote 0 soldiers" in html
    assert 'href="https://example.org/mazare/0"' in html
    assert "Al Masdar News" in html
    assert "8 or more" in html  # the figure's interval
    review = embedded_claimreview(html)
    assert review["@type"] == "ClaimReview"
    assert review["url"] == f"http://testserver/claims/{claim.public_id}/"
    assert review["reviewRating"]["ratingValue"] == 4  # 6 - confidence 2


def test_permalink_shows_conflicting_figures_and_correction_history():
    a, b = same_quantity_pair(values=(8, 5))
    old = make_claim(ClaimState.SUPERSEDED, label="old")
    new = make_claim(corrects=old, label="new")

    hidden = make_claim(ClaimState.IN_REVIEW, event=a.event, label="hidden")
    figure = hidden.figures.get()
    figure.subject, figure.value = "soldiers", 30
    figure.save()
    make_conflict(a.figures.get(), b.figures.get(), figure)

    html = Client().get(f"/claims/{a.public_id}/").content.decode()
    assert "Conflicting figures" in html
    assert f"/claims/{b.public_id}/" in html
    # The interval picture is drawn from published figures only.
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert a.citations.get().originator.name in svg
    assert b.citations.get().originator.name in svg
    assert "hidden" not in html

    html = Client().get(f"/claims/{old.public_id}/").content.decode()
    assert "Superseded" in html
    assert "Correction history" in html
    assert f'href="/claims/{new.public_id}/"' in html


def test_quote_cannot_break_out_of_the_json_ld_script():
    claim = make_claim(label="</script><b>x</b>")
    html = Client().get(f"/claims/{claim.public_id}/").content.decode()
    script = html.split('<script type="application/ld+json">', 1)[1]
    assert script.index("</script>") > script.index("\\u003c/script")
    assert embedded_claimreview(html)["claimReviewed"] == claim.statement


def test_unpublished_claim_has_no_page():
    draft = make_claim(ClaimState.IN_REVIEW)
    assert Client().get(f"/claims/{draft.public_id}/").status_code == 404
    assert Client().post(f"/claims/{make_claim().public_id}/").status_code == 405
