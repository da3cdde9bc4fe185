"""manage.py import_ledger FILE.xlsx [--dry-run] [--strict]: import a ledger workbook
(../shared/spec/ledger-workbook.md).

Sheets and columns it does not read are printed to standard error as warnings (未读取, with the nearest known
name); the import goes on, as the contract says extra columns are ignored. With --strict any of them is refused
like an error: nothing is written and the exit status is 1."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.uploads import check_zip
from excel.importer import LedgerFileError, ledger_import
from excel.importer.formats import not_xlsx_message, spreadsheet_kind

# A command line load may be larger than a browser upload; the zip-bomb check still applies.
MAX_BYTES = max(settings.UPLOAD_MAX_BYTES, 200 * 1024 * 1024)


class Command(BaseCommand):
    help = "Import a ledger workbook; all or nothing. Prints per sheet what is created, updated and unchanged."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx ledger workbook")
        parser.add_argument("--dry-run", action="store_true", help="check and count only; write nothing")
        parser.add_argument("--strict", action="store_true",
                            help="refuse the workbook (write nothing) if any sheet or column is not read")

    def handle(self, *args, file, dry_run=False, strict=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": file})
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(_("The file is larger than %(limit)d MB.") % {"limit": MAX_BYTES // (1024 * 1024)})
        data = path.read_bytes()
        # Before the zip check, which would call an .xls or a .csv merely damaged.
        other_format = not_xlsx_message(spreadsheet_kind(data, path.name))
        if other_format:
            raise CommandError(other_format)
        try:
            check_zip(data)
            result = ledger_import(data, dry_run=dry_run, file_name=path.name, accept_unread=not strict)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        except LedgerFileError as error:
            raise CommandError(str(error)) from None
        for line in result.summary_lines():
            self.stdout.write(line)
        for item in result.unread:
            self.stderr.write(_("Warning: %(what)s") % {"what": item})
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(_("%(count)d errors: nothing was imported.") % {"count": len(result.errors)})
        if strict and result.unread:
            raise CommandError(_("%(count)d sheets or columns are not read (--strict): nothing was imported.")
                               % {"count": len(result.unread)})
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        else:
            self.stdout.write(self.style.SUCCESS(_("Imported.")))
