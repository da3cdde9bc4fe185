from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AssessmentSignoff, RuleSettings

KIND_CHOICES = [("annual", _("Annual assessment")), ("cycle", _("Cycle assessment"))]
STATUS_CHOICES = [
    ("met", _("Met")),
    ("not_met", _("Not met")),
    ("pending", _("Pending")),
    ("not_applicable", _("Not applicable")),
]
GRADE_CHOICES = AssessmentSignoff.Grade.choices


class AssessmentChoiceForm(forms.Form):
    """Which assessment to show: annual or cycle, for one of the school years offered."""

    kind = forms.ChoiceField(label=_("Assessment"), choices=KIND_CHOICES, initial="annual",
                             widget=forms.Select(attrs={"class": "form-select"}))
    year = forms.ChoiceField(label=_("School year"), widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, years: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(label, label) for label in years]
        self.fields["year"].error_messages["invalid_choice"] = _("Choose one of the school years listed.")


class OverviewFilterForm(forms.Form):
    """The overview's filters: subject, stage, verdict, only the studios behind; the sort and the page."""

    subject = forms.ChoiceField(label=_("Subject"), required=False,
                                widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    stage = forms.ChoiceField(label=_("Stage"), required=False,
                              widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    verdict = forms.ChoiceField(label=_("Verdict"), required=False,
                                choices=[("", _("Any verdict")), ("fail", _("Fail")), ("pending", _("Undecided")),
                                         ("pass", _("Pass"))],
                                widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    behind = forms.BooleanField(label=_("Only studios behind"), required=False,
                                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def __init__(self, *args, subjects: list[str], **kwargs):
        from members.models import Stage

        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [("", _("Any subject"))] + [(s, s) for s in subjects]
        self.fields["stage"].choices = [("", _("Any stage")), *Stage.choices]

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {"subject": "", "stage": "", "verdict": "", "behind": False}
        return {name: self.cleaned_data[name] for name in ("subject", "stage", "verdict", "behind")}


# Nothing is chosen for the officer: a grade is a decision, not a default to accept.
GRADE_OR_NOTHING = [("", _("— choose a grade —")), *GRADE_CHOICES]


class SignoffForm(forms.Form):
    """The office's final grade for the studio and each person listed, with a comment (五, 十四). Before the
    period has ended (`early`), the officer must state why it is signed off already."""

    grade = forms.ChoiceField(label=_("Final grade of the studio"), choices=GRADE_OR_NOTHING,
                              error_messages={"required": _("Choose the final grade.")})
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    early_reason = forms.CharField(
        label=_("Reason for signing off before the period ends"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, people: list[dict], early: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = people
        self.early = early
        if not early:
            del self.fields["early_reason"]
        for person in people:
            self.fields[self.person_field(person["teacher"])] = forms.ChoiceField(
                label=person["name"], choices=GRADE_OR_NOTHING, initial=person.get("initial"),
                error_messages={"required": _("Choose a grade for %(name)s.") % {"name": person["name"]}},
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def clean_early_reason(self):
        reason = (self.cleaned_data.get("early_reason") or "").strip()
        if self.early and not reason:
            raise forms.ValidationError(_("The period has not ended: state why it is signed off already."))
        return reason

    @staticmethod
    def person_field(teacher: str) -> str:
        return f"person_{teacher}"

    def person_fields(self):
        return [self[self.person_field(person["teacher"])] for person in self.people]

    def person_grades(self) -> dict[str, str]:
        return {person["teacher"]: self.cleaned_data[self.person_field(person["teacher"])] for person in self.people}


class OverrideForm(forms.Form):
    """An officer's override of one rule instance; the instance is named by hidden fields."""

    teacher = forms.CharField(required=False, widget=forms.HiddenInput)
    rule = forms.CharField(widget=forms.HiddenInput)
    period = forms.CharField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(choices=KIND_CHOICES, widget=forms.HiddenInput)
    year = forms.CharField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status after the override"), choices=STATUS_CHOICES)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the reason for the override.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Write the reason for the override."))
        return reason


class OverrideDeleteForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write why the override is withdrawn.")},
    )


class RuleSettingsForm(forms.ModelForm):
    reason = forms.CharField(label=_("Reason for the change"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = RuleSettings
        fields = list(RuleSettings.EDITABLE_FIELDS)
