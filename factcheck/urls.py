from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import JavaScriptCatalog, set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from factcheck import health
from registry.api import views as api_views

# The admin's "View site" link: the public home page.
admin.site.site_url = "/"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # The language switcher (public pages and admin) posts here. Without a
    # CSRF token: the public pages stay cookie-free and cacheable, and the
    # most a forged post can do is change the visitor's display language.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    # The registry's own JavaScript strings (locale/*/djangojs.po), for the
    # admin's claim page scripts; the admin's catalog holds Django's only.
    path(
        "i18n/registry.js",
        JavaScriptCatalog.as_view(domain="djangojs", packages=["registry"]),
        name="registry_jsi18n",
    ),
    # Public API, its schema and docs.
    path("api/v1/", include("registry.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    re_path(r"^api/", api_views.not_found),
    # The public site: home, claims, sources, events, conflicts, corrections
    # (page and Atom feed), sitemap.
    path("", include("registry.web.urls")),
]

if settings.METRICS:
    # django-prometheus's exporter at /metrics (off unless METRICS=1).
    urlpatterns.append(path("", include("django_prometheus.urls")))
