"""import_claimreview on real ClaimReview objects (tests/data/claimreview,
SOURCES.md says where each came from): drafts, verbatim, nothing lost."""

import functools
import http.server
import json
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from registry.choices import ClaimState, DocumentKind
from registry.models import Citation, Claim, Document, PublicClaim, Source
from registry.services.claimreview_import import IMPORT_USERNAME
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parent / "data" / "claimreview"


def run(location) -> str:
    out = StringIO()
    call_command("import_claimreview", str(location), stdout=out)
    return out.getvalue()


def imported(review_text: str) -> Document:
    return Document.objects.get(kind=DocumentKind.FACT_CHECK, text=review_text)


def check_claim_of(document: Document) -> Claim:
    [claim] = Claim.objects.filter(citations__document=document).distinct()
    assert claim.state == ClaimState.DRAFT
    assert claim.confidence is None  # the reviewer's rating is not ours
    assert claim.created_by.username == IMPORT_USERNAME
    for citation in claim.citations.all():
        assert document.text[citation.start : citation.end] == citation.quote
    return claim


def test_politifact_review_imports_as_a_draft_with_the_reviewers_rating():
    output = run(DATA / "politifact-schemaorg-1061.json")
    assert "1 draft claim(s) created" in output
    original = json.loads((DATA / "politifact-schemaorg-1061.json").read_text())

    document = Document.objects.get(kind=DocumentKind.FACT_CHECK)
    assert json.loads(document.text) == original  # nothing lost
    assert document.url == original["url"]
    assert str(document.published_on) == "2014-07-23"
    claim = check_claim_of(document)
    assert '"True"' in claim.statement and "1 on its scale" in claim.statement
    assert "Rich Perry" in claim.statement
    by_quote = {c.quote: c for c in claim.citations.select_related("originator")}
    rating = by_quote["True"]
    assert rating.originator.name == "politifact.com"  # no name: its address
    said = next(c for q, c in by_quote.items() if "3,000 homicides" in q)
    assert said.originator.name == "Rich Perry"
    assert [s.name for s in said.relays.all()] == ["politifact.com"]
    assert not PublicClaim.objects.exists()  # drafts stay inside


def test_google_example_matches_the_claimant_by_alias():
    square = SourceFactory(name="Square World Society")
    run(DATA / "google-flat-earth-example.json")
    claim = check_claim_of(Document.objects.get(kind=DocumentKind.FACT_CHECK))
    assert Citation.objects.filter(claim=claim, originator=square).exists()
    assert 'rated "False"' in claim.statement
    assert Source.objects.filter(name="Square World Society").count() == 1


def test_html_page_with_embedded_jsonld_via_extruct():
    run(DATA / "umbc-ebiquity-page.html")
    document = Document.objects.get(kind=DocumentKind.FACT_CHECK)
    review = json.loads(document.text)
    assert review["author"]["Name"] == "UMBC Ebiquity Research Group"
    claim = check_claim_of(document)
    assert claim.statement.startswith("UMBC Ebiquity Research Group rated")


@pytest.mark.parametrize("shape", ["list", "feed"])
def test_a_list_and_a_feed_each_import_every_review(tmp_path, shape):
    reviews = [
        json.loads((DATA / name).read_text())
        for name in ("politifact-schemaorg-1061.json", "google-flat-earth-example.json")
    ]
    if shape == "feed":
        content = {"@context": "https://schema.org", "@graph": [
            {k: v for k, v in r.items() if k != "@context"} for r in reviews]}
    else:
        content = reviews
    path = tmp_path / f"{shape}.json"
    path.write_text(json.dumps(content))
    assert "2 draft claim(s) created" in run(path)
    for document in Document.objects.filter(kind=DocumentKind.FACT_CHECK):
        check_claim_of(document)


def test_importing_the_same_review_twice_changes_nothing():
    run(DATA / "google-flat-earth-example.json")
    output = run(DATA / "google-flat-earth-example.json")
    assert "already imported" in output
    assert Claim.objects.count() == 1


@pytest.fixture
def local_server():
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(DATA)
    )
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_urls_are_read_over_http(local_server):
    run(f"{local_server}/umbc-ebiquity-page.html")
    run(f"{local_server}/politifact-schemaorg-1061.json")
    assert Document.objects.filter(kind=DocumentKind.FACT_CHECK).count() == 2


def test_no_claimreview_is_an_error(tmp_path):
    empty = tmp_path / "page.html"
    empty.write_text("<html><body>No markup</body></html>")
    with pytest.raises(CommandError, match="No ClaimReview"):
        run(empty)
