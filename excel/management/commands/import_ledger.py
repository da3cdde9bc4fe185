"""manage.py import_ledger FILE.xlsx [--dry-run]: import a ledger workbook (../shared/spec/ledger-workbook.md)."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.uploads import check_zip
from excel.importer import LedgerFileError, ledger_import

# A command line load may be larger than a browser upload; the zip-bomb check still applies.
MAX_BYTES = max(settings.UPLOAD_MAX_BYTES, 200 * 1024 * 1024)


class Command(BaseCommand):
    help = "Import a ledger workbook; all or nothing. Prints per sheet what is created, updated and unchanged."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx ledger workbook")
        parser.add_argument("--dry-run", action="store_true", help="check and count only; write nothing")

    def handle(self, *args, file, dry_run=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": file})
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(_("The file is larger than %(limit)d MB.") % {"limit": MAX_BYTES // (1024 * 1024)})
        data = path.read_bytes()
        try:
            check_zip(data)
            result = ledger_import(data, dry_run=dry_run, file_name=path.name)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        except LedgerFileError as error:
            raise CommandError(str(error)) from None
        for line in result.summary_lines():
            self.stdout.write(line)
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(_("%(count)d errors: nothing was imported.") % {"count": len(result.errors)})
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        else:
            self.stdout.write(self.style.SUCCESS(_("Imported.")))
