"""Schemathesis against a live server (issue 12): real HTTP through the
whole middleware stack, every operation with generated input, and each case
sent again with the values that used to answer 500 (a well-formed cursor
with a bad position, far dates and offsets, a NUL byte, a huge number) in
every string parameter. Nothing may answer 5xx. Kept under about a minute."""

import json

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from rest_framework.throttling import AnonRateThrottle

from registry.choices import ClaimState
from registry.services.projection import projection_rebuild
from tests.api_support import make_claim, make_conflict, same_quantity_pair

pytestmark = pytest.mark.django_db(transaction=True)

NASTY = [
    "\x00",
    "a\x00b",
    "cD1hYmM=",  # base64 of "p=abc": a cursor with a bad position
    "cD0yMDIwLTAxLTAxKzAwJTNBMDA=",
    "0688-11-05T00:47:58+16:18",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-23:59",
    "9" * 30,
    "-1",
    "%",
    "\udcff",
]


def _schema():
    from drf_spectacular.generators import SchemaGenerator

    return schemathesis.openapi.from_dict(
        json.loads(json.dumps(SchemaGenerator().get_schema(public=True), default=str))
    )


schema = _schema()


@pytest.fixture
def live_registry(live_server, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": None})
    a, b = same_quantity_pair()
    make_conflict(a.figures.get(), b.figures.get())
    old = make_claim(ClaimState.SUPERSEDED)
    make_claim(corrects=old, citations=2, figures=2)
    make_claim(ClaimState.RETRACTED)
    make_claim(ClaimState.DRAFT)
    projection_rebuild()
    session = requests.Session()
    yield live_server.url, session
    session.close()


def _nasty_variants(case):
    """The case with each string parameter replaced by each nasty value."""
    for location in ("path_parameters", "query"):
        values = getattr(case, location) or {}
        for name in values:
            for nasty in NASTY:
                yield location, name, nasty


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_live_api_never_answers_a_server_error(case, live_registry):
    base, session = live_registry
    response = case.call(base_url=base, session=session)
    assert response.status_code < 500, case.as_curl_command()
    if response.status_code < 400:
        case.validate_response(
            response,
            excluded_checks=[
                schemathesis.checks.negative_data_rejection,
                schemathesis.checks.positive_data_acceptance,
            ],
        )
    # One sweep of the nasty values per operation is enough: hypothesis
    # replays the first example's shape, so do it on the first call only.
    seen = live_registry_sweeps.setdefault(case.operation.label, False)
    if seen:
        return
    live_registry_sweeps[case.operation.label] = True
    for location, name, nasty in _nasty_variants(case):
        original = getattr(case, location)[name]
        getattr(case, location)[name] = nasty
        try:
            answer = case.call(base_url=base, session=session)
        except ValueError:
            continue  # not sendable as a URL at all (requests refuses it)
        finally:
            getattr(case, location)[name] = original
        assert answer.status_code < 500, (location, name, repr(nasty))
        if answer.status_code == 400 and case.path.startswith("/api/"):
            # schemathesis keeps headers lower-cased, each as a list.
            content_type = answer.headers.get("content-type", [""])[0]
            assert "json" in content_type, (location, name, repr(nasty))
            assert json.loads(answer.text)  # a message, as detail or per field


live_registry_sweeps: dict[str, bool] = {}
