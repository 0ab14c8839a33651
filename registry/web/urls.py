"""The public site's pages (server-rendered, from the public projection)."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from registry.web import views
from registry.web.feeds import CorrectionsFeed
from registry.web.sitemaps import SITEMAPS

urlpatterns = [
    path("", views.home, name="public-home"),
    path("claims/<str:public_id>/", views.claim_permalink, name="claim-permalink"),
    path("sources/<str:public_id>/", views.source_page, name="public-source"),
    path("events/<str:public_id>/", views.event_page, name="public-event"),
    path("conflicts/<str:public_id>/", views.conflict_page, name="public-conflict"),
    path("corrections/", views.corrections_page, name="public-corrections"),
    path("corrections/feed/", CorrectionsFeed(), name="public-corrections-feed"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
]
