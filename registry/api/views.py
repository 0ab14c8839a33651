"""Read-only, anonymous views over the public selectors. They decide nothing.

Claim lists, details, ClaimReview, conflicts and corrections are written
straight from the public projection's stored JSON: the serializers in
``serializers.py`` document those shapes for the OpenAPI schema (and the
schemathesis test checks every response against them), but no serializer
runs per row.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import ValidationError as FormValidationError
from django.db.models import F
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import renderers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound, ParseError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from registry.presentation import exports
from registry.presentation.claimreview import CONTEXT
from registry.presentation.claims import iso
from registry.selectors import public
from registry.services.projection import BASE_MARK

from . import filters, pagination, serializers

NOT_FOUND = {404: OpenApiResponse(serializers.ErrorSerializer, "Not found.")}
BAD_REQUEST = {400: OpenApiResponse(OpenApiTypes.OBJECT, "Invalid parameters.")}
JSON = "application/json"
JSONLD = "application/ld+json"


class JSONLDRenderer(renderers.JSONRenderer):
    media_type = JSONLD
    format = "jsonld"


def _base(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


class PublicMixin:
    """Anonymous, cacheable GETs; the same 404 for missing and unpublished."""

    authentication_classes = []
    permission_classes = [AllowAny]
    lookup_field = "public_id"
    lookup_value_regex = "[^/]+"

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            patch_cache_control(
                response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS
            )
        return response

    def get_object(self):
        try:
            return super().get_object()
        except Http404 as exc:
            raise NotFound(_("Not found.")) from exc


class _Anonymous:
    """What DRF's anonymous throttle reads of a request: no user (DRF's
    request has none here: no authentication), the client's address."""

    user = None

    def __init__(self, request):
        self.META = request.META
        self.headers = request.headers


def _accepts(request, renderer_classes) -> bool:
    """Whether DRF's content negotiation would pick one of these renderers
    for the request's Accept header (no header: yes)."""
    accept = request.META.get("HTTP_ACCEPT")
    if not accept:
        return True
    types = [renderer.media_type for renderer in renderer_classes]
    for part in accept.split(","):
        media = part.split(";", 1)[0].strip()
        if media == "*/*" or media in types:
            return True
        if media.endswith("/*") and any(t.startswith(media[:-1]) for t in types):
            return True
    return False


class LeanReads:
    """The hottest public reads answered without DRF's per-request machinery.

    A GET or HEAD whose action ``lean_actions`` names is answered by the
    method it names, from the plain Django request: throttled by the view's own throttles,
    headers as DRF and ``PublicMixin`` set them. Whatever is not a plain
    success (a bad parameter or cursor, a missing claim, a throttled client,
    an Accept header or ``?format=`` DRF would refuse) goes through the full
    DRF view instead, which answers it exactly as before; the throttle then
    does not count the request twice. Writes, OPTIONS and every other
    action always go through DRF.
    """

    lean_actions: dict[str, str] = {}  # action -> the method answering it
    _lean_counted = False

    def dispatch(self, request, *args, **kwargs):
        handler = self._lean_handler(request)
        if handler is not None:
            try:
                if self._lean_throttled(request):
                    raise _Fallback
                self._lean_counted = True
                # One round trip: no health-check SELECT 1 before the page.
                response = public.read_once(lambda: handler(request, *args, **kwargs))
            except (APIException, FormValidationError, _Fallback):
                pass  # DRF answers it, with its error shapes
            else:
                return self._lean_finalize(request, response)
        return super().dispatch(request, *args, **kwargs)

    def _lean_handler(self, request):
        if request.method not in ("GET", "HEAD") or "format" in request.GET:
            return None
        action_map = getattr(self, "action_map", None)
        name = action_map.get(request.method.lower()) if action_map else "get"
        if name not in self.lean_actions:
            return None
        if not _accepts(request, self.renderer_classes):
            return None
        return getattr(self, self.lean_actions[name])

    def _lean_throttled(self, request) -> bool:
        anonymous = _Anonymous(request)
        return not all(
            throttle.allow_request(anonymous, self) for throttle in self.get_throttles()
        )

    def get_throttles(self):
        # A request the lean path counted and handed over is not counted twice.
        return [] if self._lean_counted else super().get_throttles()

    def _lean_finalize(self, request, response):
        headers = self.default_response_headers
        vary = headers.pop("Vary", None)
        if vary is not None:
            patch_vary_headers(response, [vary])
        for key, value in headers.items():
            response[key] = value
        if response.status_code == 200:
            patch_cache_control(
                response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS
            )
        return response


class _Fallback(Exception):
    """The lean path hands this request to DRF."""


def _page(request, queryset, ordering, field: str) -> public.Page:
    try:
        return public.keyset_page(
            queryset,
            ordering=ordering,
            cursor=request.GET.get("cursor") or None,
            size=public.page_size(request.GET.get("page_size")),
            fields=(field,),
        )
    except public.BadCursor as exc:
        raise ParseError(str(exc)) from None


def _link(request, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    return replace_query_param(request.build_absolute_uri(), "cursor", cursor)


def _list_response(request, page: public.Page, items: list[str]) -> HttpResponse:
    body = (
        '{"next":'
        + json.dumps(_link(request, page.next_cursor))
        + ',"previous":'
        + json.dumps(_link(request, page.previous_cursor))
        + ',"results":['
        + ",".join(items)
        + "]}"
    )
    return HttpResponse(body, content_type=JSON)


def _stored_list_response(request, page: public.Page) -> HttpResponse:
    """A page of stored documents, their addresses made absolute at once
    (the links hold no BASE_MARK: the JSON encoder escapes it)."""
    body = _list_response(request, page, [text for (text,) in page.rows])
    body.content = body.content.replace(BASE_MARK.encode(), _base(request).encode())
    return body


def _claim_ordering(request) -> public.Ordering:
    name = request.GET.get("ordering") or "-published_at"
    ordering = public.CLAIM_ORDERINGS.get(name)
    if ordering is None:
        raise ParseError(
            _("Unknown ordering %(name)r: use one of %(names)s.")
            % {"name": name, "names": ", ".join(sorted(public.CLAIM_ORDERINGS))}
        )
    return ordering


ORDERING_PARAM = OpenApiParameter(
    "ordering",
    str,
    enum=sorted(public.CLAIM_ORDERINGS),
    description="Sort order (default -published_at, newest first).",
)


@extend_schema_view(
    list=extend_schema(
        summary="Published claims",
        description="Approved claims, and retracted or superseded ones with their "
        "public note and successor, each with its provenance.",
        parameters=[ORDERING_PARAM],
        responses={200: serializers.ClaimSerializer(many=True), **BAD_REQUEST},
    ),
    retrieve=extend_schema(
        summary="One published claim",
        responses={200: serializers.ClaimSerializer, **NOT_FOUND},
    ),
)
class ClaimViewSet(LeanReads, PublicMixin, viewsets.GenericViewSet):
    lean_actions = {
        "list": "lean_list",
        "retrieve": "retrieve",
        "claimreview": "claimreview",
    }
    serializer_class = serializers.ClaimSerializer
    pagination_class = pagination.PublicCursorPagination  # documents the page
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.ClaimFilter

    def get_queryset(self):
        return public.published_claims()

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        ordering = _claim_ordering(request)
        return _stored_list_response(
            request, _page(request, queryset, ordering, "body")
        )

    def lean_list(self, request, *args, **kwargs):
        params = filters.ClaimFilter.clean_query(request.GET)
        queryset = filters.filter_claims(self.get_queryset(), params)
        ordering = _claim_ordering(request)
        return _stored_list_response(
            request, _page(request, queryset, ordering, "body")
        )

    def retrieve(self, request, public_id=None, *args, **kwargs):
        body = public.claim_body(public_id=public_id, base=_base(request))
        if body is None:
            raise NotFound(_("Not found."))
        return HttpResponse(body, content_type=JSON)

    @extend_schema(
        summary="One claim as schema.org ClaimReview (JSON-LD)",
        responses={(200, JSONLD): OpenApiTypes.OBJECT, **NOT_FOUND},
    )
    @action(detail=True, renderer_classes=[JSONLDRenderer], filter_backends=[])
    def claimreview(self, request, public_id=None):
        text = public.claimreview_text(public_id=public_id, base=_base(request))
        if text is None:
            raise NotFound(_("Not found."))
        return HttpResponse(
            '{"@context":' + json.dumps(CONTEXT) + "," + text[1:],
            content_type=JSONLD,
        )


@extend_schema(
    summary="Feed of ClaimReviews (JSON-LD), newest first",
    description="Every published claim as schema.org ClaimReview, a page at a "
    "time, in an `@graph`; follow the `Link: rel=next` header for more.",
    parameters=[
        OpenApiParameter("cursor", str, description="The next page's cursor."),
        OpenApiParameter(
            "page_size", int, description="Items per page (1-100, default 20)."
        ),
    ],
    responses={(200, JSONLD): OpenApiTypes.OBJECT, **BAD_REQUEST},
)
class ClaimReviewFeedView(LeanReads, PublicMixin, APIView):
    lean_actions = {"get": "get"}
    renderer_classes = [JSONLDRenderer]

    def get(self, request):
        page = _page(
            request,
            public.published_claims(),
            public.CLAIM_ORDERINGS["-published_at"],
            "claimreview",
        )
        base = _base(request)
        response = HttpResponse(
            '{"@context":'
            + json.dumps(CONTEXT)
            + ',"@graph":['
            + ",".join(public.with_base(text, base) for (text,) in page.rows)
            + "]}",
            content_type=JSONLD,
        )
        links = [
            f'<{link}>; rel="{rel}"'
            for rel, link in (
                ("next", _link(request, page.next_cursor)),
                ("prev", _link(request, page.previous_cursor)),
            )
            if link
        ]
        if links:
            response["Link"] = ", ".join(links)
        return response


@extend_schema_view(
    list=extend_schema(
        summary="Sources cited by published claims",
        responses={200: serializers.SourceSerializer(many=True), **BAD_REQUEST},
    ),
    retrieve=extend_schema(
        summary="One source", responses={200: serializers.SourceSerializer, **NOT_FOUND}
    ),
)
class SourceViewSet(PublicMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.SourceSerializer
    pagination_class = pagination.CreatedCursorPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.SourceFilter

    def get_queryset(self):
        return public.public_sources()


@extend_schema_view(
    list=extend_schema(
        summary="Documents cited by published claims",
        responses={200: serializers.DocumentSerializer(many=True), **BAD_REQUEST},
    ),
    retrieve=extend_schema(
        summary="One document",
        responses={200: serializers.DocumentSerializer, **NOT_FOUND},
    ),
)
class DocumentViewSet(PublicMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.DocumentSerializer
    pagination_class = pagination.CreatedCursorPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.DocumentFilter

    def get_queryset(self):
        return public.public_documents()


@extend_schema_view(
    list=extend_schema(
        summary="Events with published claims",
        responses={200: serializers.EventSerializer(many=True), **BAD_REQUEST},
    ),
    retrieve=extend_schema(
        summary="One event", responses={200: serializers.EventSerializer, **NOT_FOUND}
    ),
)
class EventViewSet(PublicMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.EventSerializer
    pagination_class = pagination.CreatedCursorPagination

    def get_queryset(self):
        return public.public_events()


@extend_schema_view(
    list=extend_schema(
        summary="Conflicting figures between published claims",
        responses={200: serializers.ConflictSerializer(many=True), **BAD_REQUEST},
    ),
    retrieve=extend_schema(
        summary="One conflict",
        responses={200: serializers.ConflictSerializer, **NOT_FOUND},
    ),
)
class ConflictViewSet(PublicMixin, viewsets.GenericViewSet):
    serializer_class = serializers.ConflictSerializer
    pagination_class = pagination.PublicCursorPagination  # documents the page
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.ConflictFilter

    def get_queryset(self):
        return public.public_conflicts()

    def _document(self, request, quantity) -> str:
        data = public.conflict_document(quantity, _base(request))
        data["updated_at"] = iso(data["updated_at"])
        return json.dumps(data, ensure_ascii=False)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset()).annotate(
            public_id=F("conflict_public_id")
        )
        page = _page(request, queryset, public.CONFLICT_ORDERING, "pk")
        quantities = public.public_conflicts().in_bulk([pk for (pk,) in page.rows])
        return _list_response(
            request,
            page,
            [self._document(request, quantities[pk]) for (pk,) in page.rows],
        )

    def retrieve(self, request, public_id=None, *args, **kwargs):
        quantity = (
            public.public_conflicts().filter(conflict_public_id=public_id).first()
        )
        if quantity is None:
            raise NotFound(_("Not found."))
        return HttpResponse(self._document(request, quantity), content_type=JSON)


@extend_schema_view(
    list=extend_schema(
        summary="Corrections feed: every retraction and supersession, newest first",
        responses={200: serializers.CorrectionSerializer(many=True), **BAD_REQUEST},
    ),
)
class CorrectionViewSet(LeanReads, PublicMixin, viewsets.GenericViewSet):
    lean_actions = {"list": "list"}
    serializer_class = serializers.CorrectionSerializer
    pagination_class = pagination.PublicCursorPagination  # documents the page

    def get_queryset(self):
        return public.corrections()

    def list(self, request, *args, **kwargs):
        page = _page(
            request, self.get_queryset(), public.CORRECTION_ORDERING, "correction"
        )
        return _stored_list_response(request, page)


class CSVRenderer(renderers.BaseRenderer):
    """Lets content negotiation accept ``text/csv`` (and ``*/*``, or no
    Accept header) for the CSV exports; the views stream the body."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class JSONLinesRenderer(CSVRenderer):
    media_type = "application/jsonl"
    format = "jsonl"


class NDJSONRenderer(CSVRenderer):
    media_type = "application/x-ndjson"
    format = "ndjson"


class GeoJSONRenderer(CSVRenderer):
    media_type = "application/geo+json"
    format = "geojson"


BOM_PARAM = OpenApiParameter(
    "bom",
    bool,
    description="1: start with a UTF-8 byte-order mark, so that Excel reads "
    "accented letters right.",
)


class AcceptNegotiation(DefaultContentNegotiation):
    """Negotiates on the Accept header alone: an export has one format, so a
    ``?format=`` parameter is neither needed nor documented."""

    class settings:
        URL_FORMAT_OVERRIDE = None


class ExportSchema(AutoSchema):
    def _get_format_parameters(self):
        return []


class _ExportView(PublicMixin, APIView):
    content_negotiation_class = AcceptNegotiation
    schema = ExportSchema()
    content_type = ""
    filename = ""

    def stream(self, request, base: str):
        raise NotImplementedError

    def get(self, request):
        response = StreamingHttpResponse(
            self.stream(request, _base(request)), content_type=self.content_type
        )
        response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        patch_cache_control(
            response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS
        )
        return response


def _bom(request) -> bool:
    return request.GET.get("bom", "").lower() in ("1", "true", "yes")


class _CsvExportView(_ExportView):
    renderer_classes = [CSVRenderer]
    content_type = "text/csv; charset=utf-8"


class _JsonlExportView(_ExportView):
    renderer_classes = [JSONLinesRenderer, NDJSONRenderer, renderers.JSONRenderer]
    content_type = "application/jsonl; charset=utf-8"


@extend_schema(
    summary="Every published claim as CSV, one row per claim (streamed)",
    description="Columns in docs/exports.md and in `datapackage.json`. "
    + (exports.__doc__ or ""),
    parameters=[BOM_PARAM],
    responses={(200, "text/csv"): OpenApiTypes.STR},
)
class CsvExportView(_CsvExportView):
    filename = "claims.csv"

    def stream(self, request, base):
        return exports.iter_csv(base, bom=_bom(request))


@extend_schema(
    summary="Every published figure as CSV, one row per figure (streamed)",
    description="Tidy: one figure a row, with its quantity's consensus and "
    "ranges, its conflict, its event's dates and place; column names follow "
    "UCDP GED where the meaning is the same. Columns in docs/exports.md and in "
    "`datapackage.json`.",
    parameters=[BOM_PARAM],
    responses={(200, "text/csv"): OpenApiTypes.STR},
)
class FiguresCsvExportView(_CsvExportView):
    filename = "figures.csv"

    def stream(self, request, base):
        return exports.iter_figures_csv(base, bom=_bom(request))


@extend_schema(
    summary="Every published claim as JSON Lines (streamed)",
    description="One claim document a line, as `claims/{id}/` serves it.",
    responses={(200, "application/jsonl"): OpenApiTypes.STR},
)
class JsonlExportView(_JsonlExportView):
    filename = "claims.jsonl"

    def stream(self, request, base):
        return exports.iter_jsonl(base)


@extend_schema(
    summary="Every published figure as JSON Lines (streamed)",
    description="One `figures.csv` row a line, as a JSON object with typed "
    "values (null for empty).",
    responses={(200, "application/jsonl"): OpenApiTypes.STR},
)
class FiguresJsonlExportView(_JsonlExportView):
    filename = "figures.jsonl"

    def stream(self, request, base):
        return exports.iter_figures_jsonl(base)


@extend_schema(
    summary="Events with coordinates and their published figures (GeoJSON)",
    description="A FeatureCollection: one Point feature per event that has "
    "published claims and coordinates (longitude, latitude, WGS 84), with "
    "its dates, place precision and published figures.",
    responses={(200, "application/geo+json"): OpenApiTypes.OBJECT},
)
class EventsGeoJsonExportView(_ExportView):
    renderer_classes = [GeoJSONRenderer, renderers.JSONRenderer]
    content_type = "application/geo+json"
    filename = "events.geojson"

    def stream(self, request, base):
        return exports.iter_events_geojson(base)


@extend_schema(
    summary="Frictionless Data Package describing every export",
    description="Each export's address, format and Table Schema (field "
    "names, types and descriptions), the licence, the registry's name and "
    "address and when the data last changed; loads in pandas, R, Datasette "
    "and the frictionless tools.",
    responses={(200, JSON): OpenApiTypes.OBJECT},
)
class DataPackageView(PublicMixin, APIView):
    content_negotiation_class = AcceptNegotiation
    renderer_classes = [renderers.JSONRenderer]

    def get(self, request):
        from registry.presentation.datapackage import data_package

        return JsonResponse(
            data_package(_base(request)), json_dumps_params={"ensure_ascii": False}
        )


def not_found(request, *args, **kwargs):
    """JSON 404 for any unknown address under /api/."""
    return JsonResponse({"detail": _("Not found.")}, status=404)
