from django import forms
from django.utils.translation import gettext_lazy as _

from studios.models import SchoolYear


class LedgerUploadForm(forms.Form):
    file = forms.FileField(label=_("Ledger workbook (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


class LedgerConfirmForm(forms.Form):
    upload = forms.UUIDField(widget=forms.HiddenInput)
    # Shown (and needed) only when the preview lists sheets or columns that are not read.
    accept_unread = forms.BooleanField(
        required=False, label=_("I have checked the sheets and columns listed as not read: import without them."))


def exporter_form_class(exporter_cls):
    """A form with the exporter's options as fields."""
    return type(f"{exporter_cls.__name__}Form", (forms.Form,), dict(exporter_cls.form_fields()))


class ArchiveForm(forms.Form):
    school_year = forms.ModelChoiceField(label=_("School year"), queryset=SchoolYear.objects.all(),
                                         to_field_name="start_year", empty_label=None)
    cycle = forms.BooleanField(label=_("The whole cycle containing this school year"), required=False)
