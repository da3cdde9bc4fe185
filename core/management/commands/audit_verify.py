from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.audit_archive import ArchiveRefused, verify_archive, verify_table

REASONS = {
    "mismatch": "内容或前一条记录被改动、插入或删除",
    "unchained": "没有哈希值（不是由系统写入的）",
    "unsealed": "不在哈希链中：内容与系统写入时的签名不符（不是由系统写入的）",
    "truncated": "归档文件的条数与文件头不符（文件被截短）",
}


class Command(BaseCommand):
    help = "核对审计日志的哈希链，报告第一个断点（Verify the audit log's hash chain）。"

    def add_arguments(self, parser):
        parser.add_argument("--archive", type=Path, help="核对一个归档文件，而不是数据库中的审计日志")

    def handle(self, *args, **options):
        try:
            result = verify_archive(options["archive"]) if options["archive"] else verify_table()
        except (OSError, ArchiveRefused, ValueError, KeyError) as error:
            raise CommandError(f"无法读取归档文件：{error}") from error
        where = f"归档文件 {options['archive']}" if options["archive"] else "审计日志"
        if result.intact:
            self.stdout.write(f"{where}完整：已核对 {result.checked} 条记录，哈希链没有断点。")
            return
        broken = result.broken
        moment = timezone.localtime(broken.created_at).strftime("%Y-%m-%d %H:%M:%S")
        raise CommandError(
            f"{where}的哈希链在第 {result.checked} 条记录处断开：id={broken.pk}，时间 {moment}，事件 {broken.action}"
            f"——{REASONS.get(broken.reason, broken.reason)}。"
        )
