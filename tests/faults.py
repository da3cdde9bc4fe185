"""Helpers for the fault and fuzz tests: a snapshot of every table's row count, and a big valid ledger."""

from __future__ import annotations

import datetime
from contextlib import contextmanager

from django.apps import apps


def table_counts(using: str = "default") -> dict[str, int]:
    """{db_table: row count} for every model of the project (and of Django's own apps), through the ORM."""
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        counts[model._meta.db_table] = model._base_manager.using(using).count()
    return counts


def big_ledger_records(*, studios: int = 12, members: int = 8, works: int = 6) -> dict[str, list[dict]]:
    """A valid ledger of several studios, each with a host, members, activities, attendance and works: some
    thousand rows over many tables, so an import writes for a while and touches every table in turn."""
    day = datetime.date
    teachers, studio_rows, memberships, activities, attendance, work_rows = [], [], [], [], [], []
    for s in range(1, studios + 1):
        host = f"BT-{s:03d}-00"
        people = [host] + [f"BT-{s:03d}-{m:02d}" for m in range(1, members + 1)]
        for index, code in enumerate(people):
            teachers.append({"教师编号": code, "姓名": f"教师{s}-{index}", "性别": "女" if index % 2 else "男",
                             "出生日期": day(1975 + index, 1 + index % 12, 1 + s % 28), "学校": f"乌审旗第{s}小学",
                             "学科": "语文", "学段": "小学", "是否乡村教师": "否"})
        code = f"BWS-{s:03d}"
        studio_rows.append({"工作室编号": code, "名称": f"第{s}名师工作室", "学科": "语文", "学段": "小学",
                            "周期开始学年": "2024-2025", "主持人教师编号": host})
        for index, person in enumerate(people):
            memberships.append({"工作室编号": code, "教师编号": person, "角色": "主持人" if index == 0 else "成员",
                                "加入日期": day(2024, 9, 1)})
        for a in range(1, 4):
            ref = f"BA-{s:03d}-{a}"
            activities.append({"活动编号": ref, "工作室编号": code, "名称": f"研讨{a}", "类型": "工作研讨",
                               "范围": "工作室", "日期": day(2024, 9 + a, 10), "组织者教师编号": host,
                               "状态": "已举行", "备案状态": "无需备案", "必须参加": "是"})
            attendance.extend({"活动编号": ref, "教师编号": person, "出勤": "出席"} for person in people[1:])
        for index, person in enumerate(people[1:], start=1):
            for w in range(1, works + 1):
                work_rows.append({"成果编号": f"BW-{s:03d}-{index:02d}-{w}", "教师编号": person, "工作室编号": code,
                                  "类型": "论文", "标题": f"论文{s}-{index}-{w}", "日期": day(2024, 10, w),
                                  "字数": 2000 + w})
    return {"教师": teachers, "工作室": studio_rows, "成员": memberships, "活动": activities, "考勤": attendance,
            "成果": work_rows}


def _reset_connections(app):
    """Forget Celery's cached broker pools and result backend, so new URLs take effect."""
    app._after_fork()
    app._local.__dict__.pop("backend", None)


@contextmanager
def job_service(broker_url: str | None, *, eager: bool = False):
    """The Celery app pointed at another broker (None: tasks run in-process), restored afterwards."""
    from mingshi.celery import app

    keys = ("broker_url", "result_backend", "task_always_eager", "task_eager_propagates")
    saved = {key: app.conf[key] for key in keys}
    app.conf.task_always_eager = eager or broker_url is None
    app.conf.task_eager_propagates = True
    if broker_url is not None:
        app.conf.broker_url = broker_url
        app.conf.result_backend = broker_url if broker_url.startswith("redis") else "cache+memory://"
    _reset_connections(app)
    try:
        yield app
    finally:
        for key, value in saved.items():
            app.conf[key] = value
        _reset_connections(app)
