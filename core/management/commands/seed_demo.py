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
    help = "Load the demo banner: 8 studios with hosts, members, titles and two years of records."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when studios already exist.")
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args, if_empty=False, seed=2024, **options):
        if Studio.objects.exists():
            if if_empty:
                self.stdout.write("The database already holds studios; demo not loaded.")
                return
            self.stderr.write("The database already holds studios; run on an empty database.")
            raise SystemExit(1)
        ctx = SimpleNamespace(rng=random.Random(seed), today=timezone.localdate(), stdout=self.stdout)
        with transaction.atomic():
            for module in demo_modules():
                module.seed(ctx)
        self.stdout.write(self.style.SUCCESS("Demo banner loaded."))
