"""The password policy as a Django password validator: every form that sets a password runs it (AUTH_PASSWORD_
VALIDATORS) — the change form, Django admin's add and reset forms, createsuperuser and changepassword — and so do
the services that set a password for someone (django.contrib.auth.password_validation.validate_password)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .policy import PASSWORD_MIN_CLASSES, PASSWORD_MIN_LENGTH, password_problems


class PasswordPolicyValidator:
    def messages(self) -> dict[str, str]:
        return {
            "password_too_short": _("The password must be at least %(min_length)d characters long.")
            % {"min_length": PASSWORD_MIN_LENGTH},
            "password_too_simple": _("The password must use at least %(classes)d of these four: capital letters, "
                                     "small letters, digits and other signs such as - or @.")
            % {"classes": PASSWORD_MIN_CLASSES},
            "password_contains_username": _("The password must not contain the username."),
        }

    def validate(self, password, user=None):
        username = user.get_username() if user is not None else ""
        problems = password_problems(password or "", username or "")
        if problems:
            texts = self.messages()
            raise ValidationError([ValidationError(texts[code], code=code) for code in problems])

    def get_help_text(self):
        return _("At least %(min_length)d characters, using at least %(classes)d of capital letters, small letters, "
                 "digits and other signs, and not containing your username.") % {
            "min_length": PASSWORD_MIN_LENGTH, "classes": PASSWORD_MIN_CLASSES}
