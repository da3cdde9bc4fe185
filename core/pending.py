"""A retained pending upload: when a form with a file is refused (a missing title, a typed count above the
file's), the file the teacher chose is kept, so that on a phone it need not be picked again. It is stored
like any upload (private, checked by content) but belongs to no record until the form succeeds; its id lives in
the person's session, under the form's key."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from .models import Upload
from .services import upload_create, upload_discard
from .uploads import check_upload

SESSION_KEY = "pending_uploads"


def pending(request, key: str) -> Upload | None:
    upload_id = request.session.get(SESSION_KEY, {}).get(key)
    if not upload_id:
        return None
    return Upload.objects.filter(pk=upload_id, uploaded_by=request.user, studio=None, owner=None).first()


def keep(request, key: str, file, accept) -> Upload | None:
    """Keep the chosen file for the next try; a file that is itself refused is not kept (its error says why)."""
    if file is None:
        return pending(request, key)
    try:
        checked = check_upload(file, accept)
    except ValidationError:
        return None
    forget(request, key)
    upload = upload_create(checked=checked, original_name=file.name, user=request.user)
    request.session[SESSION_KEY] = {**request.session.get(SESSION_KEY, {}), key: str(upload.pk)}
    return upload


def as_file(upload: Upload) -> SimpleUploadedFile:
    with upload.file.open("rb") as stream:
        return SimpleUploadedFile(upload.original_name, stream.read())


def forget(request, key: str) -> None:
    """The form succeeded, or was left: the kept copy goes."""
    upload = pending(request, key)
    kept = request.session.get(SESSION_KEY, {})
    if key in kept:
        request.session[SESSION_KEY] = {name: value for name, value in kept.items() if name != key}
    upload_discard(upload)


def chosen_file(request, key: str, file):
    """The file to use: the one chosen now, or else the one kept from the last try (when the form says so)."""
    if file is not None:
        return file
    upload = pending(request, key) if request.POST.get("keep_pending") else None
    return as_file(upload) if upload is not None else None
