from django.contrib import admin

from .models import Cycle, Membership, SchoolYear, Studio


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["teacher"]


class CycleInline(admin.TabularInline):
    model = Cycle
    extra = 0


@admin.register(Studio)
class StudioAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "subject", "stage"]
    list_filter = ["stage", "subject"]
    search_fields = ["code", "name"]
    inlines = [CycleInline, MembershipInline]


@admin.register(SchoolYear)
class SchoolYearAdmin(admin.ModelAdmin):
    list_display = ["label", "start", "semester2_start", "end"]


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["studio", "start_year", "status"]
    list_filter = ["status"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["studio", "teacher", "role", "joined_on", "left_on"]
    list_filter = ["role", "studio"]
    search_fields = ["teacher__name", "teacher__code", "studio__code"]
    autocomplete_fields = ["teacher", "studio"]
