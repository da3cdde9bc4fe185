"""Model permissions that follow the role (三员分立), so that nobody hands them out one by one in the admin."""

from django.contrib.auth.backends import BaseBackend

# The system administrator's part of the Django admin: accounts and schools. Everything else there is the
# superuser's, for installation only; the studios' records are changed through the application's pages.
ROLE_PERMISSIONS = {
    "admin": frozenset({
        "members.view_user", "members.add_user", "members.change_user",
        "members.view_school", "members.add_school", "members.change_school",
    }),
}


class RolePermissionBackend(BaseBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        return set(ROLE_PERMISSIONS.get(user_obj.role, ()))

    def has_perm(self, user_obj, perm, obj=None):
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label):
        return any(perm.startswith(app_label + ".") for perm in self.get_all_permissions(user_obj))
