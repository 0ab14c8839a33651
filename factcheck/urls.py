from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from registry.api import views as api_views
from registry.web import views as views_public

urlpatterns = [
    path("admin/", admin.site.urls),
    # Public API, its schema and docs, and the claims' permalink pages.
    path("api/v1/", include("registry.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    re_path(r"^api/", api_views.not_found),
    path(
        "claims/<str:public_id>/",
        views_public.claim_permalink,
        name="claim-permalink",
    ),
]
