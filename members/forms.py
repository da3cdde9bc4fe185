from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from studios.forms import DateInput
from studios.models import Studio

from .models import Application, School, Title


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("Username"), widget=forms.TextInput(attrs={"autofocus": True,
                                                                                 "autocomplete": "username"}))


class TitleForm(forms.ModelForm):
    certificate_file = forms.FileField(label=_("Certificate scan"), required=False,
                                       help_text=_("Accepted: .jpg, .png, .pdf"))

    class Meta:
        model = Title
        fields = ["kind", "level", "awarded_on"]
        widgets = {"awarded_on": DateInput()}


class ApplicationForm(forms.ModelForm):
    studio = forms.ModelChoiceField(label=_("Studio"), queryset=Studio.objects.order_by("code"))

    class Meta:
        model = Application
        fields = ["studio", "statement"]
        widgets = {"statement": forms.Textarea(attrs={"rows": 6})}


class RecommendationForm(forms.Form):
    recommended_by = forms.CharField(label=_("Recommended by (school contact)"), max_length=50)
    recommended_on = forms.DateField(label=_("Recommended on"), widget=DateInput())
    recommendation = forms.CharField(label=_("School recommendation"), widget=forms.Textarea(attrs={"rows": 4}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=pgettext_lazy("application", "Decision"),
                                 choices=[("accept", _("Accept")), ("decline", _("Decline"))])
    joined_on = forms.DateField(label=_("Joins on"), widget=DateInput(), required=False)
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "accept" and not data.get("joined_on"):
            self.add_error("joined_on", _("Give the date the teacher joins the studio."))
        if data.get("decision") == "decline" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say why the application is declined."))
        return data


class AccountsForm(forms.Form):
    OUTPUTS = [("slips", _("Printable slips")), ("sheet", _("Excel sheet"))]

    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.order_by("name"))
    reissue = forms.BooleanField(
        label=_("Also give new one-time passwords to teachers who already have an account"), required=False,
        help_text=_("Without this, only teachers without an account or without a password (imported from a "
                    "ledger) get one."))
    output = forms.ChoiceField(label=_("Give them out as"), choices=OUTPUTS, initial="slips",
                               widget=forms.RadioSelect)
