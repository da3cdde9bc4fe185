"""Writes for records. Only these functions change a studio document's status, lock a year or move money."""

from .checks import work_copy_clear, work_copy_decline, work_count_decline, work_count_verify
from .documents import (
    document_approve,
    document_create,
    document_delete,
    document_resubmit,
    document_return,
    document_submit,
    document_update,
    document_url,
)
from .evaluations import evaluation_save
from .funds import expense_create, fund_allocate, fund_entry_delete
from .locks import year_lock, year_reopen, year_unlock
from .pairs import pair_create, pair_delete, pair_update, visit_add
from .projects import project_create, project_delete, project_update
from .tasks import task_complete, task_create, task_delete
from .works import work_change_refusal, work_create, work_delete, work_update

__all__ = (
    "document_approve",
    "document_create",
    "document_delete",
    "document_resubmit",
    "document_return",
    "document_submit",
    "document_update",
    "document_url",
    "evaluation_save",
    "expense_create",
    "fund_allocate",
    "fund_entry_delete",
    "pair_create",
    "pair_delete",
    "pair_update",
    "project_create",
    "project_delete",
    "project_update",
    "task_complete",
    "task_create",
    "task_delete",
    "visit_add",
    "work_create",
    "work_delete",
    "work_change_refusal",
    "work_copy_clear",
    "work_copy_decline",
    "work_count_decline",
    "work_count_verify",
    "work_update",
    "year_lock",
    "year_reopen",
    "year_unlock",
)
