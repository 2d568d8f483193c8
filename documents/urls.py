from django.urls import path

from documents import views
from documents.feeds import (
    LatestNoticesAtomFeed,
    LatestNoticesFeed,
    SearchAtomFeed,
    SearchFeed,
    UnitAtomFeed,
    UnitFeed,
)

app_name = "documents"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("issues/", views.IssueArchiveView.as_view(), name="issue_archive"),
    path("issues/<int:year>/", views.IssueYearView.as_view(), name="issue_year"),
    path("issues/<int:year>/index.csv", views.issue_year_csv, name="issue_year_csv"),
    path("issues/<int:year>/<int:number>/", views.IssueDetailView.as_view(), name="issue_detail"),
    path("issues/<int:year>/<int:number>/pdf/", views.issue_pdf, name="issue_pdf"),
    path("notices/<int:pk>/", views.NoticeDetailView.as_view(), name="notice_detail"),
    path("notices/<int:pk>/pdf/", views.notice_pdf, name="notice_pdf"),
    path(
        "notices/<int:pk>/tables/<int:order>.csv",
        views.table_csv,
        name="notice_table_csv",
    ),
    # Before the number's own route, whose <path:> would take the anchor as part of the number.
    path(
        "d/<path:number>/<str:anchor>/",
        views.doc_number_anchor_redirect,
        name="doc_number_anchor_redirect",
    ),
    path("d/<path:number>/", views.doc_number_redirect, name="doc_number_redirect"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("search/feed/", SearchFeed(), name="search_feed"),
    path("search/feed/atom/", SearchAtomFeed(), name="search_feed_atom"),
    path("units/", views.UnitListView.as_view(), name="unit_list"),
    path("units/<int:pk>/", views.UnitDetailView.as_view(), name="unit_detail"),
    path("units/<int:pk>/feed/", UnitFeed(), name="unit_feed"),
    path("units/<int:pk>/feed/atom/", UnitAtomFeed(), name="unit_feed_atom"),
    path("groups/", views.GroupListView.as_view(), name="group_list"),
    path("feeds/notices/", LatestNoticesFeed(), name="notice_feed"),
    path("feeds/notices/atom/", LatestNoticesAtomFeed(), name="notice_feed_atom"),
]
