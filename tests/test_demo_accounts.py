import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def sign_in(username, password):
    # django-axes counts sign-ins per address, so it needs the request.
    request = RequestFactory().post("/admin/login/")
    return authenticate(request, username=username, password=password)


def test_demo_accounts_are_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs with DEBUG on"):
        call_command("demo_accounts")
    assert not get_user_model().objects.exists()


def test_demo_accounts_are_made_once_with_printed_random_passwords(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    lines = out.getvalue().splitlines()
    passwords = {
        line.split("'")[1]: line.split("'")[3] for line in lines if "password" in line
    }
    assert set(passwords) == {"editor", "reviewer"}
    assert passwords["editor"] != passwords["reviewer"]
    editor = sign_in("editor", passwords["editor"])
    reviewer = sign_in("reviewer", passwords["reviewer"])
    assert editor.is_staff and not editor.is_superuser
    assert not editor.has_perm("registry.review_claim")
    assert reviewer.has_perm("registry.review_claim")

    again = io.StringIO()
    call_command("demo_accounts", stdout=again)
    assert "exists already" in again.getvalue()
    assert passwords["editor"] not in again.getvalue()
    assert sign_in("editor", passwords["editor"]) is not None
    assert get_user_model().objects.count() == 2
