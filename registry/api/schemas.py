"""The import file's JSON Schema at a stable address.

A plain Django view, not a DRF one: it serves a static document (the file in
``docs/``) and is no part of the OpenAPI schema of the read API.
"""

import hashlib

from django.http import HttpResponse
from django.utils.http import quote_etag
from django.views.decorators.http import require_safe

from registry.services.import_schema import schema_bytes


@require_safe
def import_schema(request):
    body = schema_bytes()
    response = HttpResponse(body, content_type="application/schema+json")
    response["Cache-Control"] = "public, max-age=3600"
    response["Access-Control-Allow-Origin"] = "*"
    response["ETag"] = quote_etag(hashlib.sha256(body).hexdigest()[:32])
    return response
