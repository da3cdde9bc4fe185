from django.contrib import admin

from records.admin import CountingRecordAdmin, CountingRecordInline

from .models import Activity, ActivityPhoto, Attendance, DocumentNumberCounter, Filing


class FilingInline(CountingRecordInline):
    model = Filing
    readonly_fields = ["status", "submitted_at", "decided_at", "decided_by", "approved_on", "doc_year", "doc_seq",
                       "doc_number"]


class AttendanceInline(CountingRecordInline):
    model = Attendance
    autocomplete_fields = ["teacher"]


@admin.register(Activity)
class ActivityAdmin(CountingRecordAdmin):
    list_display = ["title", "studio", "kind", "scope", "date", "status", "held_without_filing"]
    list_filter = ["status", "scope", "kind", "studio"]
    search_fields = ["title", "code", "studio__code", "studio__name"]
    date_hierarchy = "date"
    autocomplete_fields = ["studio", "organiser"]
    raw_id_fields = ["plan", "minutes", "signin_sheet"]
    readonly_fields = ["status", "held_without_filing"]
    inlines = [FilingInline, AttendanceInline]


@admin.register(Filing)
class FilingAdmin(CountingRecordAdmin):
    """Filings change state only through the services (audit trail, numbering); the admin shows them."""

    list_display = ["activity", "status", "doc_number", "approved_on", "decided_by"]
    list_filter = ["status", "doc_year"]
    search_fields = ["doc_number", "activity__title", "activity__studio__code"]
    readonly_fields = ["activity", "status", "submitted_at", "decided_at", "decided_by", "approved_on", "doc_year",
                       "doc_seq", "doc_number", "return_comment"]


@admin.register(Attendance)
class AttendanceAdmin(CountingRecordAdmin):
    list_display = ["activity", "teacher", "status"]
    list_filter = ["status"]
    search_fields = ["activity__title", "teacher__name", "teacher__code"]
    autocomplete_fields = ["teacher"]
    raw_id_fields = ["activity"]


@admin.register(ActivityPhoto)
class ActivityPhotoAdmin(CountingRecordAdmin):
    list_display = ["activity", "upload"]
    raw_id_fields = ["activity", "upload"]


@admin.register(DocumentNumberCounter)
class DocumentNumberCounterAdmin(CountingRecordAdmin):
    list_display = ["year", "last_seq"]
    readonly_fields = ["year", "last_seq"]
