"""``manage.py assess``: the assessment as JSON, exactly as /shared/spec/assessment-json.md.

    manage.py assess --studio WS-01 --year 2024-2025 [--cycle] [--as-of 2025-09-30] --format json
    manage.py assess --all --year 2024-2025 [--cycle] [--as-of ...] --format json

One studio prints one JSON object (indented); ``--all`` prints a JSON list with one object per line,
written as each studio is assessed so that a whole region does not have to sit in memory. With ``--all``
the studios whose cycles do not contain the year are left out (a studio created later, or dissolved
earlier); when no studio's cycle contains it the year is unknown and the command fails. Errors go to
standard error with a non-zero exit status: an unknown studio, a malformed or unknown year, a year
outside the studio's cycles, a malformed as-of date.

With a worker (REDIS_URL set) ``--all`` splits the studios, in code order, into chunks of ``--chunk`` studios and
hands each to a Celery worker (``assessments.tasks.assess_chunk``: it loads only its chunk's evidence, in the same
fixed number of queries, and returns its lines); the command writes the chunks' lines in order as they come back,
so more worker processes (or machines on the same PostgreSQL and Redis) make it faster and the output is the same
bytes. A chunk not back within ``--timeout`` seconds fails the command (no worker running, a worker lost).
Without Redis, or with ``--in-process``, it runs here: one load for every studio.
"""

import datetime
import json

try:
    import orjson
except ImportError:  # pragma: no cover - the json module writes the same, slower
    orjson = None

from celery.exceptions import TimeoutError as CeleryTimeout
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from assessments.engine import ANNUAL, CYCLE
from assessments.loader import collector_frozen_after_load, studio_cycles
from assessments.selectors import iter_assessment_results
from studios.models import Cycle, SchoolYear, Studio

CHUNK_STUDIOS = 100  # a region of 1,000 studios is 10 tasks: enough to keep several worker processes busy
CHUNK_TIMEOUT = 600.0


def _workers_absent() -> bool:
    """No REDIS_URL: Celery runs tasks eagerly in-process, so chunking would only load the evidence ten times."""
    from mingshi.celery import app

    return bool(app.conf.task_always_eager)


def _json(value, **options) -> str:
    return json.dumps(value, ensure_ascii=False, default=str, **options)


# orjson writes a region's 45–111 MB of results about eight times faster than the json module, and with these
# options the same bytes as ``_json(value, separators=(",", ":"))``: dates, datetimes and dataclasses go through
# ``str`` as with json's ``default=str`` (so do Decimals, which orjson refuses), strings are escaped alike. The two
# spell a float apart only below 1e-4 or from 1e16 up ("1e-05" / "0.00001"); a result's floats are compliance rates
# rounded to 4 decimals in [0, 1] and the settings' ratio of 2 decimals, so they never are. Anything orjson refuses
# (a non-string key, an integer beyond 64 bits) is written by json.
_ORJSON_OPTIONS = (orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS) if orjson else 0


def compact_json(value) -> str:
    """One result as the compact line of ``--all`` (the same text as json.dumps with (",", ":"))."""
    if orjson is not None:
        try:
            return orjson.dumps(value, default=str, option=_ORJSON_OPTIONS).decode()
        except TypeError:
            pass
    return _json(value, separators=(",", ":"))


class Command(BaseCommand):
    help = "以 JSON 输出一个或全部工作室的年度考核或周期考核结果。"

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--studio", metavar="CODE", help="the studio's code, e.g. WS-01")
        which.add_argument("--all", action="store_true", help="every studio whose cycle contains the year")
        parser.add_argument("--year", required=True, metavar="YYYY-YYYY", help="a school year, e.g. 2024-2025")
        parser.add_argument("--cycle", action="store_true",
                            help="assess the whole cycle containing the year instead of the year")
        parser.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD",
                            help="assess as of this day (default today, Asia/Shanghai)")
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument("--chunk", type=int, default=CHUNK_STUDIOS, metavar="N",
                            help="--all with workers: studios per Celery task")
        parser.add_argument("--timeout", type=float, default=CHUNK_TIMEOUT, metavar="SECONDS",
                            help="--all with workers: how long to wait for each chunk")
        parser.add_argument("--in-process", dest="in_process", action="store_true",
                            help="--all: assess here even when Celery workers are configured")

    def handle(self, *args, **options):
        try:
            start_year = SchoolYear.parse_label(options["year"])
        except ValueError:
            raise CommandError(f"学年“{options['year']}”无法识别：请写成 2024-2025 这样。") from None
        as_of = timezone.localdate()
        if options["as_of"]:
            try:
                as_of = datetime.date.fromisoformat(options["as_of"])
            except ValueError:
                raise CommandError(f"--as-of 日期“{options['as_of']}”无法识别：请写成 2025-09-30 这样。") from None
        kind = CYCLE if options["cycle"] else ANNUAL
        school_year = SchoolYear.objects.filter(start_year=start_year).first() or SchoolYear(
            start_year=start_year, **SchoolYear.default_dates(start_year))

        if options["all"]:
            if options["chunk"] < 1:
                raise CommandError("--chunk 至少为 1。")
            if options["in_process"] or _workers_absent():
                self._all(school_year, kind, as_of)
            else:
                self._all_on_workers(school_year, kind, as_of, chunk=options["chunk"], timeout=options["timeout"])
            return
        studio = Studio.objects.filter(code=options["studio"]).first()
        if studio is None:
            raise CommandError(f"没有编号为“{options['studio']}”的工作室。")
        results = list(iter_assessment_results(studios=[studio], school_year=school_year, kind=kind, as_of=as_of))
        if not results:
            cycles = ", ".join(c.label for c in Cycle.objects.filter(studio=studio).select_related("start_year"))
            raise CommandError(f"{school_year.label} 学年不在工作室 {studio.code} 的工作周期内"
                               f"（其工作周期：{cycles or '无'}）。")
        self.stdout.write(_json(results[0], indent=2))

    def _all_on_workers(self, school_year, kind, as_of, *, chunk: int, timeout: float):
        from assessments.tasks import chunk_lines, dispatch_assess_chunks

        ids = list(studio_cycles(studios=Studio.objects.all(), year=school_year.start_year))  # in code order
        if not ids:
            raise CommandError(f"没有工作室的工作周期包含 {school_year.label} 学年。")
        pending = dispatch_assess_chunks(ids, start_year=school_year.start_year, kind=kind, as_of=as_of, chunk=chunk,
                                         timeout=timeout)
        write = self.stdout.write
        separator = "[\n"
        try:
            for result in pending.results:
                try:
                    lines = chunk_lines(result.get(timeout=timeout, propagate=True))
                except CeleryTimeout:
                    pending.revoke()
                    raise CommandError(f"{timeout:.0f} 秒内未收到考核结果：请确认 Celery worker 正在运行"
                                       f"（或加 --in-process 在本进程内计算）。") from None
                if lines:
                    write(separator + lines, ending="")
                    separator = ",\n"
        finally:
            pending.forget()
        write("\n]")

    def _all(self, school_year, kind, as_of):
        with collector_frozen_after_load() as loaded:
            results = iter_assessment_results(studios=Studio.objects.all(), school_year=school_year, kind=kind,
                                              as_of=as_of)
            first = next(results, None)  # the whole region's evidence is loaded by now
            if first is None:
                raise CommandError(f"没有工作室的工作周期包含 {school_year.label} 学年。")
            loaded()
            write = self.stdout.write
            write("[\n" + compact_json(first), ending="")
            for result in results:
                write(",\n" + compact_json(result), ending="")
            write("\n]")


def assessment_lines(studio_ids, *, start_year: int, kind: str, as_of: datetime.date) -> str:
    """The lines ``--all`` writes for these studios (those whose cycle contains the year), in code order, joined
    by ",\\n" — one chunk of the output, loaded in the loader's fixed number of queries."""
    school_year = SchoolYear.objects.filter(start_year=start_year).first() or SchoolYear(
        start_year=start_year, **SchoolYear.default_dates(start_year))
    with collector_frozen_after_load() as loaded:
        results = iter_assessment_results(studios=list(studio_ids), school_year=school_year, kind=kind, as_of=as_of)
        first = next(results, None)
        if first is None:
            return ""
        loaded()
        return ",\n".join([compact_json(first), *(compact_json(result) for result in results)])
