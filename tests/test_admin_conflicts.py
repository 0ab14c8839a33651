import datetime as dt
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse

from registry.admin.conflicts import claim_conflict_summary
from registry.choices import ConflictStatus
from registry.models import Claim, Conflict, ConflictDecision
from registry.presentation.svg import conflict_svg
from registry.services import conflicts
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    EventFactory,
    FigureFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def plain_static_files(settings, tmp_path):
    # Tests run with DEBUG off; the manifest storage would need collectstatic.
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


def quantity(*specs, event=None):
    event = event or EventFactory()
    made = []
    for name, qualifier, value in specs:
        claim = ClaimFactory(event=event, state="in_review")
        CitationFactory(claim=claim, originator=SourceFactory(short_name=name))
        made.append(FigureFactory(claim=claim, qualifier=qualifier, value=value))
        conflicts.conflicts_refresh_for_claim(claim=claim)
    return made


def staff(*, reviewer: bool):
    user = UserFactory(is_staff=True)
    codenames = ["view_conflict", "change_conflict"]
    if reviewer:
        codenames.append("settle_conflict")
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def test_svg_labels_every_figure_and_draws_open_ends_as_arrows():
    quantity(("SOHR", "at_least", 8), ("AMN", "exactly", 5), ("EFE", "exactly", 4))
    svg = conflict_svg(Conflict.objects.get())
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    labels = re.findall(r'class="figure-label"[^>]*><title>([^<]*)</title>', svg)
    assert [label.split(":")[0] for label in labels] == ["EFE", "AMN", "SOHR"]
    assert svg.count("marker-end=") == 1  # only "at least eight" is open
    assert 'class="bar open"' in svg and "<marker" in svg
    assert "consensus" not in svg  # three lone figures: no consensus


def test_svg_shades_the_consensus_band():
    quantity(("A", "at_least", 8), ("B", "exactly", 10), ("C", "exactly", 3))
    svg = conflict_svg(Conflict.objects.get())
    assert 'class="consensus"' in svg and "consensus 10 to 10" in svg


def test_svg_escapes_source_names():
    quantity(("<script>x</script>", "exactly", 8), ("B", "exactly", 5))
    svg = conflict_svg(Conflict.objects.get())
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_svg_of_dates_has_a_date_axis():
    call_command("load_seeds", verbosity=0)
    svg = conflict_svg(Conflict.objects.get())
    assert "2019-10-25" in svg and "2019-10-26" in svg
    assert svg.count('class="figure-label"') == 2


def test_changelist_lists_open_conflicts_first(client):
    first = quantity(("A", "exactly", 8), ("B", "exactly", 5))
    quantity(("C", "exactly", 8), ("D", "exactly", 5))
    settled = Conflict.objects.get(figures=first[0])
    conflicts.conflict_explain(
        conflict=settled, actor=staff(reviewer=True), explanation="Scope."
    )
    client.force_login(staff(reviewer=False))
    response = client.get(reverse("admin:registry_conflict_changelist"))
    assert response.status_code == 200
    statuses = [c.status for c in response.context["cl"].result_list]
    assert statuses == ["open", "explained"]
    page = response.content.decode()
    for name in "ABCD":
        assert f"{name}: " in page  # every figure, labelled by its source


def test_reviewer_settles_from_the_change_page(client):
    eight, _ = quantity(("SOHR", "at_least", 8), ("AMN", "exactly", 5))
    conflict = Conflict.objects.get()
    user = staff(reviewer=True)
    client.force_login(user)
    page = client.get(reverse("admin:registry_conflict_change", args=[conflict.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "Settle" in body and "low" in body
    response = client.post(
        reverse("admin:registry_conflict_settle", args=[conflict.pk]),
        {"preferred_figure": eight.pk, "rationale": "Named list."},
    )
    assert response.status_code == 302
    conflict.refresh_from_db()
    assert (conflict.status, conflict.preferred_figure, conflict.settled_by) == (
        ConflictStatus.SETTLED,
        eight,
        user,
    )
    assert ConflictDecision.objects.filter(action="settled", actor=user).exists()


def test_editor_cannot_settle(client):
    eight, _ = quantity(("SOHR", "at_least", 8), ("AMN", "exactly", 5))
    conflict = Conflict.objects.get()
    client.force_login(staff(reviewer=False))
    page = client.get(reverse("admin:registry_conflict_change", args=[conflict.pk]))
    assert "Only reviewers" in page.content.decode()
    client.post(
        reverse("admin:registry_conflict_settle", args=[conflict.pk]),
        {"preferred_figure": eight.pk, "rationale": "Mine."},
        follow=True,
    )
    conflict.refresh_from_db()
    assert conflict.status == ConflictStatus.OPEN


def test_explain_without_explanation_is_refused(client):
    quantity(("SOHR", "at_least", 8), ("AMN", "exactly", 5))
    conflict = Conflict.objects.get()
    client.force_login(staff(reviewer=True))
    response = client.post(
        reverse("admin:registry_conflict_explain", args=[conflict.pk]),
        {"explanation": "  "},
        follow=True,
    )
    assert "Say how the figures differ" in response.content.decode()
    conflict.refresh_from_db()
    assert conflict.status == ConflictStatus.OPEN


def test_claim_summary_shows_conflicts_and_suggestion():
    call_command("load_seeds", verbosity=0)
    claim = Claim.objects.get(public_id="article-baghdadi-died-25-october")
    html = claim_conflict_summary(claim)
    assert "Suggested confidence: 6" in html
    assert "open conflict" in html and "<svg" in html
    assert dt.date(2019, 10, 25).isoformat() in html


