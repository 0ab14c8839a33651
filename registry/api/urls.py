from django.urls import path
from rest_framework.routers import SimpleRouter

from registry.api import schemas, views

app_name = "api"

router = SimpleRouter(trailing_slash=True)
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("sources", views.SourceViewSet, basename="source")
router.register("documents", views.DocumentViewSet, basename="document")
router.register("events", views.EventViewSet, basename="event")
router.register("conflicts", views.ConflictViewSet, basename="conflict")
router.register("corrections", views.CorrectionViewSet, basename="correction")

urlpatterns = [
    path(
        "claimreview/",
        views.ClaimReviewFeedView.as_view(),
        name="claimreview-feed",
    ),
    path("exports/claims.csv", views.CsvExportView.as_view(), name="export-csv"),
    path("exports/claims.jsonl", views.JsonlExportView.as_view(), name="export-jsonl"),
    path(
        "exports/figures.csv",
        views.FiguresCsvExportView.as_view(),
        name="export-figures-csv",
    ),
    path(
        "exports/figures.jsonl",
        views.FiguresJsonlExportView.as_view(),
        name="export-figures-jsonl",
    ),
    path(
        "exports/events.geojson",
        views.EventsGeoJsonExportView.as_view(),
        name="export-events-geojson",
    ),
    path(
        "exports/datapackage.json",
        views.DataPackageView.as_view(),
        name="export-datapackage",
    ),
    path("schemas/import.json", schemas.import_schema, name="schema-import"),
    *router.urls,
]
