from django.core.management.base import BaseCommand

from opendata.exports import rebuild_downloads
from opendata.models import Download


class Command(BaseCommand):
    help = (
        "Write the bulk downloads of /data/ again (the archive and each year, JSON Lines and "
        "CSV, zipped). Publishing does this in the task queue; --if-missing only when none "
        "exist yet (make run)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--if-missing", action="store_true")

    def handle(self, *args, if_missing: bool, **options):
        if if_missing and Download.objects.exists():
            return
        written = rebuild_downloads()
        self.stdout.write(f"已生成 {len(written)} 个下载文件。")
