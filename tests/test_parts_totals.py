"""Parts and totals (issue 10): a total recorded with its parts, or computed
from them, with a check that they add up, shown to reviewers and the
public, kept through export and import; each part counts once, in its own
subject's quantity, never as a second figure about the total's."""

import io
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from registry import services
from registry.admin.desk import read_breakdown
from registry.figures import intervals, rules, vocabulary
from registry.models import Claim, Figure
from registry.services import projection
from registry.services.transfer import RecordError, import_records
from tests.factories import DocumentFactory, EventFactory, SourceFactory
from tests.projection_support import draft, publish

pytestmark = pytest.mark.django_db

WORDINGS = Path(__file__).parent / "data" / "figure_wordings.jsonl"


def wording(text: str) -> dict:
    """A real wording of the corpus, with where it was read."""
    for line in WORDINGS.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if entry["text"] == text:
            return entry
    raise LookupError(text)


def count(qualifier, value, value_high=None):
    return SimpleNamespace(
        qualifier=qualifier,
        value=value,
        value_high=value_high,
        interval=intervals.quantity_interval(qualifier, value, value_high),
    )


# ------------------------------------------------------------------ the rule


@pytest.mark.parametrize(
    ("total", "consistent", "word"),
    [
        (count("at_least", 11), True, None),
        (count("exactly", 11), True, None),
        (count("about", 10), True, None),
        (count("between", 10, 12), True, None),
        (count("exactly", 10), False, "more"),
        (count("at_most", 10), False, "more"),
        (count("exactly", 12), False, "less"),
        (count("at_least", 12), False, "less"),
        (count("more_than", 11), False, "less"),
    ],
)
def test_parts_sum_is_checked_under_each_qualifier(total, consistent, word):
    parts = [count("exactly", 1), count("exactly", 3), count("exactly", 7)]
    check = rules.check_parts(total, parts)
    assert check.parts_sum == intervals.Interval(11, 11)
    assert check.consistent is consistent
    if word:
        assert f"{word} than the total" in check.reason


def test_open_parts_add_up_to_an_open_sum():
    parts = [count("at_least", 2), count("exactly", 3)]
    assert rules.parts_interval(parts) == intervals.Interval(5, None)
    assert rules.check_parts(count("exactly", 9), parts).consistent
    assert not rules.check_parts(count("exactly", 4), parts).consistent
    assert rules.check_parts(count("exactly", 4), []) is None


@pytest.mark.parametrize(
    ("parts", "total"),
    [
        ([("exactly", 1), ("exactly", 3), ("exactly", 7)], ("exactly", 11, None)),
        ([("at_least", 40), ("at_least", 28)], ("at_least", 68, None)),
        ([("about", 40), ("about", 28)], ("about", 68, None)),
        ([("at_most", 4), ("at_most", 2)], ("at_most", 6, None)),
        ([("more_than", 4), ("more_than", 2)], ("at_least", 8, None)),
        ([("exactly", 4), ("at_least", 2)], ("at_least", 6, None)),
        ([("exactly", 4), ("at_most", 2)], ("between", 4, 6)),
        ([("fewer_than", 4), ("at_most", 2)], ("at_most", 5, None)),
    ],
)
def test_a_total_is_computed_from_its_parts_under_each_qualifier(parts, total):
    parts = [count(q, v) for q, v in parts]
    assert rules.total_from_parts(parts) == total
    qualifier, value, high = total
    # A computed total always agrees with what it was computed from.
    assert rules.check_parts(count(qualifier, value, high), parts).consistent


@pytest.mark.parametrize(
    ("text", "stated_total", "parts", "whole"),
    [
        ("13 civilians and three IS militants", None,
         {"civilians": 13, "fighters": 3}, "people"),
        ("two soldiers and two policemen", None,
         {"soldiers": 2, "police": 2}, "people"),
        ("once mujeres, nueve hombres y cinco niños", None,
         {"women": 11, "men": 9, "children": 5}, "people"),
        ("65 menores y 40 mujeres", None, {"children": 65, "women": 40}, "civilians"),
        # "adults" is the vocabulary's "people": no narrower part of a whole.
        ("seis adultos, una niña y un niño", None,
         {"people": 6, "children": 2}, None),
        ("11 killed: one civilian, three soldiers and seven fighters", 11,
         {"civilians": 1, "soldiers": 3, "fighters": 7}, "people"),
    ],
)
def test_real_part_lists_read_as_a_total_with_its_parts(
    text, stated_total, parts, whole
):
    if stated_total is None:  # from the corpus: where it was found is recorded
        entry = wording(text)
        assert entry["source"]["url"].startswith("http")
        assert entry["expected"]["value"] == sum(parts.values())
    breakdown = read_breakdown(text)
    assert dict(breakdown.parts) == parts
    assert (breakdown.total.value if breakdown.total else None) == stated_total
    assert vocabulary.common_whole(list(parts)) == whole


def test_a_wording_without_a_list_has_no_breakdown():
    assert read_breakdown("at least 41 killed") is None


# ---------------------------------------------------------------- recording


@pytest.fixture
def event(db):
    return EventFactory(title="Clash at the checkpoint")


def with_parts(editor, event, *, qualifier="exactly", value=11, computed=False,
               parts=(("civilians", 1), ("soldiers", 3), ("fighters", 7)),
               part_qualifier="exactly"):
    """A draft claim whose first figure is a total (killed people) recorded
    with its parts through the service."""
    claim = draft(editor, event=event, subject="wounded soldiers", metric="injured")
    total = Figure(
        claim=claim, metric="killed", subject="people", qualifier=qualifier,
        value=value, computed=computed,
        stated="" if computed else f"{value} killed: one civilian, three "
        "soldiers and seven fighters",
    )
    services.figure_total_with_parts(
        total=total,
        parts=[
            Figure(subject=s, qualifier=part_qualifier, value=v) for s, v in parts
        ],
        actor=editor,
    )
    return claim, total


def claim_json(claim):
    response = Client().get(f"/api/v1/claims/{claim.public_id}/")
    assert response.status_code == 200, response.content
    return response.json()


def test_parts_take_their_totals_measure_and_point_at_it(editor, event):
    claim, total = with_parts(editor, event)
    parts = list(total.parts.order_by("pk"))
    assert [(p.subject, p.value, p.metric) for p in parts] == [
        ("civilians", 1, "killed"),
        ("soldiers", 3, "killed"),
        ("fighters", 7, "killed"),
    ]
    assert all(p.claim_id == claim.pk and p.pk > total.pk for p in parts)


def test_a_part_that_is_not_narrower_than_its_total_is_refused(editor, event):
    claim, total = with_parts(editor, event)
    civilians = total.parts.get(subject="civilians")
    for figure, message in [
        (Figure(claim=claim, metric="killed", subject="people", qualifier="exactly",
                value=1, part_of=civilians), "is not a part of"),
        (Figure(claim=claim, metric="killed", subject="Syrian Arab Army soldiers",
                qualifier="exactly", value=1, part_of=total), "is not a part of"),
        (Figure(claim=claim, metric="injured", subject="children",
                qualifier="exactly", value=1, part_of=total), "counts what its total"),
        (Figure(claim=draft(editor, event=event), metric="killed",
                subject="children", qualifier="exactly", value=1, part_of=total),
         "same claim"),
        (Figure(claim=claim, metric="killed", subject="civiles",
                qualifier="exactly", value=2, part_of=total), "one part per subject"),
        (Figure(claim=claim, metric="killed", subject="niños",
                qualifier="exactly", value=2, part_of=total), "overlap"),
    ]:
        with pytest.raises(ValidationError, match=message):
            services.figure_save(figure=figure, actor=editor)
    assert total.parts.count() == 3


def test_the_database_keeps_a_part_after_its_total_and_one_per_subject(
    editor, event
):
    _claim, total = with_parts(editor, event)
    part = total.parts.order_by("pk").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Figure.objects.filter(pk=total.pk).update(part_of=part)
    with pytest.raises(IntegrityError), transaction.atomic():
        Figure.objects.filter(pk=part.pk).update(part_of=part)
    with pytest.raises(IntegrityError), transaction.atomic():
        Figure.objects.filter(pk__in=total.parts.values("pk")).update(
            subject="civilians"
        )


def test_a_computed_total_follows_its_parts(editor, event):
    _claim, total = with_parts(editor, event, value=0, computed=True)
    total.refresh_from_db()
    assert (total.qualifier, total.value, total.computed) == ("exactly", 11, True)
    soldiers = total.parts.get(subject="soldiers")
    soldiers.qualifier, soldiers.value = "at_least", 5
    services.figure_save(figure=soldiers, actor=editor)
    total.refresh_from_db()
    assert (total.qualifier, total.value, total.high) == ("at_least", 13, None)
    services.figure_delete(figure=total.parts.get(subject="fighters"), actor=editor)
    total.refresh_from_db()
    assert (total.qualifier, total.value) == ("at_least", 6)


# ------------------------------------------------------------ what is shown


@pytest.fixture(autouse=True)
def _projection_matches_a_rebuild():
    yield
    assert projection.projection_check() == []


def test_parts_that_do_not_add_up_are_flagged_for_the_public(
    editor, reviewer, event
):
    claim, _total = with_parts(editor, event, value=10)
    publish(claim, editor, reviewer)
    figures = claim_json(claim)["figures"]
    by_subject = {f["subject"]: i for i, f in enumerate(figures)}
    people = figures[by_subject["people"]]
    assert people["parts_check"]["consistent"] is False
    assert people["parts_check"]["parts_sum"]["low"] == 11
    assert sorted(people["parts_check"]["parts"]) == sorted(
        by_subject[s] for s in ("civilians", "soldiers", "fighters")
    )
    assert figures[by_subject["soldiers"]]["part_of"] == by_subject["people"]
    [flag] = people["inconsistencies"]
    assert flag["kind"] == "parts_sum"
    assert flag["whole"]["claim"] == claim.public_id
    assert flag["part_subject"] == "civilians + soldiers + fighters"
    assert "more than the total" in flag["reason"]
    page = Client().get(f"/claims/{claim.public_id}/").content.decode()
    assert "Inconsistent: the parts do not add up to the total." in page


def test_an_at_least_total_with_parts_that_add_up_is_not_flagged(
    editor, reviewer, event
):
    claim, _total = with_parts(editor, event, qualifier="at_least", value=11)
    publish(claim, editor, reviewer)
    people = next(f for f in claim_json(claim)["figures"] if f["subject"] == "people")
    assert people["parts_check"]["consistent"] is True
    assert people["inconsistencies"] == []
    page = Client().get(f"/claims/{claim.public_id}/").content.decode()
    assert "the parts add up to the total." in page


def test_each_part_counts_once_in_its_own_quantity(editor, reviewer, event):
    claim, _total = with_parts(editor, event)
    publish(claim, editor, reviewer)
    other = draft(editor, event=event, subject="civilians", value=1)
    publish(other, editor, reviewer)
    figures = {f["subject"]: f for f in claim_json(claim)["figures"]}
    # The total's quantity counts the total alone: a part would pull the
    # conservative value down to 1.
    conservative = figures["people"]["ranges"]["conservative"]
    assert (conservative["low"], conservative["high"]) == (11, 11)
    assert figures["people"]["consensus_interval"] is None
    # The part about civilians agrees with the other claim's civilians.
    assert figures["civilians"]["consensus_interval"]["low"] == 1
    assert figures["civilians"]["consensus_interval"]["high"] == 1


def test_the_reviewers_desk_shows_the_parts_check(client, editor, event):
    claim, _total = with_parts(editor, event, value=10)
    client.force_login(editor)
    page = client.get(
        reverse("admin:registry_claim_change", args=[claim.pk])
    ).content.decode()
    assert "Totals and their parts" in page
    assert "inconsistent: the parts do not add up to the total" in page


# -------------------------------------------------------- the admin's form


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


TEXT = "Officials said 11 killed: one civilian, three soldiers and seven fighters."


def _add(client, stated, **overrides):
    document, source = DocumentFactory(text=TEXT), SourceFactory()
    data = {
        "statement": "Eleven people were killed",
        "kind": "casualty_figure",
        "citations-TOTAL_FORMS": "1",
        "citations-INITIAL_FORMS": "0",
        "citations-0-document": document.pk,
        "citations-0-originator": source.pk,
        "citations-0-quote": "11 killed: one civilian",
        "citations-0-stance": "asserts",
        "figures-TOTAL_FORMS": "1",
        "figures-INITIAL_FORMS": "0",
        "figures-0-kind": "quantity",
        "figures-0-stated": stated,
        "figures-0-unit": "people",
        "figures-0-with_parts": "on",
        **overrides,
    }
    return client.post(reverse("admin:registry_claim_add"), data)


def test_the_figure_form_records_a_stated_total_with_its_parts(
    client, editor, plain_static_storage
):
    client.force_login(editor)
    response = _add(
        client, "11 killed: one civilian, three soldiers and seven fighters"
    )
    assert response.status_code == 302, response.context["errors"]
    total, *parts = Claim.objects.get().figures.order_by("pk")
    assert (total.metric, total.subject, total.qualifier, total.value) == (
        "killed", "people", "exactly", 11,
    )
    assert total.computed is False
    assert [(p.subject, p.value, p.part_of_id) for p in parts] == [
        ("civilians", 1, total.pk),
        ("soldiers", 3, total.pk),
        ("fighters", 7, total.pk),
    ]


def test_the_figure_form_computes_a_total_the_wording_does_not_state(
    client, editor, plain_static_storage
):
    client.force_login(editor)
    entry = wording("al menos 40 adultos y 28 niños")
    assert entry["expected"]["qualifier"] == "at_least"
    response = _add(
        client, "at least 12 civilians and 28 children",
        **{"figures-0-metric": "killed"},
    )
    assert response.status_code == 200  # children are civilians: not a breakdown
    assert "overlap (one is part of the other)" in response.content.decode()
    response = _add(
        client, "al menos 40 mujeres y 28 niños", **{"figures-0-metric": "killed"}
    )
    assert response.status_code == 302, response.context["errors"]
    total, *parts = Claim.objects.get().figures.order_by("pk")
    assert (total.subject, total.qualifier, total.value, total.computed) == (
        "civilians", "at_least", 68, True,
    )
    assert [(p.subject, p.qualifier, p.value) for p in parts] == [
        ("women", "at_least", 40),
        ("children", "at_least", 28),
    ]


def test_the_figure_form_says_when_the_wording_lists_no_parts(
    client, editor, plain_static_storage
):
    client.force_login(editor)
    response = _add(client, "at least 41 killed", **{"figures-0-subject": "people"})
    assert response.status_code == 200
    assert "The wording lists no parts" in response.content.decode()
    assert not Claim.objects.exists()


def test_the_reading_offers_the_parts(client, editor):
    client.force_login(editor)
    reading = client.get(
        reverse("admin:registry_claim_figure_reading"),
        {"text": "11 killed: one civilian, three soldiers and seven fighters"},
    ).json()
    assert (reading["value"], reading["metric"]) == (11, "killed")
    assert reading["breakdown"] == {
        "total_stated": True,
        "parts": [
            {"subject": "civilians", "value": 1},
            {"subject": "soldiers", "value": 3},
            {"subject": "fighters", "value": 7},
        ],
    }


# --------------------------------------------------------- export and import


def export() -> str:
    out = io.StringIO()
    call_command("export_registry", "-", stdout=out)
    return out.getvalue()


def test_totals_and_parts_round_trip_byte_identical(tmp_path, editor, event):
    from tests.test_transfer import wipe

    claim, _total = with_parts(editor, event, value=0, computed=True)
    first = export()
    record = next(
        json.loads(line) for line in first.splitlines()
        if f'"id":"{claim.public_id}"' in line.replace(" ", "")
    )
    figures = record["figures"]
    people = next(i for i, f in enumerate(figures) if f["subject"] == "people")
    assert figures[people]["computed"] is True
    assert [f["part_of"] for f in figures if f["subject"] != "wounded soldiers"] == [
        None, people, people, people,
    ]
    path = tmp_path / "registry.jsonl"
    path.write_text(first, encoding="utf-8")
    wipe()
    call_command("import_registry", str(path), stdout=io.StringIO())
    assert export() == first
    restored = Figure.objects.get(subject="people")
    assert restored.parts.count() == 3 and restored.computed


def test_import_refuses_a_part_before_its_total_with_the_record(
    tmp_path, editor, event
):
    from tests.test_transfer import wipe

    claim, _total = with_parts(editor, event)
    lines = export().splitlines()
    wipe()
    records = [json.loads(line) for line in lines]
    record = next(r for r in records if r.get("id") == claim.public_id)
    record["figures"][1]["part_of"] = 3
    with pytest.raises(RecordError, match="part_of: 3 is not an earlier figure"):
        import_records(records, bulk=False)
    record["figures"][1]["part_of"] = "first"
    with pytest.raises(RecordError, match="part_of"):
        import_records(records, bulk=False)
    record["figures"][1]["part_of"] = None
    record["figures"][2]["part_of"] = 0  # injured soldiers: not this measure
    with pytest.raises(RecordError, match="counts what its total counts"):
        import_records(records, bulk=False)


def test_import_computes_a_total_given_only_as_its_parts(editor, event):
    from tests.test_transfer import wipe

    claim, _total = with_parts(editor, event)
    records = [json.loads(line) for line in export().splitlines()]
    wipe()
    record = next(r for r in records if r.get("id") == claim.public_id)
    total = record["figures"][1]
    total.update(value=None, qualifier=None, stated="", computed=True)
    record["figures"][3].update(qualifier="at_least", value=None, stated="at least 3")
    import_records(records, bulk=False)
    restored = Figure.objects.get(subject="people")
    assert (restored.qualifier, restored.value, restored.computed) == (
        "at_least", 11, True,
    )
    del record["figures"][4]["part_of"], record["figures"][3]["part_of"]
    del record["figures"][2]["part_of"]
    wipe()
    with pytest.raises(RecordError, match="a computed total needs a value or parts"):
        import_records(records, bulk=False)
