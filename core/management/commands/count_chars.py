"""`python manage.py count_chars FILE...`: each file's 字数 as Word and WPS count it (regulation.md, clarification
11), one line per file — `COUNT<TAB>FILE`, or `refused<TAB>FILE<TAB>reason` in Chinese; exit status 0 when every
file was counted. Offices use it on a folder of papers; acceptance checks rely on this exact shape."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from core.sandbox import ToolMissing
from core.uploads import WRITING, check_upload, count_chars, extract_text


class Command(BaseCommand):
    help = "Print each file's character count (字数), or why it was refused."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")

    def handle(self, *args, files, **options):
        refused = 0
        with translation.override("zh-hans"):
            for name in files:
                try:
                    count = self.count(Path(name))
                except ValidationError as error:
                    refused += 1
                    self.stdout.write(f"refused\t{name}\t{' '.join(error.messages)}")
                else:
                    self.stdout.write(f"{count}\t{name}")
        if refused:
            raise CommandError(_("%(count)d of %(total)d files were refused.") % {"count": refused,
                                                                                 "total": len(files)},
                               returncode=1)

    def count(self, path: Path) -> int:
        if not path.is_file():
            raise ValidationError(_("There is no such file."))
        checked = check_upload(SimpleUploadedFile(path.name, path.read_bytes()), WRITING)
        try:
            text = extract_text(checked, convert=True)
        except ToolMissing as missing:
            raise ValidationError(_("This machine lacks %(tool)s to read the file (make setup installs it).")
                                  % {"tool": missing}) from None
        if text is None:
            raise ValidationError(_("The file is a scan or a photo with no text layer: its count is typed by "
                                    "hand and confirmed by text recognition or an officer."))
        return count_chars(text)
