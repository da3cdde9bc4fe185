"""Helpers the records pages share: errors on forms, the teacher's own studios, the school year asked for,
and the confirm-then-delete page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.services import DomainError
from members.models import Teacher
from studios.access import studio_roles, today
from studios.models import SchoolYear, Studio

from .. import selectors


def add_error(form, error) -> None:
    """A refused service call, shown on the form: DomainError as a sentence, ValidationError on the form."""
    if isinstance(error, ValidationError):
        for message in error.messages:
            form.add_error(None, message)
    else:
        form.add_error(None, str(error))


def own_teacher(user) -> Teacher:
    teacher = getattr(user, "teacher", None)
    if teacher is None:
        raise Http404
    return teacher


def own_studios(user):
    """The studios a teacher is in now (host or member): where they may record works and pairs."""
    roles = studio_roles(user)
    return Studio.objects.filter(pk__in=roles.hosted | roles.member_of).order_by("code")


def year_from(request, value=None) -> SchoolYear:
    value = value or request.GET.get("year")
    calendar = selectors.Calendar()
    if value:
        try:
            start_year = SchoolYear.parse_label(value)
        except ValueError:
            raise Http404 from None
        year = next((y for y in calendar.years if y.start_year == start_year), None)
        if year is None:
            raise Http404
        return year
    year = calendar.year_of(today())
    if year.pk is None:
        year = SchoolYear.get_or_create_for(year.start_year)
    return year


def url_for(name, **kwargs) -> str:
    return reverse(name, kwargs=kwargs)


def confirm_delete(request, *, delete, title: str, object_label: str, question: str, cancel_url: str,
                   done_url: str):
    """Confirm, then delete: a GET shows records/confirm.html; a POST calls delete(), says “Deleted.” and goes to
    done_url. A delete the service refuses (DomainError) is said as an error and goes back to cancel_url."""
    if request.method == "POST":
        try:
            delete()
        except DomainError as error:
            messages.error(request, str(error))
            return redirect(cancel_url)
        messages.success(request, _("Deleted."))
        return redirect(done_url)
    return render(request, "records/confirm.html", {
        "title": title, "object_label": object_label, "danger": True, "cancel_url": cancel_url,
        "question": question,
    })
