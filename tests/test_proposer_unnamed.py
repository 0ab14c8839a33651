"""The proposer names an unnamed originator by its description
(``attributed_to``: "a military source", "local activists", "fuentes
médicas"), never as a source to create, with the named source it came
through as its relay. Every sentence below is real reporting, quoted from
the page given beside it."""

import pytest

from registry.proposer import KnownSource, propose

AFP = KnownSource("afp", "Agence France-Presse", "agency", ["AFP"])
SOHR = KnownSource(
    "sohr",
    "Syrian Observatory for Human Rights",
    "monitor",
    ["SOHR", "the Observatory", "the watchdog"],
)
# A source registered with a generic alias: "activists" must not name it.
COLLECTIVE = KnownSource("collective", "Activists Collective", "group", ["activists"])
SOURCES = [AFP, SOHR, COLLECTIVE]

CASES = [
    (
        "https://www.reuters.com/article/us-iraq-security/"
        "iraq-hospital-bombing-kills-14-idUSKBN0EF27E20140604",
        "en",
        "A car bomb exploded near a hospital in the southern Iraqi city of Hilla "
        "late on Wednesday, killing at least 14 people, police and medical sources "
        "said.",
        "police and medical sources",
        [],
    ),
    (
        "https://business-standard.com/article/pti-stories/"
        "group-syrian-regime-shelling-kills-11-in-south-113101300397_1.html",
        "en",
        "Tank shells fired by Syrian government forces slammed into a building in a "
        "southern city, killing at least 11 people there, including women and "
        "children, activists said today.",
        "activists",
        [],
    ),
    (
        "https://www.theguardian.com/world/2012/jun/16/syrian-shelling-kills-damascus-residents",
        "en",
        "At least 12 people have been killed by shelling in the Syrian capital of "
        "Damascus, anti-government activists have said.",
        "anti-government activists",
        [],
    ),
    (
        "http://camillusblog.blogspot.com/2007/07/iraqis-say-civilians-killed-in.html",
        "en",
        "But witnesses in Husseiniya, about 20 miles north of Baghdad, said U.S. "
        "helicopters attacked three houses in a four-hour period, killing at least "
        "18 people, including women and children.",
        "witnesses in Husseiniya",
        [],
    ),
    (
        "http://camillusblog.blogspot.com/2007/07/iraqis-say-civilians-killed-in.html",
        "en",
        "A U.S. missile attack Saturday on insurgents in a town north of the capital "
        "left six insurgents dead and five wounded, officials said.",
        "officials",
        [],
    ),
    (
        "https://updates4696.rssing.com/chan-13436333/article2881.html",
        "en",
        "Citing activists inside the town north of Damascus, the watchdog said the "
        "bodies of the civilians were found in Nabuk's Al-Fatah district.",
        "activists inside the town north of Damascus",
        ["sohr"],
    ),
    (
        "https://en.prothomalo.com/international/india/c4prxeh0vq",
        "en",
        "\u201cAt least 15 people\u201d were killed, a doctor at a hospital tending to "
        "survivors told AFP, speaking on condition of anonymity as they were not "
        "authorised to talk to media.",
        "a doctor at a hospital tending to survivors",
        ["afp"],
    ),
    (
        "https://www.sterlingcooper.info/blog/"
        "india-religious-festival-for-100-million-people-kills-sleeping-festival-goers/",
        "en",
        "At least 40 people are dead, and several more injured, according to a "
        "police official.",
        "a police official",
        [],
    ),
    (
        "https://abc.com.py/internacionales/mas-muertes-en-venezuela-1789652.html",
        "es",
        "Cinco heridos de bala en los choques con las fuerzas de seguridad en esa "
        "localidad fueron trasladados en dos ambulancias desde Venezuela a Brasil, "
        "según fuentes oficiales brasileñas, y a pesar del cierre fronterizo.",
        "fuentes oficiales brasileñas",
        [],
    ),
    (
        "https://www.elmundo.es/internacional/2019/11/16/5dcf402c21efa0db538b46f5.html",
        "es",
        "Al menos cinco personas murieron, al parecer manifestantes de grupos "
        "cocaleros, y 22 resultaron heridas en disturbios cerca de la ciudad "
        "boliviana de Cochabamba, donde se registraron graves choques con la Policía "
        "y las Fuerzas Armadas de Bolivia, informó una fuente oficial.",
        "una fuente oficial",
        [],
    ),
    (
        "https://sr490.com/al-menos-70-soldados-nigerianos-mueren-en-un-ataque-"
        "yihadista-informan-fuentes-militares",
        "es",
        "Al menos 70 soldados murieron cuando su convoy fue atacado en el noreste de "
        "Nigeria, región donde actúa el grupo yihadista Estado Islámico de África del "
        "Oeste (ISWAP, según sus siglas en inglés), informaron fuentes militares el "
        "martes.",
        "fuentes militares",
        [],
    ),
    (
        "https://sr490.com/al-menos-70-soldados-nigerianos-mueren-en-un-ataque-"
        "yihadista-informan-fuentes-militares",
        "es",
        "\u00abLos \u2018terroristas\u2019 tomaron por blanco un camión cargado de "
        "cohetes y munición y prendieron fuego al vehículo\u00bb, informó otra fuente "
        "militar, añadiendo que por ahora habían sido recuperados 70 cadáveres, pero "
        "el saldo final de víctimas \u00abpodría ser mucho más grave\u00bb.",
        "otra fuente militar",
        [],
    ),
    (
        "https://www.primerahora.com/noticias/mundo/nota/"
        "cincomuertosenataquedepresuntamiliciaislamicaenfilipinas-1350097/",
        "es",
        "Presuntos milicianos islámicos atacaron un campamento militar en el sur de "
        "Filipinas el viernes, donde mataron a tres soldados y dos civiles, "
        "informaron fuentes militares.",
        "fuentes militares",
        [],
    ),
    (
        "https://elvalledigital.com/2020/10/veintres-muertos-de-ellos-12-civiles-en.html",
        "es",
        "Los civiles viajaban en un bus que se dirigía a un mercado en la ciudad de "
        "Bankass y \u00abseguía el convoy militar enviado para reforzar un puesto de "
        "avanzada del ejército\u00bb que había sido atacado en la madrugada del "
        "martes, precisó una fuente policial.",
        "una fuente policial",
        [],
    ),
    (
        "https://eltiempo.com.ve/2019/11/15/reportaron-muertes-durante-protestas-en-bolivia/",
        "es",
        "Manifestantes de Bolivia dicen que varias personas murieron cuando las "
        "fuerzas de seguridad dispararon contra una protesta, pero el gobierno "
        "interino y funcionarios de seguridad no han confirmado el reporte.",
        "Manifestantes de Bolivia",
        [],
    ),
]


@pytest.mark.parametrize(
    "url, language, sentence, described, relays",
    CASES,
    ids=[f"{n}-{case[1]}" for n, case in enumerate(CASES, start=1)],
)
def test_an_unnamed_originator_is_proposed_by_its_description(
    url, language, sentence, described, relays
):
    (proposal,) = propose(sentence, language, sources=SOURCES)
    assert proposal.attributed_to == described, url
    assert proposal.originator is None
    # Never offered as a source to create: that made-up source would then
    # stand for every "military source" everywhere.
    assert proposal.suggested_source is None
    assert [r["source"] for r in proposal.relays] == relays
    assert proposal.as_dict()["attributed_to"] == described


def test_the_description_carries_over_to_what_the_same_sources_said_next():
    # Reuters, Hilla, 4 June 2014 (the first case's page).
    text = (
        "A car bomb exploded near a hospital in the southern Iraqi city of Hilla "
        "late on Wednesday, killing at least 14 people, police and medical sources "
        "said. A further 58 people were wounded in the blast, and houses nearby "
        "were severely damaged, the sources said."
    )
    first, second = propose(text, "en", sources=SOURCES)
    assert second.attributed_to == first.attributed_to == "police and medical sources"
    assert second.statement == (
        "Reported by police and medical sources: 58 people injured."
    )


def test_a_named_source_is_still_named_and_never_described():
    text = (
        "At least 17 people, including children, have been killed by regime forces "
        "in a shelter in the town of Nabuk, the Syrian Observatory for Human Rights "
        "said on Friday."
    )
    (proposal,) = propose(text, "en", sources=SOURCES)
    assert (proposal.originator, proposal.attributed_to) == ("sohr", "")
    named_group = propose(
        "Nine people were killed, SOHR activists said.", "en", sources=SOURCES
    )[0]
    assert (named_group.originator, named_group.attributed_to) == ("sohr", "")


def test_an_agency_citing_its_own_correspondent_speaks_for_itself():
    text = (
        "Citing its correspondent, the watchdog said that 28 civilians were killed "
        "in a bombing."
    )
    (proposal,) = propose(text, "en", sources=SOURCES)
    assert (proposal.originator, proposal.attributed_to) == ("sohr", "")


def test_the_admin_offer_shows_the_description_as_who_said_it():
    from registry.selectors.proposals import _offer

    sentence = CASES[1][2]
    offer = _offer(propose(sentence, "en", sources=SOURCES)[0])
    assert (offer.originator, offer.attributed_to) == ("", "activists")
    assert offer.originator_label == "activists"


@pytest.fixture
def reuters_hilla(db, settings):
    from tests.factories import DocumentFactory

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    return DocumentFactory(title="Iraq hospital bombing kills 14", text=CASES[0][2])


def _accept(client, document, item):
    import json

    from django.urls import reverse

    return client.post(
        reverse("admin:registry_document_proposals_accept", args=[document.pk]),
        data=json.dumps({"proposals": [item]}),
        content_type="application/json",
    )


def test_accepting_an_unnamed_offer_cites_its_description_not_a_source(
    client, editor, reuters_hilla
):
    from django.urls import reverse

    from registry.models import Claim, Source

    client.force_login(editor)
    listed = client.get(
        reverse("admin:registry_document_proposals", args=[reuters_hilla.pk])
    )
    (offer,) = listed.json()["proposals"]
    assert offer["attributed_to"] == "police and medical sources"
    sources_before = Source.objects.count()
    item = {
        **offer,
        "originator": "",
        "statement": "Police and medical sources report at least 14 killed.",
        "figures": [f for f in offer["figures"] if f["include"]],
    }
    response = _accept(client, reuters_hilla, item)
    assert response.status_code == 200, response.content
    claim = Claim.objects.get(public_id=response.json()["results"][0]["claim"]["public_id"])
    citation = claim.citations.get()
    assert citation.originator is None
    assert citation.attributed_to == "police and medical sources"
    assert Source.objects.count() == sources_before  # no made-up source


def test_accepting_with_neither_a_source_nor_a_description_is_refused(
    client, editor, reuters_hilla
):
    from django.urls import reverse

    client.force_login(editor)
    listed = client.get(
        reverse("admin:registry_document_proposals", args=[reuters_hilla.pk])
    )
    (offer,) = listed.json()["proposals"]
    item = {**offer, "originator": "", "attributed_to": "", "statement": "x"}
    response = _accept(client, reuters_hilla, item)
    assert response.status_code == 400
    assert "Name who made the statement." in response.json()["results"][0]["errors"][0]
    both = {**offer, "originator": "Reuters", "statement": "x"}
    response = _accept(client, reuters_hilla, both)
    assert response.status_code == 400
    assert "not both" in " ".join(response.json()["results"][0]["errors"])
