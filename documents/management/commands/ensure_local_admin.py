import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

PASSWORD_FILE = Path(settings.BASE_DIR) / "var" / "admin-password.txt"


class Command(BaseCommand):
    help = "Create the local admin account on first run, with a random password kept under var/."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username: str, **options):
        User = get_user_model()
        url = "/admin/"
        if User.objects.filter(username=username).exists():
            where = PASSWORD_FILE if PASSWORD_FILE.exists() else "（已由您自行修改）"
            self.stdout.write(f"管理后台 {url}：用户名 {username}，密码见 {where}")
            return
        password = secrets.token_urlsafe(18)
        user = User.objects.create_superuser(username=username, email="", password=password)
        user.groups.set(Group.objects.filter(name__in=["编辑", "审核发布"]))
        PASSWORD_FILE.parent.mkdir(parents=True, exist_ok=True)
        PASSWORD_FILE.write_text(f"{username}\n{password}\n", encoding="utf-8")
        PASSWORD_FILE.chmod(0o600)
        self.stdout.write(
            self.style.SUCCESS(
                f"已创建本地管理员账号。管理后台 {url}\n  用户名：{username}\n  密码：{password}\n"
                f"  （密码只显示这一次，另存于 {PASSWORD_FILE}）"
            )
        )
