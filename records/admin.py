"""The admin shows the records that count for an assessment but changes none of them (clarification 10: it is no
back door). They change only through records.services, which keep the frozen-year guard, the duties apart and the
audit log; the pages and the ledger import are the ways in."""

from django.contrib import admin

from .models import (
    FundEntry,
    HostEvaluation,
    MentoringPair,
    MentoringVisit,
    ResearchProject,
    StudioDocument,
    Task,
    TaskAssignment,
    Work,
    WorkFingerprint,
    YearLock,
)


class ReadOnlyMixin:
    """View only, for everyone, superusers included."""

    actions = None

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CountingRecordAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """A record that counts for an assessment: shown, never changed here."""


class CountingRecordInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0


@admin.register(Work)
class WorkAdmin(CountingRecordAdmin):
    list_display = ["title", "teacher", "studio", "kind", "date", "char_count", "char_count_source", "status"]
    list_filter = ["kind", "status", "char_count_source", "studio"]
    search_fields = ["title", "code", "teacher__name", "teacher__code"]
    raw_id_fields = ["teacher", "upload"]
    date_hierarchy = "date"


@admin.register(StudioDocument)
class StudioDocumentAdmin(CountingRecordAdmin):
    list_display = ["title", "studio", "kind", "school_year", "status", "submitted_on", "decided_on"]
    list_filter = ["kind", "status", "school_year", "studio"]
    search_fields = ["title", "code"]
    raw_id_fields = ["upload", "decided_by"]
    # The status changes only through the review workflow, which records every transition.
    readonly_fields = ["status", "submitted_on", "decided_on", "decided_by", "review_comment"]


@admin.register(ResearchProject)
class ResearchProjectAdmin(CountingRecordAdmin):
    list_display = ["title", "studio", "level", "approved_on", "concluded_on", "leader"]
    list_filter = ["level", "studio"]
    search_fields = ["title", "code", "leader__name"]
    raw_id_fields = ["leader", "participants", "approval_document", "conclusion_document"]


class MentoringVisitInline(CountingRecordInline):
    model = MentoringVisit


@admin.register(MentoringPair)
class MentoringPairAdmin(CountingRecordAdmin):
    list_display = ["teacher", "mentee_name", "mentee_school", "studio", "started_on", "ended_on"]
    list_filter = ["studio"]
    search_fields = ["teacher__name", "mentee_name", "mentee_school", "code"]
    raw_id_fields = ["teacher"]
    inlines = [MentoringVisitInline]


@admin.register(MentoringVisit)
class MentoringVisitAdmin(CountingRecordAdmin):
    list_display = ["pair", "visited_on"]
    raw_id_fields = ["pair"]


class TaskAssignmentInline(CountingRecordInline):
    model = TaskAssignment
    raw_id_fields = ["teacher", "upload"]


@admin.register(Task)
class TaskAdmin(CountingRecordAdmin):
    list_display = ["title", "studio", "due_on", "created_by"]
    list_filter = ["studio"]
    search_fields = ["title", "code"]
    inlines = [TaskAssignmentInline]
    raw_id_fields = ["created_by"]


@admin.register(TaskAssignment)
class TaskAssignmentAdmin(CountingRecordAdmin):
    list_display = ["task", "teacher", "completed_on"]
    raw_id_fields = ["task", "teacher", "upload"]


@admin.register(HostEvaluation)
class HostEvaluationAdmin(CountingRecordAdmin):
    list_display = ["teacher", "studio", "school_year", *HostEvaluation.SCORE_FIELDS]
    list_filter = ["school_year", "studio"]
    raw_id_fields = ["teacher", "evaluated_by"]


@admin.register(FundEntry)
class FundEntryAdmin(CountingRecordAdmin):
    list_display = ["studio", "school_year", "kind", "amount", "category", "date", "exception_approved"]
    list_filter = ["kind", "category", "exception_approved", "school_year", "studio"]
    search_fields = ["code", "description"]
    raw_id_fields = ["receipt", "exception_by"]


@admin.register(YearLock)
class YearLockAdmin(CountingRecordAdmin):
    list_display = ["studio", "school_year", "locked_by", "locked_at"]
    raw_id_fields = ["locked_by"]


@admin.register(WorkFingerprint)
class WorkFingerprintAdmin(CountingRecordAdmin):
    list_display = ["work", "shingles"]
    raw_id_fields = ["work"]
