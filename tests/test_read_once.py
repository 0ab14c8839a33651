"""The lean public reads take one round trip to the database, not two: no
health-check SELECT 1 before the page, yet a connection the database dropped
is replaced and the read answered (selectors.public.read_once)."""

import psycopg
import pytest
from django.db import DatabaseError, OperationalError, connection, connections
from django.test import Client

from registry.models import PublicClaim
from registry.selectors import public
from registry.services.projection import projection_rebuild
from tests.api_support import make_claim

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def checked_connection():
    """A persistent connection with health checks on, as in production;
    counts the health checks (``is_usable``) it runs."""
    wrapper = connections["default"]
    wrapper.ensure_connection()
    saved = wrapper.health_check_enabled, wrapper.close_at
    wrapper.health_check_enabled = True
    wrapper.close_at = None  # kept between requests
    checks = []
    is_usable = type(wrapper).is_usable

    def counted(self):
        checks.append(1)
        return is_usable(self)

    type(wrapper).is_usable = counted
    try:
        yield checks
    finally:
        type(wrapper).is_usable = is_usable
        wrapper.health_check_enabled, wrapper.close_at = saved


def count_claims() -> int:
    return PublicClaim.objects.count()


def test_a_read_skips_the_health_check(checked_connection):
    connection.health_check_done = False  # a new request
    assert count_claims() == 0
    assert checked_connection == [1]  # Django's check, before the query

    connection.health_check_done = False  # the next request
    assert public.read_once(count_claims) == 0
    assert checked_connection == [1]  # none this time
    assert count_claims() == 0  # nor for the rest of the request
    assert checked_connection == [1]


def test_a_real_error_is_raised_once(checked_connection):
    calls = []

    def broken():
        calls.append(1)
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")

    connection.health_check_done = False
    with pytest.raises(DatabaseError):
        public.read_once(broken)
    assert calls == [1]  # the connection works: not run again


def _drop_connection():
    """Have the server end this connection, as a restart would."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.postgres
def test_a_dropped_connection_is_replaced(checked_connection):
    _drop_connection()
    connection.health_check_done = True  # as read_once leaves it
    with pytest.raises(OperationalError):
        count_claims()  # without read_once the read fails
    connection.close()

    connection.ensure_connection()
    _drop_connection()
    connection.health_check_done = False
    assert public.read_once(count_claims) == 0
    assert connection.is_usable()


@pytest.mark.postgres
def test_the_lean_list_answers_after_the_database_dropped_its_connection(
    checked_connection,
):
    make_claim()
    projection_rebuild()
    client = Client()
    assert client.get("/api/v1/claims/").status_code == 200
    checks = len(checked_connection)
    _drop_connection()
    response = client.get("/api/v1/claims/")
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == 1
    # One check: after the failed read, to tell a dropped connection from an
    # error; none on the request before it.
    assert len(checked_connection) == checks + 1
