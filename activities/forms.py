import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.uploads import SCAN, WRITING, accepted_label, check_upload
from members.models import Teacher
from studios.forms import DateInput, TeacherChoiceField

from .models import Activity, Attendance
from .selectors import QUEUE_KINDS, QUEUE_STATES
from .services import PHOTO


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


def _checked(file, accept):
    """Validate an uploaded file here so that a wrong file is a field error; the service stores it."""
    if file:
        try:
            check_upload(file, accept)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None
    return file


class ActivityForm(forms.ModelForm):
    organiser = TeacherChoiceField(
        queryset=Teacher.objects.none(), required=False, label=_("Organiser (the presenter of a lecture or open class)")
    )
    plan_file = forms.FileField(
        label=pgettext_lazy("activities", "Activity plan"),
        required=False,
        help_text=_("Needed before a whole-banner activity is filed. Accepted: %(kinds)s.")
        % {"kinds": accepted_label(WRITING)},
    )

    class Meta:
        model = Activity
        fields = [
            "title",
            "kind",
            "scope",
            "date",
            "start_time",
            "end_time",
            "place",
            "organiser",
            "attendance_required",
        ]
        widgets = {"date": DateInput(), "start_time": TimeInput(), "end_time": TimeInput()}

    def __init__(self, *args, studio, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = (
            Teacher.objects.filter(memberships__studio=studio).select_related("school").distinct().order_by("name")
        )

    def clean_plan_file(self):
        return _checked(self.cleaned_data.get("plan_file"), WRITING)

    def clean(self):
        data = super().clean()
        if data.get("kind") in Activity.PRESENTER_KINDS and not data.get("organiser"):
            self.add_error("organiser", _("A lecture or open class needs its presenter."))
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The end time must be after the start time."))
        return data


class MarkHeldForm(forms.Form):
    confirm_unfiled = forms.BooleanField(
        label=_(
            "I confirm this whole-banner activity was held without a filing approved in time; it will be shown "
            "as not filed and will not count."
        ),
        required=False,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=pgettext_lazy("activities", "Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=pgettext_lazy("activities", "Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Why is it returned?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Please give the reason for returning.")},
    )


class RecordForm(forms.Form):
    summary = forms.CharField(
        label=pgettext_lazy("activities", "Summary"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=5000,
    )
    minutes_file = forms.FileField(
        label=pgettext_lazy("activities", "Minutes"),
        required=False,
        help_text=_("Accepted: %(kinds)s.") % {"kinds": accepted_label(WRITING)},
    )
    signin_file = forms.FileField(
        label=pgettext_lazy("activities", "Sign-in sheet scan"),
        required=False,
        help_text=_("Accepted: %(kinds)s.") % {"kinds": accepted_label(SCAN)},
    )
    photo_files = MultipleFileField(
        label=pgettext_lazy("activities", "Photos"),
        required=False,
        help_text=_("Accepted: %(kinds)s.") % {"kinds": accepted_label(PHOTO)},
    )

    def clean_minutes_file(self):
        return _checked(self.cleaned_data.get("minutes_file"), WRITING)

    def clean_signin_file(self):
        return _checked(self.cleaned_data.get("signin_file"), SCAN)

    def clean_photo_files(self):
        return [_checked(file, PHOTO) for file in self.cleaned_data.get("photo_files") or []]


class AttendanceForm(forms.Form):
    """One radio group per person on the roster, everyone present unless changed."""

    def __init__(self, *args, roster, current: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.roster = roster
        for membership in roster:
            self.fields[f"t{membership.teacher_id}"] = forms.ChoiceField(
                label=membership.teacher.name,
                choices=Attendance.Status.choices,
                widget=forms.RadioSelect,
                initial=current.get(membership.teacher_id, Attendance.Status.PRESENT),
                error_messages={
                    "required": _("Choose present, excused or absent."),
                    "invalid_choice": _("Choose present, excused or absent."),
                },
            )

    def rows(self):
        return [(membership, self[f"t{membership.teacher_id}"]) for membership in self.roster]

    def exceptions(self) -> dict[int, str]:
        return {
            membership.teacher_id: self.cleaned_data[f"t{membership.teacher_id}"]
            for membership in self.roster
            if self.cleaned_data[f"t{membership.teacher_id}"] != Attendance.Status.PRESENT
        }


class MonthField(forms.CharField):
    # The calendar pages a month either way: the first and last year a date can hold are out of bounds (9999-12
    # has no next month), and nothing the bureau records lies that far away anyway.
    FIRST_YEAR, LAST_YEAR = 1900, 2999

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            month = datetime.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(_("Write the month like 2026-11.")) from None
        if not self.FIRST_YEAR <= month.year <= self.LAST_YEAR:
            raise forms.ValidationError(_("Choose a month between %(first)d and %(last)d.")
                                        % {"first": self.FIRST_YEAR, "last": self.LAST_YEAR})
        return month


class CalendarFilterForm(forms.Form):
    month = MonthField(label=pgettext_lazy("activities", "Month"), required=False, max_length=7)
    view = forms.ChoiceField(
        label=pgettext_lazy("activities", "View"),
        required=False,
        choices=[("month", pgettext_lazy("activities", "Month grid")), ("list", pgettext_lazy("activities", "List"))],
    )
    studio = forms.ChoiceField(label=pgettext_lazy("activities", "Studio"), required=False)

    def __init__(self, *args, studios=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["studio"].choices = [
            ("", pgettext_lazy("activities", "Every studio")),
            *[(s.code, s.name) for s in studios],
        ]


class QueueFilterForm(forms.Form):
    # A text box (code or name, with suggestions) rather than a list of every studio: a region has a thousand.
    studio = forms.CharField(label=pgettext_lazy("activities", "Studio"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=pgettext_lazy("activities", "Kind"),
        required=False,
        choices=[("", pgettext_lazy("activities", "Every kind")), *QUEUE_KINDS],
    )
    state = forms.ChoiceField(
        label=pgettext_lazy("activities", "State"), required=False, choices=[("", _("Waiting on me")), *QUEUE_STATES]
    )

    def __init__(self, *args, studios=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.studios = studios  # the queryset of the studios the user's queue covers

    def clean_studio(self):
        """The studio named by its code (or name, or a unique part of it) among those of the queue; None for all."""
        text = (self.cleaned_data.get("studio") or "").strip()
        if not text or self.studios is None:
            return None
        found = (self.studios.filter(code__iexact=text).first()
                 or (self.studios.filter(pk=int(text)).first() if text.isdigit() else None)
                 or self.studios.filter(name=text).first())
        if found is None:
            matches = list(self.studios.filter(Q(name__icontains=text) | Q(code__icontains=text))[:2])
            if len(matches) == 1:
                found = matches[0]
        if found is None:
            raise forms.ValidationError(_("No single studio matches “%(text)s”; type its code or full name.") %
                                        {"text": text})
        return found


class HeldWithAttendanceForm(AttendanceForm):
    """Held, with the attendance, in one form: the roster (preset from the QR sign-ins if any) and, for a 全旗
    activity without a filing approved in time, the confirmation that it was held anyway."""

    def __init__(self, *args, unfiled: bool, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False  # a person left unanswered keeps what is preset
        if unfiled:
            self.fields = {"confirm_unfiled": MarkHeldForm.base_fields["confirm_unfiled"], **self.fields}

    def exceptions(self) -> dict[int, str]:
        chosen = {}
        for membership in self.roster:
            name = f"t{membership.teacher_id}"
            chosen[membership.teacher_id] = self.cleaned_data.get(name) or self.fields[name].initial
        return {teacher: status for teacher, status in chosen.items() if status != Attendance.Status.PRESENT}


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class SigninWindowForm(forms.Form):
    opens_at = forms.DateTimeField(label=_("Sign-in opens"), widget=DateTimeInput(),
                                   input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    closes_at = forms.DateTimeField(label=_("Sign-in closes"), widget=DateTimeInput(),
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("The sign-in must close after it opens."))
        return data
