from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from records.admin import CountingRecordAdmin, CountingRecordInline

from .models import Application, School, Teacher, Title, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("角色", {"fields": ("role",)}))
    list_display = ["username", "email", "role", "is_active", "is_superuser"]
    list_filter = ["role", "is_active", "is_superuser"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "stage", "is_rural"]
    search_fields = ["name"]


class TitleInline(CountingRecordInline):
    """Titles count for T-YOUNG-BACKBONE and T-CULTIVATE once verified: recorded and verified through
    members.services only."""

    model = Title
    raw_id_fields = ["certificate"]


@admin.register(Teacher)
class TeacherAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "school", "subject", "stage", "is_rural"]
    list_filter = ["stage", "is_rural"]
    search_fields = ["code", "name", "phone"]
    raw_id_fields = ["user"]
    inlines = [TitleInline]


@admin.register(Title)
class TitleAdmin(CountingRecordAdmin):
    list_display = ["teacher", "kind", "level", "awarded_on", "check_status", "checked_by"]
    list_filter = ["kind", "level", "check_status"]
    search_fields = ["teacher__name", "teacher__code"]
    raw_id_fields = ["teacher", "certificate"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["teacher", "studio", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["teacher", "studio", "membership", "decided_by"]
