from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import RedirectView

from documents.sitemaps import SITEMAPS
from gazette_site import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # Browsers and feed readers ask for /favicon.ico whatever a page links: the icon, under the
    # static name that does not change with its content.
    path(
        "favicon.ico",
        RedirectView.as_view(url=f"{settings.STATIC_URL}icons/favicon.ico", permanent=True),
        name="favicon",
    ),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("", include("opendata.urls")),
    path("", include("projects.urls")),
    path("", include("documents.urls")),
]

handler404 = "gazette_site.views.page_not_found"
