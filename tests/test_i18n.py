"""Two languages: the public pages, the admin and the API's messages in
English and Spanish, chosen by the browser (Accept-Language) or by the
switcher (set_language); dates and numbers written as each language writes
them; the API's JSON the same in both."""

import re

import pytest
from django.test import Client
from django.utils import translation

from registry.models import Claim
from registry.selectors import public
from tests.projection_support import draft, published
from tests.public_site_support import build_site

pytestmark = pytest.mark.django_db

# "25 de noviembre de 2026": Django's Spanish DATE_FORMAT.
SPANISH_DATE = re.compile(
    r"\b\d{1,2} de (enero|febrero|marzo|abril|mayo|junio|julio|agosto"
    r"|septiembre|octubre|noviembre|diciembre) de \d{4}\b"
)
# "25 November 2026": the English pages' format (factcheck/formats/en).
ENGLISH_DATE = re.compile(
    r"\b\d{1,2} (January|February|March|April|May|June|July|August"
    r"|September|October|November|December) \d{4}\b"
)


@pytest.fixture(autouse=True)
def _english_afterwards():
    # LocaleMiddleware leaves the last request's language active in this
    # thread; the tests that follow expect the default.
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # Tests run with DEBUG off; the manifest storage would need collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture
def site(editor, reviewer):
    return build_site(editor, reviewer)


def spanish(path, **extra):
    return Client().get(path, HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9", **extra)


def test_home_page_follows_the_browsers_language(site):
    response = spanish("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Language"] == "es"
    assert '<html lang="es">' in html
    assert "Últimas afirmaciones publicadas" in html
    assert "Latest published claims" not in html
    assert "Buscar en afirmaciones y citas" in html  # the filter form's labels
    assert "Confianza 3: posiblemente cierta" in html
    assert "publicada el" in html
    assert SPANISH_DATE.search(html)
    assert not ENGLISH_DATE.search(html)
    # Data stays as published: statements are not translated.
    assert site.eight.statement in html
    # Shared caches keep one copy per language (browser's or switcher's).
    vary = response["Vary"]
    assert "Accept-Language" in vary and "Cookie" in vary


def test_unreadable_filters_are_explained_in_spanish():
    response = spanish("/?published_after=yesterday&kind=nonsense")
    assert response.status_code == 400
    html = response.content.decode()
    assert "No se han podido leer algunos filtros: corríjalos arriba." in html
    assert "Introduzca una fecha con el formato AAAA-MM-DD." in html
    assert "Escoja una opción válida." in html  # Django's own message, in Spanish


def test_english_stays_the_default_with_its_own_date_format(site):
    html = Client().get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Latest published claims" in html
    assert "Confidence 3: possibly true" in html
    assert ENGLISH_DATE.search(html)
    assert not SPANISH_DATE.search(html)


def test_the_switcher_sets_the_language_and_returns_to_the_page(site):
    path = f"/sources/{site.source.public_id}/"
    html = Client().get(path).content.decode()
    # The switcher on every public page: one button a language, no JavaScript.
    action = re.search(r'<form class="languages" action="([^"]+)"', html).group(1)
    assert action.startswith("/i18n/setlang/?next=")
    assert 'name="language" value="es" lang="es"' in html

    client = Client()
    response = client.post(action.replace("&amp;", "&"), {"language": "es"})
    assert response.status_code == 302
    assert response["Location"] == path
    html = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Fiabilidad" in html
    assert "B: normalmente fiable" in html
    assert "con sede en London" in html  # the place is data, kept as stored
    assert "Cifras a lo largo del tiempo" in html
    assert "Afirmaciones publicadas que la citan" in html

    client.post("/i18n/setlang/", {"language": "en", "next": path})
    assert "Reliability" in client.get(path).content.decode()


def test_claim_event_conflict_and_corrections_pages_in_spanish(site, editor, reviewer):
    big = published(
        editor, reviewer, event=site.event, value=1500, subject="civilians",
        originator=site.source, statement="1,500 civilians fled Al-Mazare.",
    )
    claim = spanish(f"/claims/{big.public_id}/").content.decode()
    assert "Confianza" in claim and "Fuentes" in claim and "Cifras" in claim
    # The interval's figure, grouped as Spanish writes it (a non-breaking space).
    assert "1\xa0500" in claim
    assert "(fiabilidad B)" in claim
    assert SPANISH_DATE.search(claim)
    english = Client().get(f"/claims/{big.public_id}/").content.decode()
    assert "1,500" in english

    retracted = spanish(f"/claims/{site.retracted.public_id}/").content.decode()
    assert ">Retirada<" in retracted
    assert "The camp was misidentified." in retracted  # the public note as written

    event = spanish(f"/events/{site.event.public_id}/").content.decode()
    assert "latitud 35,0160, longitud 40,4520" in event  # decimal comma
    assert "cifras de una misma cantidad</title>" in event  # the conflict picture
    assert "Al-Mazare, Deir Ezzor en " in event  # the map's title
    assert "Conflicto de cifras" in event
    assert re.search(r"\d+ afirmaciones publicadas", event)

    conflict = spanish(f"/conflicts/{site.conflict_id}/").content.decode()
    assert "Conflicto de cifras: muertos, soldiers" in conflict  # subject as stored
    assert "Abierto: aún sin resolver" in conflict
    assert "Donde coinciden las cifras" in conflict

    corrections = spanish("/corrections/").content.decode()
    assert "Una afirmación publicada nunca cambia sin aviso." in corrections
    assert re.search(r"(Retirada|Corregida) el <time", corrections)
    assert SPANISH_DATE.search(corrections)


def test_every_metric_of_the_vocabulary_has_words_in_both_languages():
    from registry.figures.vocabulary import METRICS
    from registry.templatetags.registry_public import metric_label

    for term in METRICS:
        with translation.override("en"):
            assert str(metric_label(term.code)) == term.label
        with translation.override("es"):
            assert str(metric_label(term.code)) != term.label, term.code


def test_missing_page_and_corrections_feed_in_spanish(site):
    response = spanish("/no-such-page/")
    assert response.status_code == 404
    assert "Página no encontrada" in response.content.decode()

    feed = spanish("/corrections/feed/").content.decode()
    assert 'xml:lang="es"' in feed
    assert ": correcciones</title>" in feed
    assert "Decía: " in feed


def test_api_json_is_the_same_in_both_languages(site):
    for path in (
        f"/api/v1/claims/{site.eight.public_id}/",
        "/api/v1/claims/",
        f"/api/v1/sources/{site.source.public_id}/",
    ):
        english = Client().get(path, HTTP_ACCEPT_LANGUAGE="en")
        assert spanish(path).content == english.content, path
    body = spanish(f"/api/v1/claims/{site.eight.public_id}/").json()
    assert body["confidence"]["label"] == "possibly true"
    assert body["state"] == "approved"


def test_public_labels_stay_english_when_a_spanish_reviewer_publishes(editor, reviewer):
    with translation.override("es"):
        claim = published(editor, reviewer, event=None, value=4)
    document = public.claim_document(public_id=claim.public_id, base="")
    assert document["confidence"]["label"] == "possibly true"
    citation = document["citations"][0]
    source = Client().get(
        f"/api/v1/sources/{citation['originator']['id']}/", HTTP_ACCEPT_LANGUAGE="es"
    ).json()
    assert source["reliability_label"].isascii()


def test_api_error_messages_follow_the_browsers_language(site):
    response = spanish("/api/v1/claims/?cursor=not-a-cursor")
    assert response.status_code == 400
    assert "Cursor no válido" in response.json()["detail"]
    assert spanish("/api/v1/claims/nope/").json() == {"detail": "No encontrado."}
    assert spanish("/api/v1/nothing-here/").json() == {"detail": "No encontrado."}
    assert Client().get("/api/v1/nothing-here/").json() == {"detail": "Not found."}


def test_admin_in_spanish_from_the_browser_and_the_switcher(editor, reviewer):
    claim = draft(editor, event=None, statement="Eight soldiers were killed.")
    from registry import services

    services.claim_submit(claim=claim, actor=editor)
    client = Client()
    client.force_login(reviewer)
    index = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Trabajo de revisión" in index
    assert "Pendientes de su revisión" in index
    assert "Cerrar sesión" in index  # Django's own admin catalog
    assert 'id="language-switcher"' in index

    history = client.get(
        f"/admin/registry/claim/{claim.pk}/history/", HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    assert "Citas y cifras" in history
    assert SPANISH_DATE.search(history)

    # The switcher (Django's set_language) outlasts the browser's language.
    response = client.post(
        "/i18n/setlang/", {"language": "es", "next": "/admin/"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    index = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Trabajo de revisión" in index
    changelist = client.get(
        "/admin/registry/claim/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "En revisión" in changelist  # the state's label
    assert "Aprobar las afirmaciones seleccionadas" in changelist  # a bulk action
    assert "En un conflicto de cifras abierto" in changelist  # a filter
    assert Claim.objects.get(pk=claim.pk).state == "in_review"  # data unchanged


def test_admin_login_page_offers_the_switcher():
    html = Client().get("/admin/login/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'id="language-switcher"' in html
    assert "Español" in html and "English" in html


def test_claim_page_and_its_scripts_in_spanish(editor, reviewer):
    """The claim page's review panel is in Spanish, and it loads the
    registry's JavaScript catalog, whose Spanish the desk's scripts show."""
    from django.urls import reverse

    from registry import services

    claim = draft(editor, event=None, statement="Eight soldiers were killed.")
    services.claim_submit(claim=claim, actor=editor)
    client = Client()
    client.force_login(reviewer)
    page = client.get(
        f"/admin/registry/claim/{claim.pk}/change/", HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    assert "Registro del flujo de trabajo" in page
    assert "Confirmar el rechazo" in page
    catalog_url = reverse("registry_jsi18n")
    assert f'<script src="{catalog_url}">' in page

    spanish_catalog = client.get(catalog_url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "La cita no aparece en el documento." in spanish_catalog
    english_catalog = client.get(catalog_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "La cita no aparece en el documento." not in english_catalog


def test_admin_model_and_field_names_in_spanish(reviewer):
    """The registry's model and field names are translated: the changelist's
    filters and column headers, and the admin index, read in Spanish."""
    client = Client()
    client.force_login(reviewer)
    changelist = client.get(
        "/admin/registry/claim/", HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    assert "Por estado" in changelist  # the state field's filter
    assert "Por state" not in changelist
    assert "Por kind" not in changelist
    assert "Por confianza sugerida" in changelist  # the admin's own filter
    assert "Por suggested confidence" not in changelist
    assert "Registro de verificación de datos" in changelist  # the app's name
    assert "afirmación" in changelist.lower()  # the model's name

    english = client.get(
        "/admin/registry/claim/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "By state" in english  # English unchanged


def test_workflow_refusals_reach_a_spanish_reviewer_in_spanish(
    editor, reviewer, second_reviewer
):
    """The workflow's refusals, with their actions and states, in the
    reviewer's language: on the claim page, after a button, in bulk."""
    from django.urls import reverse

    from registry import services
    from registry.services.confidence import claim_suggested_confidence

    waiting = draft(editor, event=None, statement="Eight soldiers were killed.")
    services.claim_submit(claim=waiting, actor=editor)
    still_draft = draft(editor, event=None, statement="Nine soldiers were killed.")
    client = Client()
    client.force_login(reviewer)
    client.post("/i18n/setlang/", {"language": "es", "next": "/admin/"})

    # A button whose rule refuses: the reason in Spanish, nothing changed.
    page = client.post(
        reverse("admin:registry_claim_transition", args=[waiting.pk, "reject"]),
        {"comment": " "},
        follow=True,
    ).content.decode()
    assert "Diga por qué se rechaza la afirmación: hace falta un comentario." in page
    # A transition the state forbids: action and states translated.
    page = client.post(
        reverse("admin:registry_claim_transition", args=[still_draft.pk, "approve"]),
        {"confidence": "3", "seen_version": services.claim_version(still_draft)},
        follow=True,
    ).content.decode()
    assert (
        "No se puede aprobar esta afirmación: su estado es «borrador», y una "
        "afirmación en estado «borrador» no puede pasar a «aprobada»."
    ) in page

    # Four eyes, as the page explains why approving is not offered.
    own = draft(reviewer, event=None, statement="Ten soldiers were killed.")
    services.claim_submit(claim=own, actor=reviewer)
    page = client.get(
        reverse("admin:registry_claim_change", args=[own.pk])
    ).content.decode()
    assert (
        "Usted envió esta afirmación a revisión, así que debe aprobarla otra "
        "persona (cuatro ojos)." in page
    )

    # In bulk: each refusal named, the count of those done.
    level = claim_suggested_confidence(waiting).level
    page = client.post(
        reverse("admin:registry_claim_changelist"),
        {
            "action": "approve_selected",
            "_selected_action": [waiting.pk, still_draft.pk],
            "confidence": str(level),
        },
        follow=True,
    ).content.decode()
    assert "Hecho «aprobar» en 1 afirmación." in page
    assert f"No se pudo aprobar «Nine soldiers were killed.» ({still_draft.public_id})" in page
    waiting.refresh_from_db()
    assert waiting.state == "approved"

    # The same refusal in English for an English reviewer.
    english = Client()
    english.force_login(second_reviewer)
    page = english.post(
        reverse("admin:registry_claim_transition", args=[still_draft.pk, "approve"]),
        {"confidence": "3", "seen_version": services.claim_version(still_draft)},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert (
        "Cannot approve this claim: it is draft, and a draft claim cannot "
        "become approved."
    ) in page


def test_refusals_follow_the_language_but_stored_causes_stay_english(editor):
    """A service's refusal is in the active language; what the registry
    writes down (a suggestion change's cause names the states) does not
    depend on the language of whoever caused it."""
    from registry import services
    from registry.services.workflow import _state_name

    with translation.override("es"):
        assert _state_name("in_review") == "in review"
        claim = draft(editor, event=None)
        services.claim_submit(claim=claim, actor=editor)
        with pytest.raises(services.WorkflowError) as refused:
            services.claim_submit(claim=claim, actor=editor)
    assert refused.value.messages == [
        "No se puede enviar a revisión esta afirmación: su estado es «en "
        "revisión», y una afirmación en estado «en revisión» no puede pasar a "
        "«en revisión»."
    ]
