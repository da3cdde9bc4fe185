"""``manage.py export``: any export of the Excel pages, written to a file, for scheduled archives and scripts.

    manage.py export --list
    manage.py export ID [--studio CODE] [--year YYYY-YYYY] [--cycle] [--as-of YYYY-MM-DD] -o FILE.xlsx

The same exporter classes as the pages (excel.exporters.EXPORTERS), through the same writer, so a file from the
command is the file an officer downloads. The command runs with the whole banner in view, as a system job; each
file written is audited (excel.export). Assessment exports take the school year (default: the current one) and
--cycle; exports without a school year option say on standard error that --year / --cycle were ignored. Errors
(an unknown export, studio or year, an export that needs --studio, a file that cannot be written) go to standard
error with a non-zero exit status.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import audit_record
from studios.models import Cycle, SchoolYear, Studio

from ...exporters import EXPORTERS, AssessmentExporter
from ...services import export_render


class Command(BaseCommand):
    help = _("Write one of the app's exports (the same as on the Excel pages) to an .xlsx file.")

    def add_arguments(self, parser):
        parser.add_argument("identifier", nargs="?", metavar="ID", help=_("the export's identifier (see --list)"))
        parser.add_argument("--list", dest="list_exports", action="store_true",
                            help=_("name every export and its options"))
        parser.add_argument("--studio", metavar="CODE", help=_("one studio, e.g. WS-01"))
        parser.add_argument("--year", metavar="YYYY-YYYY", help=_("the school year, e.g. 2025-2026 (default: the "
                                                                  "current one)"))
        parser.add_argument("--cycle", action="store_true", help=_("the cycle assessment of the cycle containing "
                                                                   "the year"))
        parser.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD",
                            help=_("assess as of this day (default today, Asia/Shanghai)"))
        parser.add_argument("-o", "--output", metavar="FILE.xlsx", help=_("the file to write"))

    def handle(self, *args, identifier=None, list_exports=False, studio=None, year=None, cycle=False, as_of=None,
               output=None, **options):
        if list_exports:
            self._list()
            return
        if not identifier:
            raise CommandError(_("Name an export (see --list), or use --list."))
        exporter_cls = EXPORTERS.get(identifier)
        if exporter_cls is None:
            raise CommandError(_("Unknown export %(id)s. The exports are: %(ids)s.")
                               % {"id": identifier, "ids": "、".join(EXPORTERS)})
        if not output:
            raise CommandError(_("Say where to write the file: -o FILE.xlsx"))
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(_("The folder %(folder)s does not exist.") % {"folder": target.parent})
        chosen = self._studio(exporter_cls, studio)
        options = self._options(exporter_cls, year=year, cycle=cycle, as_of=as_of, studio=chosen)
        exporter = exporter_cls(options=options, studio=chosen)
        try:
            with target.open("wb") as handle:
                rows = export_render(exporter, handle)
        except OSError as error:
            raise CommandError(_("The file could not be written: %(error)s") % {"error": error}) from None
        audit_record(actor=None, action="excel.export", studio=chosen,
                     data={**exporter.audit_data(), "rows": rows, "file": target.name, "via": "manage.py export"})
        self.stdout.write(_("Written: %(file)s (%(rows)d rows)") % {"file": target, "rows": rows})

    def _list(self):
        for identifier, cls in EXPORTERS.items():
            if cls.scope == "studio":
                scope = _("one studio: --studio CODE is required")
            else:
                scope = _("the whole banner, or one studio with --studio CODE")
            takes = _("--year YYYY-YYYY [--cycle] [--as-of YYYY-MM-DD]") if issubclass(
                cls, AssessmentExporter) else _("no options")
            self.stdout.write(f"{identifier}\t{cls.verbose_name}\t{scope}\t{takes}")

    def _studio(self, exporter_cls, code):
        if code is None:
            if exporter_cls.scope == "studio":
                raise CommandError(_("The export %(id)s is made for one studio: add --studio CODE.")
                                   % {"id": exporter_cls.identifier})
            return None
        studio = Studio.objects.filter(code=code).first()
        if studio is None:
            raise CommandError(_("Unknown studio %(code)s.") % {"code": code})
        return studio

    def _options(self, exporter_cls, *, year, cycle, as_of, studio) -> dict:
        if not issubclass(exporter_cls, AssessmentExporter):
            if year or cycle or as_of:
                self.stderr.write(_("The export %(id)s has no school year: --year, --cycle and --as-of were "
                                    "ignored.") % {"id": exporter_cls.identifier})
            return {}
        if year:
            try:
                start_year = SchoolYear.parse_label(year)
            except ValueError:
                raise CommandError(_("%(value)s is not a school year; write it like 2024-2025.")
                                   % {"value": year}) from None
            school_year = SchoolYear.objects.filter(start_year=start_year).first()
            if school_year is None:
                raise CommandError(_("The school year %(year)s is not known.") % {"year": year})
        else:
            from assessments.selectors import school_year_on

            school_year = school_year_on(timezone.localdate())
        day = None
        if as_of:
            try:
                day = datetime.date.fromisoformat(as_of)
            except ValueError:
                raise CommandError(_("%(value)s is not a date; write it like 2025-09-30.") % {"value": as_of}) from None
        if studio is not None and not Cycle.objects.filter(
                studio=studio, start_year__start_year__lte=school_year.start_year,
                start_year__start_year__gt=school_year.start_year - Cycle.YEARS).exists():
            raise CommandError(_("The school year %(year)s is not in a cycle of studio %(code)s.")
                               % {"year": school_year.label, "code": studio.code})
        return {"school_year": school_year, "kind": "cycle" if cycle else "annual", "as_of": day}
