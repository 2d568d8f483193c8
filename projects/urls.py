from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="project_list"),
    path("projects/export.csv", views.project_csv, name="project_csv"),
    path("tasks/", views.TaskListView.as_view(), name="task_list"),
]
