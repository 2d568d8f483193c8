from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from documents.models import Issue


class Command(BaseCommand):
    help = "Load the sample issue, published, unless that issue is already in the database."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        if not path.exists():
            raise CommandError(f"找不到示例公报文件：{path}")
        if Issue.objects.exists():
            self.stdout.write("数据库中已有公报，跳过示例导入。")
            return
        call_command("import_gazette", str(path), publish=True, stdout=self.stdout)
