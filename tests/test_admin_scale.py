"""The admin at a million claims: bounded queries per page, counts that stop,
searches and filters through indexes, orderings an index reads in order.

The timings themselves are bench/admin.py's (``make bench-admin``); these
tests keep the properties the timings rest on.
"""

import pytest
from django.db import connection
from django.urls import reverse

from registry import services
from registry.admin import pagination
from registry.models import Claim, ClaimTransition, Conflict
from registry.selectors import review, search
from registry.services import conflicts
from tests.conftest import on_postgres
from tests.factories import (
    CitationFactory,
    DocumentFactory,
    EventFactory,
    FigureFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    # Tests run with DEBUG off; the manifest storage would need collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


def make_claim(author, *, statement, submit=False, **citation):
    claim = services.claim_create(
        actor=author, statement=statement, kind="other", event=EventFactory()
    )
    CitationFactory(claim=claim, **citation)
    FigureFactory(claim=claim)
    if submit:
        services.claim_submit(claim=claim, actor=author)
    return claim


@pytest.fixture
def registry(editor):
    """A few claims of every kind a list row shows: two sources, one with a
    relay, one document cited twice, a claim in an open conflict."""
    big = SourceFactory(name="Syrian Observatory for Human Rights", short_name="SOHR")
    small = SourceFactory(name="Al Masdar News")
    document = DocumentFactory(title="Daesh resurgence report")
    claims = [
        make_claim(
            editor,
            statement=f"Eight soldiers killed near Mayadeen {n}",
            originator=big,
            document=document,
        )
        for n in range(3)
    ]
    claims.append(make_claim(editor, statement="Shepherds missing", originator=small))
    claims.append(make_claim(editor, statement="Camp in the north-east", submit=True))
    figure = claims[0].figures.get()
    conflict = Conflict.objects.create(
        quantity_key=figure.quantity_key,
        kind="quantity",
        metric="killed",
        subject="soldiers",
    )
    conflict.figures.add(figure)
    # Written by hand, not by detection: the flag is refreshed as it would be.
    conflicts.claims_flag_refresh(claim_ids=[claims[0].pk])
    return {"big": big, "small": small, "document": document, "claims": claims}


def admin_pages(data):
    claims = reverse("admin:registry_claim_changelist")
    big, document = data["big"], data["document"]
    claim = data["claims"][0]
    return {
        "claims": claims,
        "claims page 2": f"{claims}?p=2",
        "claims sorted": f"{claims}?o=-7",
        "claims search words": f"{claims}?q=soldiers",
        "claims search id": f"{claims}?q={claim.public_id}",
        "claims search source": f"{claims}?q=Observatory",
        "claims state": f"{claims}?state__exact=in_review",
        "claims conflict": f"{claims}?conflict=open",
        "claims no conflict": f"{claims}?conflict=none",
        "claims source": f"{claims}?source={big.public_id}",
        "claims event": f"{claims}?event={claim.event.public_id}",
        "claims document": f"{claims}?document={document.public_id}",
        "queue": reverse("admin:registry_reviewqueue_changelist"),
        "queue search": reverse("admin:registry_reviewqueue_changelist") + "?q=camp",
        "sources": reverse("admin:registry_source_changelist"),
        "sources search": reverse("admin:registry_source_changelist") + "?q=sohr",
        "source page": reverse("admin:registry_source_change", args=[big.pk]),
        "documents": reverse("admin:registry_document_changelist"),
        "documents search": reverse("admin:registry_document_changelist")
        + "?q=resurgence",
        "document page": reverse("admin:registry_document_change", args=[document.pk]),
        "events": reverse("admin:registry_event_changelist"),
        "events search": reverse("admin:registry_event_changelist") + "?q=Event",
        "conflicts": reverse("admin:registry_conflict_changelist"),
        "transitions": reverse("admin:registry_claimtransition_changelist"),
        "transitions search": reverse("admin:registry_claimtransition_changelist")
        + "?q=camp",
        "index": reverse("admin:index"),
    }


# Queries a page may run: session, user, permissions (2); for a list, the
# savepoint its reads run in, its release and, on PostgreSQL, the setting
# that keeps parallel workers out (review.serial_reads); the page's own.
MAX_QUERIES = {
    "source page": 22,  # the counts by state: one bounded query per state
    "document page": 14,
    "index": 14,
}


def test_every_admin_page_runs_a_bounded_number_of_queries(
    client, reviewer, registry, django_assert_max_num_queries
):
    client.force_login(reviewer)
    for name, url in admin_pages(registry).items():
        with django_assert_max_num_queries(MAX_QUERIES.get(name, 15)):
            response = client.get(url)
        assert response.status_code == 200, name


def test_claim_list_queries_do_not_grow_with_the_rows_shown(
    client, reviewer, editor, registry
):
    client.force_login(reviewer)
    pages = admin_pages(registry)
    names = ["claims", "claims search words", "claims source", "queue"]

    def counts():
        from django.test.utils import CaptureQueriesContext

        result = {}
        for name in names:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(pages[name]).status_code == 200
            result[name] = len(queries)
        return result

    before = counts()
    for n in range(6):
        make_claim(
            editor,
            statement=f"More soldiers killed {n}",
            submit=True,
            originator=registry["big"],
        )
    assert counts() == before


def test_claim_list_shows_the_conflict_flag_from_the_page_rows_only(
    client, reviewer, registry
):
    client.force_login(reviewer)
    url = reverse("admin:registry_claim_changelist")
    in_conflict, other = registry["claims"][0], registry["claims"][3]
    page = client.get(url, {"conflict": "open"}).content.decode()
    assert in_conflict.statement in page and other.statement not in page
    assert "conflict-open" in page
    page = client.get(url, {"conflict": "none"}).content.decode()
    assert in_conflict.statement not in page and other.statement in page


# ------------------------------------------------------------------- counts


def test_a_count_past_the_cap_is_an_estimate_said_as_such(
    client, reviewer, registry, monkeypatch
):
    monkeypatch.setattr(pagination.EstimatedCountPaginator, "exact_up_to", 2)
    if on_postgres():
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE registry_claim")
    client.force_login(reviewer)
    page = client.get(reverse("admin:registry_claim_changelist")).content.decode()
    if on_postgres():
        assert 'class="estimated-count"' in page
        assert "about " in page
    else:  # the embedded database counts exactly
        assert 'class="estimated-count"' not in page
        assert "5 claims" in page


def test_a_count_under_the_cap_is_exact(client, reviewer, registry):
    client.force_login(reviewer)
    page = client.get(reverse("admin:registry_claim_changelist")).content.decode()
    assert 'class="estimated-count"' not in page
    assert "5 claims" in page


def test_a_sources_counts_by_state_stop_at_the_cap(client, reviewer, registry):
    big = registry["big"]
    assert review.source_claim_counts(source=big) == {"draft": 3}
    assert review.source_claim_counts(source=big, cap=2) == {"draft": 3}
    page = client.get(reverse("admin:registry_source_change", args=[big.pk]))
    client.force_login(reviewer)
    page = client.get(
        reverse("admin:registry_source_change", args=[big.pk])
    ).content.decode()
    assert "Draft: 3" in page


def test_a_source_page_says_more_than_the_cap(client, reviewer, registry, monkeypatch):
    monkeypatch.setattr(review, "COUNT_CAP", 2)
    client.force_login(reviewer)
    page = client.get(
        reverse("admin:registry_source_change", args=[registry["big"].pk])
    ).content.decode()
    assert "Draft: more than 2" in page


# --------------------------------------------------------- search, filters


def listed(client, **params):
    page = client.get(reverse("admin:registry_claim_changelist"), params)
    assert page.status_code == 200
    return {
        c.public_id for c in Claim.objects.all() if c.statement in page.content.decode()
    }


@pytest.mark.parametrize("few", [100, 1])
def test_search_and_filters_find_the_same_claims_by_ids_or_by_condition(
    client, reviewer, registry, monkeypatch, few
):
    """Few matches are found as ids through an index, many through a
    condition on each row: both ways give the same claims."""
    monkeypatch.setattr(search, "SEARCH_FEW", few)
    client.force_login(reviewer)
    claims = registry["claims"]
    by_big = {c.public_id for c in claims[:3]}
    assert listed(client, q="mayadeen") == by_big
    assert listed(client, q="Observatory") == by_big  # part of a source's name
    assert listed(client, q="sohr") == by_big  # its short name
    assert listed(client, q=claims[3].public_id) == {claims[3].public_id}
    assert listed(client, source=registry["big"].public_id) == by_big
    assert listed(client, source="the SOHR") == set()
    assert listed(client, document=registry["document"].public_id) == by_big
    assert listed(client, document="resurgence") == by_big
    assert listed(client, event=claims[4].event.public_id) == {claims[4].public_id}


def test_a_claim_cited_twice_is_listed_once(client, reviewer, registry):
    claim = registry["claims"][3]
    CitationFactory(claim=claim, originator=registry["small"])
    client.force_login(reviewer)
    page = client.get(
        reverse("admin:registry_claim_changelist"), {"q": "Al Masdar"}
    ).content.decode()
    change = reverse("admin:registry_claim_change", args=[claim.pk])
    assert page.count(f'href="{change}"') == 1


def test_a_relay_counts_for_the_source_filter(client, reviewer, registry):
    from registry.models import CitationRelay

    citation = registry["claims"][3].citations.get()
    CitationRelay.objects.create(citation=citation, source=registry["big"], position=1)
    client.force_login(reviewer)
    assert registry["claims"][3].public_id in listed(
        client, source=registry["big"].public_id
    )


def test_transition_log_is_searched_by_its_claims(client, reviewer, registry):
    client.force_login(reviewer)
    url = reverse("admin:registry_claimtransition_changelist")
    page = client.get(url, {"q": "camp"}).content.decode()
    assert "Camp in the north-east" in page
    assert "date_hierarchy" not in page
    page = client.get(url, {"q": "shepherds"}).content.decode()
    assert "Camp in the north-east" not in page


# ------------------------------------------------------------ review queue


def test_submission_time_is_kept_on_the_claim_for_the_queue(editor, second_reviewer):
    claim = make_claim(editor, statement="First", submit=True)
    claim.refresh_from_db()
    transition = ClaimTransition.objects.get(claim=claim, to_state="in_review")
    assert abs((transition.created_at - claim.submitted_at).total_seconds()) < 5
    services.claim_request_changes(claim=claim, actor=second_reviewer, comment="x")
    services.claim_submit(claim=claim, actor=editor)
    claim.refresh_from_db()
    assert claim.submitted_at > transition.created_at


def test_queue_is_ordered_by_submission_not_by_creation(
    client, editor, reviewer, second_reviewer
):
    older = make_claim(editor, statement="Written first, submitted last")
    newer = make_claim(editor, statement="Written last, submitted first", submit=True)
    services.claim_submit(claim=older, actor=editor)
    client.force_login(reviewer)
    page = client.get(reverse("admin:registry_reviewqueue_changelist")).content.decode()
    assert page.index(newer.statement) < page.index(older.statement)


# ------------------------------------------------ orderings read from indexes


@pytest.mark.postgres
@pytest.mark.parametrize(
    "url_name, table, index",
    [
        ("admin:registry_claim_changelist", "registry_claim", "claim_created"),
        ("admin:registry_reviewqueue_changelist", "registry_claim", "claim_queue"),
        ("admin:registry_source_changelist", "registry_source", "source_list"),
        ("admin:registry_document_changelist", "registry_document", "document_list"),
        ("admin:registry_event_changelist", "registry_event", "event_list"),
        ("admin:registry_conflict_changelist", "registry_conflict", "conflict_list"),
    ],
)
def test_each_list_is_read_in_its_order_from_an_index(
    client, reviewer, registry, url_name, table, index
):
    """With sorting priced out, the page's query must walk the index that
    matches its ORDER BY (the admin adds the primary key): a list whose order
    no index matches would show a Sort node."""
    from django.test.utils import CaptureQueriesContext

    client.force_login(reviewer)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(url_name)).status_code == 200
    page_query = next(
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT")
        and f'FROM "{table}"' in q["sql"]
        and "ORDER BY" in q["sql"]
        and "COUNT(" not in q["sql"]
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + page_query)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan, plan
    assert "Sort" not in plan, plan


def test_an_imported_claim_keeps_its_place_in_the_queue(editor, tmp_path):
    import io

    from django.core.management import call_command

    from tests.test_transfer import export, wipe

    claim = make_claim(editor, statement="Waiting for review", submit=True)
    submitted = ClaimTransition.objects.get(claim=claim, to_state="in_review")
    path = tmp_path / "registry.jsonl"
    path.write_text(export(), encoding="utf-8")
    wipe()
    call_command("import_registry", str(path), stdout=io.StringIO())
    imported = Claim.objects.get(public_id=claim.public_id)
    assert imported.state == "in_review"
    assert imported.submitted_at == submitted.created_at


def test_a_later_page_lists_the_rows_an_offset_would(registry):
    queryset = review.claims_for_review_list().order_by("-created_at", "-pk")
    paginator = pagination.EstimatedCountPaginator(queryset, 2)
    assert paginator.count == 5
    for number, (bottom, top) in enumerate([(0, 2), (2, 4), (4, 5)], start=1):
        page = list(paginator.page(number).object_list)
        assert [c.pk for c in page] == [c.pk for c in queryset[bottom:top]]
        # The rows keep what the list shows, read with them.
        assert all(c.event.title for c in page)
