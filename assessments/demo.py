"""The assessment part of the demo banner (ORDER 90, after every record is in): a year an officer signed off
and then reopened with a reason (clarification 10), so the sign-off card says it was reopened. Last, every
studio's stored results are computed, so the demo's pages open on fresh results."""

from records import services as record_services
from records.models import YearLock

from . import results, services

ORDER = 90


def seed(ctx):
    studio = ctx.studios[4].studio
    year = ctx.years[2024]
    YearLock.objects.filter(studio=studio, school_year=year).delete()  # its lock gives way to the sign-off
    services.signoff_create(actor=ctx.officer, studio=studio, school_year=year, kind="annual", grade="pass",
                            comment="按计算结果签署。", as_of=ctx.today)
    record_services.year_reopen(actor=ctx.officer, studio=studio, school_year=year,
                                reason="成员补交的2025年春季学期论文日期登记有误，重新开放以便更正。")
    results.results_refresh_all(as_of=ctx.today)
