import os
from pathlib import Path

from django.http import HttpResponse
from django.urls import path

from factcheck.urls import urlpatterns as registry_urlpatterns

_PAGE: bytes | None = None


def bare_page(request):
    """The ceiling: an already-serialised claim page, through the same stack."""
    global _PAGE
    if _PAGE is None:
        _PAGE = Path(os.environ["BENCH_BARE_FILE"]).read_bytes()
    return HttpResponse(_PAGE, content_type="application/json")


urlpatterns = [path("bench/bare/", bare_page), *registry_urlpatterns]
