from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from api import views
from api.docs import SwaggerView

app_name = "api"

router = DefaultRouter()
router.register("issues", views.IssueViewSet, basename="issue")
router.register("notices", views.NoticeViewSet, basename="notice")
router.register("units", views.UnitViewSet, basename="unit")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("groups", views.GroupViewSet, basename="group")

urlpatterns = [
    path("search/", views.SearchView.as_view(), name="search"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
    path("<path:rest>/", views.NoSuchEndpoint.as_view()),  # last: what nothing above matched
]
