from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.models import Level
from studios.access import today
from studios.forms import DateInput, TeacherChoiceField
from studios.models import SchoolYear, Studio

from .models import FundEntry, HostEvaluation, StudioDocument, Work

# What the phone's file picker offers: every format core.uploads.WRITING reads, photos of pages included.
WRITING_ACCEPT = ".docx,.doc,.wps,.odt,.pdf,.txt,.jpg,.jpeg,.png"
SCAN_ACCEPT = ".jpg,.jpeg,.png,.pdf"
ANY_ACCEPT = ".docx,.pdf,.txt,.jpg,.jpeg,.png"


def file_field(label, accept: str, help_text="", required=False) -> forms.FileField:
    return forms.FileField(label=label, required=required, help_text=help_text,
                           widget=forms.ClearableFileInput(attrs={"accept": accept}))


class SchoolYearChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=SchoolYear.objects.order_by("-start_year"), **kwargs)

    def label_from_instance(self, obj):
        return obj.label


class PastDateField(forms.DateField):
    def __init__(self, **kwargs):
        super().__init__(widget=DateInput(), **kwargs)

    def validate(self, value):
        super().validate(value)
        if value and value > today():
            raise forms.ValidationError(_("The date cannot be in the future."))


class WorkForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Work.Kind.choices)
    title = forms.CharField(label=pgettext_lazy("records", "Title"), max_length=200)
    date = PastDateField(label=_("Date"), help_text=_("The date the work was written; it decides the semester "
                                                      "it counts for."))
    studio = forms.ModelChoiceField(label=_("Studio"), queryset=Studio.objects.none())
    file = file_field(_("File"), WRITING_ACCEPT, help_text=_(
        "Accepted: Word (.docx, .doc), WPS (.wps), .odt, PDF, .txt, or photos of the pages (.jpg, .png). The "
        "character count is taken from the file."))
    char_count = forms.IntegerField(
        label=_("Character count"), required=False, min_value=0, max_value=1_000_000,
        help_text=_("Only for a scan or a photo without a text layer, or to count less than the whole file; "
                    "it can never be higher than the file's own count."),
    )

    def __init__(self, *args, studios, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["studio"].queryset = studios
        if len(studios) == 1:
            self.fields["studio"].initial = studios[0].pk


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=StudioDocument.Kind.choices)
    school_year = SchoolYearChoiceField(label=_("School year"))
    title = forms.CharField(label=pgettext_lazy("records", "Title"), max_length=200)
    file = file_field(_("File"), WRITING_ACCEPT, help_text=_(
        "Accepted: Word (.docx, .doc), WPS (.wps), .odt, PDF, .txt, or photos of the pages (.jpg, .png)."))


class DocumentEditForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("records", "Title"), max_length=200)
    file = file_field(_("Replace the file"), WRITING_ACCEPT, help_text=_(
        "Accepted: Word (.docx, .doc), WPS (.wps), .odt, PDF, .txt, or photos of the pages (.jpg, .png). The old "
        "file is kept until the new one is saved."))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=pgettext_lazy("records", "Decision"), widget=forms.RadioSelect,
                                 choices=[("approve", _("Approve")), ("return", _("Return with a comment"))])
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Please say why the document is returned."))
        return data


class ProjectForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("records", "Title"), max_length=200)
    level = forms.TypedChoiceField(label=_("Level"), choices=Level.choices, coerce=int)
    approved_on = forms.DateField(label=_("Approved on (立项)"), widget=DateInput())
    concluded_on = forms.DateField(label=_("Concluded on (结题)"), required=False, widget=DateInput())
    leader = TeacherChoiceField(label=_("Leader"), queryset=None)
    participants = forms.ModelMultipleChoiceField(label=_("Participants"), queryset=None, required=False,
                                                  widget=forms.CheckboxSelectMultiple)
    approval_file = file_field(_("Approval document"), ANY_ACCEPT)
    conclusion_file = file_field(_("Conclusion document"), ANY_ACCEPT)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = people
        self.fields["participants"].queryset = people

    def clean(self):
        data = super().clean()
        approved, concluded = data.get("approved_on"), data.get("concluded_on")
        if approved and concluded and concluded < approved:
            self.add_error("concluded_on", _("The conclusion date cannot be before the approval date."))
        return data


class PairForm(forms.Form):
    studio = forms.ModelChoiceField(label=_("Studio"), queryset=Studio.objects.none())
    mentee_name = forms.CharField(label=_("Rural teacher"), max_length=50)
    mentee_school = forms.CharField(label=_("Rural teacher's school"), max_length=100)
    started_on = forms.DateField(label=_("Started on"), widget=DateInput())
    ended_on = forms.DateField(label=_("Ended on"), required=False, widget=DateInput())
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, studios, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["studio"].queryset = studios
        if len(studios) == 1:
            self.fields["studio"].initial = studios[0].pk

    def clean(self):
        data = super().clean()
        started, ended = data.get("started_on"), data.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", _("The end date cannot be before the start date."))
        return data


class VisitForm(forms.Form):
    visited_on = PastDateField(label=_("Visited on"))
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class TaskForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("records", "Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())
    teachers = forms.ModelMultipleChoiceField(label=_("Assignees"), queryset=None,
                                              widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teachers"].queryset = people


class CompleteForm(forms.Form):
    """The assignee marks a task done: on the day it is recorded (clarification 10), so there is no date to pick."""

    file = file_field(_("File (optional)"), ANY_ACCEPT)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RecordCompletionForm(CompleteForm):
    """The host or the office records a member's completion, on an earlier day if need be, saying why."""

    completed_on = PastDateField(label=_("Completed on"))
    reason = forms.CharField(label=_("Why an earlier day (recorded in the audit log)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    field_order = ["completed_on", "reason", "file", "note"]

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        data = super().clean()
        day = data.get("completed_on")
        if day is not None and day < self.today and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the task is recorded as done on an earlier day."))
        return data


class EvaluationForm(forms.ModelForm):
    class Meta:
        model = HostEvaluation
        fields = [*HostEvaluation.SCORE_FIELDS, "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in HostEvaluation.SCORE_FIELDS:
            self.fields[name].widget.attrs.update({"min": 0, "max": 100})


class AllocationForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=12, decimal_places=2, min_value=0.01)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    description = forms.CharField(label=_("Description"), max_length=300, required=False)


class ExpenseForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=12, decimal_places=2, min_value=0.01)
    category = forms.ChoiceField(label=_("Category"), choices=FundEntry.Category.choices)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    receipt = file_field(_("Receipt"), SCAN_ACCEPT, help_text=_("Accepted: .jpg, .png, .pdf."))
    exception_reason = forms.CharField(
        label=_("Exception (office only)"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("An officer may let an expense go beyond the year's balance by giving the reason here."),
    )

    def __init__(self, *args, office: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not office:
            del self.fields["exception_reason"]


class StudioRecordsFilter(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Work.Kind.choices])
    person = forms.ModelChoiceField(label=_("Person"), required=False, queryset=None, empty_label=_("Everyone"))
    period = forms.ChoiceField(label=_("Period"), required=False)

    def __init__(self, *args, people, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["period"].choices = [("", _("Any time")), *periods]


class YearLockForm(forms.Form):
    school_year = SchoolYearChoiceField(label=_("School year"))
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class YearReopenForm(YearLockForm):
    reason = forms.CharField(label=_("Why is the year reopened?"), widget=forms.Textarea(attrs={"rows": 2}))
