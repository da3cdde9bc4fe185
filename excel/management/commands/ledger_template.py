"""manage.py ledger_template [--output FILE]: write the empty ledger workbook with its instructions sheet."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from excel.ledger_template import build_template


class Command(BaseCommand):
    help = "Write the empty ledger workbook (台账导入模板) with drop-down lists and the instructions sheet."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", default="台账导入模板.xlsx", help="where to write the workbook")

    def handle(self, *args, output, **options):
        build_template(output)
        self.stdout.write(_("Template written to %(path)s") % {"path": output})
