from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from documents.sitemaps import SITEMAPS
from gazette_site import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("admin/", admin.site.urls),
    path("", include("projects.urls")),
    path("", include("documents.urls")),
]

handler404 = "gazette_site.views.page_not_found"
