from django.contrib import admin

from .models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ("label", "kind", "user", "studio", "status", "progress", "created_at", "expires_at")
    list_filter = ("kind", "status")
    readonly_fields = ("id", "user", "kind", "exporter", "label", "studio", "params", "status", "progress", "total",
                       "done", "error", "file", "filename", "created_at", "finished_at", "expires_at")
    search_fields = ("label", "user__username")

    def has_add_permission(self, request):
        return False
