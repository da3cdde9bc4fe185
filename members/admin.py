from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

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


class TitleInline(admin.TabularInline):
    model = Title
    extra = 0
    raw_id_fields = ["certificate"]


@admin.register(Teacher)
class TeacherAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "school", "subject", "stage", "is_rural"]
    list_filter = ["stage", "is_rural"]
    search_fields = ["code", "name", "phone"]
    raw_id_fields = ["user"]
    inlines = [TitleInline]


@admin.register(Title)
class TitleAdmin(admin.ModelAdmin):
    list_display = ["teacher", "kind", "level", "awarded_on"]
    list_filter = ["kind", "level"]
    search_fields = ["teacher__name", "teacher__code"]
    raw_id_fields = ["teacher", "certificate"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["teacher", "studio", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["teacher", "studio", "membership", "decided_by"]
