"""Helpers the records services share: storing an upload, checking a teacher is in the studio."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.models import Upload
from core.services import DomainError, upload_create
from core.uploads import check_upload
from studios.models import Membership


def store(*, file, accept, actor, studio, owner=None, visibility=Upload.Visibility.OWNER, count_text=False):
    checked = check_upload(file, accept)
    return upload_create(checked=checked, original_name=file.name, user=actor, studio=studio, owner=owner,
                         visibility=visibility, count_text=count_text)


def check_member(teacher, studio) -> None:
    if not Membership.objects.filter(teacher=teacher, studio=studio).exists():
        raise DomainError(_("%(name)s is not in this studio.") % {"name": teacher.name})
