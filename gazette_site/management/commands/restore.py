from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gazette_site.backup import BackupError, restore, switch_instructions


class Command(BaseCommand):
    help = (
        "把备份（manage.py backup 写出的目录）恢复到一个新数据库（默认 gazette_restore_<时间>）"
        "和一个新的文件目录，从不覆盖正在服务的数据库和文件。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", type=Path, help="manage.py backup 写出的备份目录（或旧版的 .dump 文件）"
        )
        parser.add_argument(
            "--target", help="恢复到的数据库名：须为新库，或已存在但没有任何数据表的空库"
        )
        parser.add_argument(
            "--media-target",
            type=Path,
            help="文件恢复到的目录：须为新目录或空目录（默认 DJANGO_MEDIA_ROOT-restore-<时间>）",
        )

    def handle(self, *args, **options):
        try:
            result = restore(
                path=options["file"],
                target=options["target"],
                media_target=options["media_target"],
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"恢复用时 {result.seconds:.2f} 秒。")
        self.stdout.write(switch_instructions(result))
