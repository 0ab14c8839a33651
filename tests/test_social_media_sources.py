"""Social-media accounts as sources: a kind of their own, with the platform
and a handle checked against the platform's rules, by the model and by the
database.

Real reporting quotes accounts this way, e.g. "the White Helmets in the north
of the country said on Twitter" (spamchronicles.com/?p=1029038, on the
February 2023 earthquake in Syria; the Syria Civil Defence's account is
@SyriaCivilDef) and "the country's Health Ministry said on its Facebook"
(news.az/index.php/news/syria-earthquake-death-toll-rises-to-430-says-health-ministry).
"""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from registry.choices import HANDLE_RULES, SocialPlatform
from registry.models import Source
from registry.services import records
from tests.factories import SourceFactory
from tests.projection_support import published

pytestmark = pytest.mark.django_db


def account(**fields):
    return Source(
        **{
            "name": "Syria Civil Defence (White Helmets) on X",
            "kind": "social_media",
            "platform": "x",
            "handle": "@SyriaCivilDef",
            "reliability": "C",
            **fields,
        }
    )


def test_an_account_keeps_its_handle_without_the_at_and_links_its_profile():
    source = account()
    source.full_clean()
    source.save()
    assert source.handle == "SyriaCivilDef"
    assert source.profile_url == "https://x.com/SyriaCivilDef"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"handle": "SyriaCivilDefence2023"}, "handle", "1-15 letters"),
        ({"handle": "white helmets"}, "handle", "not a X (formerly Twitter) handle"),
        ({"platform": "telegram", "handle": "wh"}, "handle", "5-32 letters"),
        ({"platform": ""}, "platform", "needs its platform"),
        ({"platform": "myspace"}, "platform", "not a valid choice"),
        ({"kind": "government"}, "kind", "Only a social-media account"),
    ],
)
def test_a_handle_that_breaks_the_platforms_rules_is_refused(fields, field, message):
    with pytest.raises(ValidationError) as caught:
        account(**fields).full_clean()
    assert message in " ".join(caught.value.message_dict[field])


@pytest.mark.parametrize(
    "fields",
    [
        {"handle": "SyriaCivilDefence2023"},
        {"handle": ""},
        {"platform": ""},
        {"kind": "government"},
        {"kind": "government", "platform": "", "handle": "SyriaCivilDef"},
    ],
)
def test_the_database_refuses_an_account_that_skipped_validation(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        account(**{"handle": "SyriaCivilDef", **fields}).save()


def test_every_platform_rule_accepts_a_plain_handle_and_refuses_a_space():
    for platform in HANDLE_RULES:
        source = account(
            name=f"Account on {platform}", platform=platform, handle="whitehelmets"
        )
        source.full_clean()
        source.save()
        with pytest.raises(IntegrityError), transaction.atomic():
            Source.objects.filter(pk=source.pk).update(handle="white helmets")
    assert set(HANDLE_RULES) == set(SocialPlatform)


def test_one_account_is_one_source_whatever_the_case(editor):
    records.source_save(source=account(), actor=editor)
    with pytest.raises(IntegrityError), transaction.atomic():
        account(name="Another name", handle="syriacivildef").save()
    with pytest.raises(ValidationError, match="Another source is this account"):
        account(name="Another name", handle="syriacivildef").validate_constraints()


def test_the_public_source_page_and_api_show_the_account(editor, reviewer):
    source = account()
    source.full_clean()
    source.save()
    published(editor, reviewer, event=None, originator=source)
    client = Client()
    html = client.get(f"/sources/{source.public_id}/").content.decode()
    assert "X (formerly Twitter) account" in html
    assert 'href="https://x.com/SyriaCivilDef" rel="nofollow noopener">@SyriaCivilDef' in html
    data = client.get(
        reverse("api:source-detail", kwargs={"public_id": source.public_id})
    ).json()
    assert (data["kind"], data["platform"], data["handle"], data["profile_url"]) == (
        "social_media",
        "x",
        "SyriaCivilDef",
        "https://x.com/SyriaCivilDef",
    )


def _export() -> str:
    out = io.StringIO()
    call_command("export_registry", "-", stdout=out)
    return out.getvalue()


def test_accounts_round_trip_and_a_bad_handle_is_refused_on_import(tmp_path):
    source = account()
    source.full_clean()
    source.save()
    first = _export()
    [record] = [json.loads(line) for line in first.splitlines() if '"source"' in line]
    assert (record["platform"], record["handle"]) == ("x", "SyriaCivilDef")
    path = tmp_path / "registry.jsonl"
    path.write_text(first, encoding="utf-8")
    Source.objects.all().delete()
    call_command("import_registry", str(path), stdout=io.StringIO())
    assert _export() == first

    Source.objects.all().delete()
    bad = first.replace('"handle":"SyriaCivilDef"', '"handle":"Syria Civil Def"')
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(CommandError, match=r"line 2.*handle.*1-15 letters"):
        call_command("import_registry", str(path), stdout=io.StringIO())
    path.write_text(first.replace('"platform":"x"', '"platform":"twitter"'))
    with pytest.raises(CommandError, match=r"line 2.*platform"):
        call_command("import_registry", str(path), stdout=io.StringIO())
    assert not Source.objects.exists()


@pytest.fixture
def plain_static_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


def test_an_editor_adds_an_account_in_the_admin(client, editor, plain_static_storage):
    client.force_login(editor)
    url = reverse("admin:registry_source_add")
    assert "Social-media account" in client.get(url).content.decode()
    data = {
        "name": "Syrian Ministry of Health on Facebook",
        "kind": "social_media",
        "platform": "facebook",
        "handle": "moh",
        "reliability": "C",
        "aliases-TOTAL_FORMS": "0",
        "aliases-INITIAL_FORMS": "0",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "5-50 letters, digits or dots" in refused.content.decode()
    assert client.post(url, {**data, "handle": "@Syria.MOH"}).status_code == 302
    assert Source.objects.get(platform="facebook").handle == "Syria.MOH"
    assert SourceFactory().platform == ""
