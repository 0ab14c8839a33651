"""Read-only, anonymous views over the selectors. They decide nothing."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.utils.cache import patch_cache_control
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import renderers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from registry import claimreview, exports, selectors

from . import filters, pagination, serializers
from .representation import Urls

NOT_FOUND = {404: OpenApiResponse(serializers.ErrorSerializer, "Not found.")}
BAD_REQUEST = {400: OpenApiResponse(OpenApiTypes.OBJECT, "Invalid parameters.")}


class JSONLDRenderer(renderers.JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


def _urls(request) -> Urls:
    return Urls(request.build_absolute_uri("/"))


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
            raise NotFound("Not found.") from exc


ORDERING_PARAM = OpenApiParameter(
    "ordering",
    str,
    enum=[
        "published_at",
        "-published_at",
        "updated_at",
        "-updated_at",
        "confidence",
        "-confidence",
    ],
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
class ClaimViewSet(PublicMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.ClaimSerializer
    pagination_class = pagination.PublicCursorPagination
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = filters.ClaimFilter
    ordering_fields = ["published_at", "updated_at", "confidence"]
    ordering = ["-published_at"]

    def get_queryset(self):
        return selectors.published_claims()

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        selectors.attach_claim_context(page)
        data = self.get_serializer(page, many=True).data
        return self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        claim = self.get_object()
        selectors.attach_claim_context([claim])
        return Response(self.get_serializer(claim).data)

    @extend_schema(
        summary="One claim as schema.org ClaimReview (JSON-LD)",
        responses={(200, "application/ld+json"): OpenApiTypes.OBJECT, **NOT_FOUND},
    )
    @action(
        detail=True,
        renderer_classes=[JSONLDRenderer],
        filter_backends=[],
    )
    def claimreview(self, request, public_id=None):
        claim = self.get_object()
        urls = _urls(request)
        return Response(
            claimreview.claim_review(claim, permalink=urls.permalink(claim.public_id))
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
    responses={(200, "application/ld+json"): OpenApiTypes.OBJECT, **BAD_REQUEST},
)
class ClaimReviewFeedView(PublicMixin, APIView):
    renderer_classes = [JSONLDRenderer]

    def get(self, request):
        paginator = pagination.PublicCursorPagination()
        page = paginator.paginate_queryset(
            selectors.published_claims().order_by("-published_at"), request, self
        )
        urls = _urls(request)
        response = Response(
            claimreview.claim_review_feed(page, permalink=urls.permalink)
        )
        links = [
            f'<{link}>; rel="{rel}"'
            for rel, link in (
                ("next", paginator.get_next_link()),
                ("prev", paginator.get_previous_link()),
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
        return selectors.public_sources()


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
        return selectors.public_documents()


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
        return selectors.public_events()


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
class ConflictViewSet(PublicMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.ConflictSerializer
    pagination_class = pagination.CreatedCursorPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.ConflictFilter

    def get_queryset(self):
        return selectors.published_conflicts()


@extend_schema_view(
    list=extend_schema(
        summary="Corrections feed: every retraction and supersession, newest first",
        responses={200: serializers.CorrectionSerializer(many=True), **BAD_REQUEST},
    ),
)
class CorrectionViewSet(PublicMixin, viewsets.GenericViewSet):
    serializer_class = serializers.CorrectionSerializer
    pagination_class = pagination.CorrectionCursorPagination

    def get_queryset(self):
        return selectors.corrections()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        data = self.get_serializer(page, many=True).data
        return self.get_paginated_response(data)


class _ExportView(PublicMixin, APIView):
    content_type = ""
    filename = ""

    def stream(self, urls):
        raise NotImplementedError

    def get(self, request):
        response = StreamingHttpResponse(
            self.stream(_urls(request)), content_type=self.content_type
        )
        response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        patch_cache_control(
            response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS
        )
        return response


@extend_schema(
    summary="Every published claim as CSV (streamed)",
    description="One row per claim; citation columns are ` | `-separated in "
    "the same order. " + (exports.__doc__ or ""),
    responses={(200, "text/csv"): OpenApiTypes.STR},
)
class CsvExportView(_ExportView):
    content_type = "text/csv; charset=utf-8"
    filename = "claims.csv"

    def stream(self, urls):
        return exports.iter_csv(urls)


@extend_schema(
    summary="Every published claim as JSON Lines (streamed)",
    description="One claim object a line, as in `claims/` without conflicts.",
    responses={(200, "application/jsonl"): OpenApiTypes.STR},
)
class JsonlExportView(_ExportView):
    content_type = "application/jsonl; charset=utf-8"
    filename = "claims.jsonl"

    def stream(self, urls):
        return exports.iter_jsonl(urls)


def not_found(request, *args, **kwargs):
    """JSON 404 for any unknown address under /api/."""
    return JsonResponse({"detail": "Not found."}, status=404)
