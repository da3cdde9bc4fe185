from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Stage, Teacher

from .models import Cycle, Membership, SchoolYear, Studio


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class SchoolYearField(forms.CharField):
    """A school year typed as 2024-2025; cleaned to its start year."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("For example 2024-2025"))
        super().__init__(max_length=9, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            return SchoolYear.parse_label(value)
        except ValueError:
            raise forms.ValidationError(_("Write the school year like 2024-2025.")) from None


class TeacherChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        school = f" · {obj.school.name}" if obj.school_id else ""
        return f"{obj.name}（{obj.code}）{school}"


def teacher_field(**kwargs) -> TeacherChoiceField:
    return TeacherChoiceField(queryset=Teacher.objects.select_related("school").order_by("name"), **kwargs)


class StudioFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=[("", _("All stages")), *Stage.choices])
    subject = forms.CharField(label=_("Subject"), required=False)
    status = forms.ChoiceField(label=_("Cycle status"), required=False,
                               choices=[("", _("Any status")), *Cycle.Status.choices])


class StudioCreateForm(forms.ModelForm):
    cycle_start = SchoolYearField(label=_("First school year of the cycle"))
    host = teacher_field(label=_("Host"))

    class Meta:
        model = Studio
        fields = ["code", "name", "subject", "stage", "description"]

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()


class StudioEditForm(forms.ModelForm):
    class Meta:
        model = Studio
        fields = ["name", "subject", "stage", "description"]


class CycleCreateForm(forms.Form):
    start = SchoolYearField(label=_("First school year of the cycle"))


class CycleDecisionForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    on = forms.DateField(label=_("Effective date"), widget=DateInput(), required=False)


class MembershipJoinForm(forms.Form):
    teacher = teacher_field(label=_("Teacher"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER)
    joined_on = forms.DateField(label=_("Joined on"), widget=DateInput())


class MembershipLeaveForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class SchoolYearForm(forms.Form):
    start = forms.DateField(label=_("First day"), widget=DateInput())
    semester2_start = forms.DateField(label=_("First day of semester 2"), widget=DateInput())
    end = forms.DateField(label=_("Last day"), widget=DateInput())
