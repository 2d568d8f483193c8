from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand
from django.utils import timezone

from documents.models import Issue, Revision
from documents.services import issue_publish, revision_publish


class Command(BaseCommand):
    help = (
        "Publish the issues and revisions a 审核发布 user scheduled (定时发布) whose time has "
        "come, each as that user (who must still be allowed to publish). Run it from cron: "
        "*/5 * * * * cd /srv/gazette && .venv/bin/python manage.py publish_due"
    )

    def handle(self, *args, **options):
        now = timezone.now()
        refused = 0
        due: list[Issue | Revision] = [*Issue.objects.due(now), *Revision.objects.due(now)]
        for obj in sorted(due, key=lambda item: item.publish_at or now):
            try:
                if isinstance(obj, Issue):
                    issue_publish(issue=obj, user=obj.scheduled_by)
                else:
                    revision_publish(revision=obj, user=obj.scheduled_by)
            except (PermissionDenied, ValidationError) as error:
                refused += 1
                reasons = error.messages if isinstance(error, ValidationError) else [str(error)]
                self.stderr.write(f"{obj} 未能发布：{'；'.join(reasons)}")
            else:
                self.stdout.write(f"已发布 {obj}")
        if refused:
            self.stderr.write(f"{refused} 项到期的定时发布未能完成，仍待处理。")
