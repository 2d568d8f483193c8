from django.urls import path

from opendata import views

app_name = "opendata"

urlpatterns = [
    path("data/", views.DataView.as_view(), name="data"),
    path("data/<str:name>", views.download, name="download"),
    path("alerts/new/", views.subscribe, name="subscribe"),
    path("alerts/confirm/<str:token>/", views.confirm, name="confirm"),
    path("alerts/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
