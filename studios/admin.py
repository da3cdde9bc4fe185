"""Memberships, cycles and school years decide who and which periods are assessed: the admin shows them; they
change through studios.services (joining, leaving, renewal, dissolution, the calendar), which audit each change."""

from django.contrib import admin

from records.admin import CountingRecordAdmin, CountingRecordInline

from .models import Cycle, Membership, SchoolYear, Studio


class MembershipInline(CountingRecordInline):
    model = Membership


class CycleInline(CountingRecordInline):
    model = Cycle


@admin.register(Studio)
class StudioAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "subject", "stage"]
    list_filter = ["stage", "subject"]
    search_fields = ["code", "name"]
    inlines = [CycleInline, MembershipInline]


@admin.register(SchoolYear)
class SchoolYearAdmin(CountingRecordAdmin):
    list_display = ["label", "start", "semester2_start", "end"]


@admin.register(Cycle)
class CycleAdmin(CountingRecordAdmin):
    list_display = ["studio", "start_year", "status"]
    list_filter = ["status"]


@admin.register(Membership)
class MembershipAdmin(CountingRecordAdmin):
    list_display = ["studio", "teacher", "role", "joined_on", "left_on"]
    list_filter = ["role", "studio"]
    search_fields = ["teacher__name", "teacher__code", "studio__code"]
    autocomplete_fields = ["teacher", "studio"]
