"""Read-only admin views: sign-offs, overrides and settings change only through assessments.services (audited)."""

from django.contrib import admin

from .models import AssessmentSignoff, RuleOverride, RuleSettings


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RuleSettings)
class RuleSettingsAdmin(ReadOnlyAdmin):
    list_display = ["__str__", *RuleSettings.EDITABLE_FIELDS, "updated_at", "updated_by"]


@admin.register(AssessmentSignoff)
class AssessmentSignoffAdmin(ReadOnlyAdmin):
    list_display = ["studio", "school_year", "kind", "grade", "signed_by", "signed_at"]
    list_filter = ["kind", "grade", "school_year"]
    search_fields = ["studio__code", "studio__name", "comment"]


@admin.register(RuleOverride)
class RuleOverrideAdmin(ReadOnlyAdmin):
    list_display = ["studio", "teacher", "rule", "period", "status", "created_by", "created_at"]
    list_filter = ["rule", "status"]
    search_fields = ["studio__code", "teacher__code", "teacher__name", "reason"]
