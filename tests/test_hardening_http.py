"""Issue 12, the API and the pages: no 500 from a NUL byte, a huge id or a
bad figure id, and a throttle that a forged X-Forwarded-For cannot dodge."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.throttling import AnonRateThrottle

from registry.choices import ClaimState
from tests.api_support import make_claim, make_conflict, same_quantity_pair

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("projection_follows_rows")]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


# ------------------------------------------------------------- NUL bytes


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/claims/%00/",
        "/api/v1/sources/%00/",
        "/api/v1/documents/a%00b/",
        "/api/v1/events/%00/",
        "/api/v1/conflicts/%00/",
        "/api/v1/claims/%00/claimreview/",
        "/api/v1/claims/?q=%00",
        "/api/v1/claims/?cursor=%00",
        "/api/v1/claims/?published_after=2020-01-01%00",
        "/api/v1/sources/?q=x&ordering=%00name",
    ],
)
def test_nul_byte_in_an_api_address_is_a_json_400(url):
    response = Client().get(url)
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


@pytest.mark.parametrize(
    "url", ["/claims/%00/", "/claims/abc/?x=%00", "/admin/registry/claim/?source=%00"]
)
def test_nul_byte_elsewhere_is_a_plain_400(url):
    response = Client().get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert b"NUL" in response.content


def test_nul_byte_in_an_admin_filter_is_a_400_for_a_signed_in_reviewer(
    client, reviewer
):
    client.force_login(reviewer)
    for name in ("source", "event", "document"):
        response = client.get(f"/admin/registry/claim/?{name}=a%00b")
        assert response.status_code == 400, name


def test_an_ordinary_address_is_let_through():
    claim = make_claim()
    assert Client().get(f"/api/v1/claims/{claim.public_id}/").status_code == 200


# ----------------------------------------------------------- admin inputs


def test_huge_id_in_the_claim_history_address_is_a_404(client, reviewer):
    client.force_login(reviewer)
    for object_id in ("99999999999999999999999999", "-1", "0"):
        url = f"/admin/registry/claim/{object_id}/history/"
        assert client.get(url).status_code == 404, object_id


def test_huge_id_in_the_claim_change_address_is_not_a_500(client, reviewer):
    client.force_login(reviewer)
    response = client.get("/admin/registry/claim/99999999999999999999999999/change/")
    assert response.status_code in (302, 404)


def test_settle_with_a_non_numeric_figure_is_refused_with_a_message(
    client, reviewer
):
    a, b = same_quantity_pair()
    conflict = make_conflict(a.figures.get(), b.figures.get())
    client.force_login(reviewer)
    url = reverse("admin:registry_conflict_settle", args=[conflict.pk])
    response = client.post(
        url, {"preferred_figure": "abc", "rationale": "x"}, follow=True
    )
    assert response.status_code == 200
    assert "Choose the preferred figure" in response.content.decode()
    conflict.refresh_from_db()
    assert conflict.status == "open"


def test_settle_of_a_huge_conflict_id_is_a_404(client, reviewer):
    client.force_login(reviewer)
    response = client.post("/admin/registry/conflict/99999999999999999999999/settle/")
    assert response.status_code == 404


# --------------------------------------------------------------- throttle


@pytest.fixture
def three_a_minute(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})


def test_a_forged_forwarded_for_does_not_reset_the_api_throttle(three_a_minute):
    client = Client()
    codes = [
        client.get(
            "/api/v1/claims/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
        ).status_code
        for n in range(6)
    ]
    assert codes == [200, 200, 200, 429, 429, 429]


def test_forwarded_for_is_believed_from_the_configured_proxies(
    three_a_minute, settings
):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    client = Client()
    for n in range(3):
        # Behind one proxy of ours, each client is its own address.
        headers = {"HTTP_X_FORWARDED_FOR": f"198.51.100.{n}"}
        codes = [client.get("/api/v1/claims/", **headers).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
    # A client's own forged entry is before the one our proxy appended.
    forged = {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 198.51.100.0"}
    assert client.get("/api/v1/claims/", **forged).status_code == 429


def test_num_proxies_comes_from_the_environment():
    from tests.test_settings import run

    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='factcheck.settings';"
        "django.setup(); from django.conf import settings;"
        "print(settings.REST_FRAMEWORK['NUM_PROXIES'])"
    )
    assert run("-c", code, DEBUG="1").stdout.split()[-1] == "0"
    assert run("-c", code, DEBUG="1", NUM_PROXIES="2").stdout.split()[-1] == "2"


def test_permalink_pages_are_throttled_at_the_anonymous_rate(three_a_minute):
    claim = make_claim(ClaimState.APPROVED)
    client = Client()
    url = f"/claims/{claim.public_id}/"
    codes = [
        client.get(url, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]
    assert "Retry-After" in client.get(url)


def test_signed_in_users_are_not_throttled_on_pages(three_a_minute, reviewer):
    claim = make_claim(ClaimState.APPROVED)
    client = Client()
    client.force_login(reviewer)
    url = f"/claims/{claim.public_id}/"
    assert {client.get(url).status_code for _ in range(5)} == {200}
