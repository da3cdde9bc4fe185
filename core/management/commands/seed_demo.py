"""Load a realistic demo banner. Each app adds its own records through `<app>/demo.py` (ORDER, seed(ctx))."""

import importlib
import random
from types import SimpleNamespace

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from studios.models import Studio


def demo_modules():
    modules = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo":
                raise
            continue
        modules.append(module)
    return sorted(modules, key=lambda module: module.ORDER)


class Command(BaseCommand):
    help = "载入演示数据：8 个工作室及其主持人、成员、荣誉和两年的记录。"

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when studios already exist.")
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args, if_empty=False, seed=2024, **options):
        if Studio.objects.exists():
            if if_empty:
                self.stdout.write("数据库中已有工作室，未载入演示数据。")
                return
            self.stderr.write("数据库中已有工作室：请在空数据库上运行。")
            raise SystemExit(1)
        ctx = SimpleNamespace(rng=random.Random(seed), today=timezone.localdate(), stdout=self.stdout)
        with transaction.atomic():
            for module in demo_modules():
                module.seed(ctx)
        self.stdout.write(self.style.SUCCESS("演示数据已载入。"))
