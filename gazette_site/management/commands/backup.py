from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gazette_site.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "备份数据库（pg_dump）和上传的文件（DJANGO_MEDIA_ROOT：各期 PDF、导入的文本）"
        "到 var/backups/（或 DJANGO_BACKUP_DIR）下的一个新目录。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, help="写入的目录（默认 DJANGO_BACKUP_DIR）")

    def handle(self, *args, **options):
        try:
            result = backup(directory=options["dir"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = sum(f.stat().st_size for f in result.path.rglob("*") if f.is_file()) / 1024 / 1024
        self.stdout.write(
            f"已备份数据库 {result.database} 和 {result.media_files} 个文件 → {result.path}"
            f"（{size:.2f} MB，用时 {result.seconds:.2f} 秒）"
        )
