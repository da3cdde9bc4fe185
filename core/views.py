from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from studios.access import can_view_upload

from .models import Notification, Upload
from .registry import panels_for
from .services import audit_record, notifications_mark_read, upload_preview_request
from .signals import preview_name

# Never a PDF: the browser's own viewer would run the file's scripts. Documents are seen as page images instead
# (upload_preview), drawn by the worker.
INLINE_TYPES = {"image/jpeg", "image/png", "text/plain; charset=utf-8"}


@login_required
def home(request):
    return render(request, "core/home.html", {"panels": panels_for(request)})


@xframe_options_sameorigin
@login_required
def upload_download(request, pk):
    upload = get_object_or_404(Upload, pk=pk)
    if not can_view_upload(request.user, upload):
        raise Http404
    inline = request.GET.get("inline") == "1" and upload.content_type in INLINE_TYPES
    audit_record(actor=request.user, action="file.download", target=upload, studio=upload.studio, request=request)
    disposition = content_disposition_header(not inline, upload.original_name)
    if settings.PRIVATE_FILES_ACCEL_PREFIX:
        # nginx sends the bytes from an internal location; Python only decides who may have them.
        response = HttpResponse(content_type=upload.content_type)
        response["X-Accel-Redirect"] = settings.PRIVATE_FILES_ACCEL_PREFIX + upload.file.name
    else:
        response = FileResponse(upload.file.open("rb"), content_type=upload.content_type)
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _visible_upload(user, pk) -> Upload:
    upload = get_object_or_404(Upload, pk=pk)
    if not can_view_upload(user, upload):
        raise Http404
    return upload


@login_required
def upload_preview(request, pk):
    """The pages of a document as images (a fragment for htmx): in the review queue's pane and on a record's
    page. While the worker draws them the fragment shows that and asks again."""
    upload = upload_preview_request(upload=_visible_upload(request.user, pk))
    label = request.GET.get("label", "")[:200]
    if upload.preview == Upload.Preview.DONE:  # once per opening: a fragment still being prepared asks again
        audit_record(actor=request.user, action="file.preview", target=upload, studio=upload.studio,
                     request=request)
    return render(request, "core/_preview.html", {"upload": upload, "label": label,
                                                  "pages": range(1, upload.preview_pages + 1)})


@login_required
def upload_page(request, pk, number):
    """One page image of a preview (or the photo itself); inline, since an image runs nothing."""
    upload = _visible_upload(request.user, pk)
    if not 1 <= number <= upload.preview_pages or upload.preview != Upload.Preview.DONE:
        raise Http404
    if upload.is_image:
        response = FileResponse(upload.file.open("rb"), content_type=upload.content_type)
    else:
        name = preview_name(upload, number)
        if not upload.file.storage.exists(name):
            raise Http404
        response = FileResponse(upload.file.storage.open(name, "rb"), content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=600"
    response["Content-Disposition"] = "inline"
    return response


@login_required
def notification_list(request):
    queryset = Notification.objects.filter(recipient=request.user)
    page = Paginator(queryset, 30).get_page(request.GET.get("page"))
    return render(request, "core/notification_list.html", {"page": page})


@login_required
@require_POST
def notification_mark_read(request):
    raw_ids = request.POST.getlist("id")
    ids = [int(value) for value in raw_ids if value.isdigit()] if raw_ids else None
    count = notifications_mark_read(user=request.user, ids=ids)
    if count:
        messages.success(request, _("Marked %(count)d notifications as read.") % {"count": count})
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("core:notifications")


# --- error pages: in Chinese, with a way home (DEBUG off) -------------------------------------------------------

ERRORS = {
    400: (_lazy("Bad request"), _lazy("The request could not be understood. Go back and try again.")),
    403: (_lazy("Not allowed"), _lazy("This page is for the research centre office, or you may not do this here.")),
    404: (_lazy("Page not found"), _lazy("The page does not exist, or it is not open to you.")),
    "csrf": (_lazy("The form has expired"),
             _lazy("The page was open too long or was opened in another window. Go back, reload the page and send "
                   "the form again.")),
}


def _error(request, key, status):
    title, text = ERRORS[key]
    return render(request, "_error.html", {"error_code": status, "error_title": title, "error_text": text},
                  status=status)


def bad_request(request, exception=None):
    return _error(request, 400, 400)


def permission_denied(request, exception=None):
    return _error(request, 403, 403)


def page_not_found(request, exception=None):
    return _error(request, 404, 404)


def csrf_failure(request, reason=""):
    return _error(request, "csrf", 403)


def server_error(request):
    # No context processors: whatever failed may be one of them.
    return HttpResponse(get_template("500.html").render(), status=500)
