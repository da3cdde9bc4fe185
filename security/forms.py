from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from members.models import User
from studios.forms import DateInput
from studios.models import Studio

from .selectors import action_families


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Kind of event"), required=False)
    actor = forms.CharField(label=_("Person"), max_length=100, required=False,
                            widget=forms.TextInput(attrs={"placeholder": _("Name or username")}))
    studio = forms.ModelChoiceField(label=_("Studio"), queryset=Studio.objects.order_by("code"), required=False,
                                    empty_label=_("All studios"))
    date_from = forms.DateField(label=_("From"), widget=DateInput(), required=False)
    date_to = forms.DateField(label=_("To"), widget=DateInput(), required=False)
    q = forms.CharField(label=_("Search"), max_length=100, required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Object, comment or action")}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All events"))] + action_families()

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must not be before the start date."))
        for name in ("actor", "q"):
            data[name] = (data.get(name) or "").strip()
        return data


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's own form (old password, new twice, the password policy); security.views saves it."""


class AccountSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Name or username")}))
    role = forms.ChoiceField(label=_("Role"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("All roles")), *User.Role.choices]

    def clean_q(self):
        return self.cleaned_data["q"].strip()


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=User.Role.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Say why the role changes.")})


class SecondFactorForm(forms.Form):
    """The code step: the 6 digits the authenticator app shows now, or (recovery=True) one recovery code."""

    otp_token = forms.CharField(label=_("6-digit code"), max_length=20, strip=True,
                                error_messages={"required": _("Enter the code.")})

    def __init__(self, *args, recovery: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.recovery = recovery
        field = self.fields["otp_token"]
        field.widget.attrs.update({"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false",
                                   "autocapitalize": "off"})
        if recovery:
            field.label = _("Recovery code")
            field.help_text = _("One of the recovery codes you kept when you enrolled, such as abcd-efgh. Each code "
                                "works once.")
            field.error_messages["required"] = _("Enter a recovery code.")
        else:
            field.widget.attrs.update({"inputmode": "numeric"})
            field.help_text = _("Open the authenticator app on your phone and enter the code it shows for this "
                                "account.")

    def clean_otp_token(self):
        value = "".join(self.cleaned_data["otp_token"].split())
        if not self.recovery and not (value.isdigit() and len(value) == 6):
            raise forms.ValidationError(_("The code has 6 digits."))
        return value


class EnrolForm(SecondFactorForm):
    """The first code of a new authenticator, which confirms it."""


class SecondFactorResetForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Say why the second factor is reset.")})
