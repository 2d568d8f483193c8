from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gazette_site.backup import BackupError, backup


class Command(BaseCommand):
    help = "用 pg_dump 备份数据库到 var/backups/（或 DJANGO_BACKUP_DIR）下的一个新文件。"

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, help="写入的目录（默认 DJANGO_BACKUP_DIR）")

    def handle(self, *args, **options):
        try:
            result = backup(directory=options["dir"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = result.path.stat().st_size / 1024 / 1024
        self.stdout.write(
            f"已备份数据库 {result.database} → {result.path}（{size:.2f} MB，"
            f"用时 {result.seconds:.2f} 秒）"
        )
