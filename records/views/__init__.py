"""The records pages, one module per entity; urls.py and other apps import the views from here."""

from .documents import (
    document_create,
    document_delete,
    document_detail,
    document_edit,
    document_list,
    document_review,
    document_submit,
)
from .evaluations import evaluation_edit, evaluation_list
from .funds import expense_create, fund_allocate, fund_delete, fund_usage
from .locks import year_lock, year_unlock
from .overview import my_records, person_records, studio_records
from .pairs import pair_create, pair_delete, pair_detail, pair_edit
from .projects import project_create, project_delete, project_edit, project_list
from .tasks import task_create, task_delete, task_done, task_list, task_record_done
from .works import work_compare, work_create, work_delete, work_detail, work_edit, work_url

__all__ = (
    "document_create",
    "document_delete",
    "document_detail",
    "document_edit",
    "document_list",
    "document_review",
    "document_submit",
    "evaluation_edit",
    "evaluation_list",
    "expense_create",
    "fund_allocate",
    "fund_delete",
    "fund_usage",
    "my_records",
    "pair_create",
    "pair_delete",
    "pair_detail",
    "pair_edit",
    "person_records",
    "project_create",
    "project_delete",
    "project_edit",
    "project_list",
    "studio_records",
    "task_create",
    "task_delete",
    "task_done",
    "task_list",
    "task_record_done",
    "work_compare",
    "work_create",
    "work_delete",
    "work_detail",
    "work_edit",
    "work_url",
    "year_lock",
    "year_unlock",
)
