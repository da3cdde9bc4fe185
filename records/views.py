from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from core.services import audit_trail
from studios.access import can_manage_studio, get_studio_for_user, is_office

from .models import StudioDocument


@login_required
def document_detail(request, code, pk):
    studio = get_studio_for_user(request.user, code)
    document = get_object_or_404(StudioDocument.objects.select_related("school_year", "upload", "decided_by"),
                                 pk=pk, studio=studio)
    return render(request, "records/document_detail.html", {
        "studio": studio, "document": document, "trail": audit_trail(document),
        "can_manage": can_manage_studio(request.user, studio), "is_office": is_office(request.user),
    })
