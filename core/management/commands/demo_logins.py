from django.core.management.base import BaseCommand

from studios.demo import DEMO_PASSWORD, demo_logins


class Command(BaseCommand):
    help = "列出每种角色的一个演示账号。"

    def handle(self, *args, **options):
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为：{DEMO_PASSWORD}）")
        for role, username in demo_logins():
            self.stdout.write(f"  {role:<12} {username}")
        self.stdout.write("请打开 http://127.0.0.1:8000/")
        self.stdout.write("")
