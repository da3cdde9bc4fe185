from django.core.management.base import BaseCommand

from studios.demo import DEMO_PASSWORD, demo_logins


class Command(BaseCommand):
    help = "Print one demo login per role."

    def handle(self, *args, **options):
        self.stdout.write("")
        self.stdout.write(f"演示账号 Demo logins (password 密码: {DEMO_PASSWORD})")
        for role, username in demo_logins():
            self.stdout.write(f"  {role:<12} {username}")
        self.stdout.write("Open http://127.0.0.1:8000/")
        self.stdout.write("")
