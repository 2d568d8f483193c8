"""The staff site: Django's admin with the gazette's names, log-in form and a home page that
starts with the work waiting (the review queue, drafts, the import)."""

from django.contrib import admin
from django.db.models import Count

from documents.models import Issue, PublicationStatus, Revision, RevisionStatus
from documents.permissions import can_publish
from gazette_site.security import LoginForm


class GazetteAdminSite(admin.AdminSite):
    site_header = "咸宁市人民政府公报 · 编辑后台"
    site_title = "公报编辑后台"
    index_title = "数据录入与发布"
    index_template = "admin/gazette_index.html"
    login_form = LoginForm

    def index(self, request, extra_context=None):
        context = {**self.work_waiting(request), **(extra_context or {})}
        return super().index(request, context)

    @staticmethod
    def work_waiting(request) -> dict:
        """What the home page lists: issues and revisions submitted for review (a publisher's
        queue), drafts still being edited, and whether the user may import and publish."""
        user = request.user
        issues = Issue.objects.annotate(notice_count=Count("notices"))
        return {
            "may_import": user.has_perm("documents.add_issue"),
            "may_publish": can_publish(user),
            "submitted_issues": issues.filter(status=PublicationStatus.SUBMITTED).order_by(
                "submitted_at"
            ),
            "submitted_revisions": Revision.objects.queue(),
            "draft_issues": issues.filter(status=PublicationStatus.DRAFT).order_by("-updated_at")[
                :10
            ],
            "draft_revisions": Revision.objects.filter(status=RevisionStatus.DRAFT)
            .select_related("issue", "created_by")
            .order_by("-created_at")[:10],
        }
