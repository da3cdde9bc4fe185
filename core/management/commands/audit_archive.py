from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.audit_archive import ArchiveRefused, audit_archive


class Command(BaseCommand):
    help = "把超过保留期的审计记录写入归档文件，核对后再从数据库移出（Archive audit entries past retention）。"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help=f"保留天数（默认 {settings.AUDIT_RETENTION_DAYS}，不少于 "
                                 f"{settings.AUDIT_MIN_RETENTION_DAYS}）")
        parser.add_argument("--directory", type=Path, default=None, help="归档目录（默认 AUDIT_ARCHIVE_DIR）")
        parser.add_argument("--dry-run", action="store_true", help="只报告将归档多少条，不写文件、不移出")

    def handle(self, *args, **options):
        try:
            summary = audit_archive(days=options["days"], directory=options["directory"], dry_run=options["dry_run"])
        except (ArchiveRefused, OSError) as error:
            raise CommandError(f"未归档：{error}") from error
        if not summary["count"]:
            self.stdout.write("没有超过保留期的审计记录，无需归档。")
            return
        span = (f"{timezone.localtime(summary['oldest']):%Y-%m-%d} 至 "
                f"{timezone.localtime(summary['newest']):%Y-%m-%d}")
        if options["dry_run"]:
            self.stdout.write(f"将归档 {summary['count']} 条审计记录（{span}）。")
            return
        self.stdout.write(f"已归档 {summary['count']} 条审计记录（{span}）到 {summary['file']}，"
                          f"SHA-256 {summary['sha256']}。请把该文件与备份一同异地保存。")
