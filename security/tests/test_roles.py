"""三员分立: the system, security and audit administrators; none does another's work or the office's, none gives
themselves a role, and every role change and Django-admin change is in the audit log."""

import pytest
from django.urls import reverse

from core.models import AuditEntry
from core.services import DomainError
from members.models import User
from security import services
from studios.tests.factories import UserFactory

ROLE_URL = "security:account_role"


def _role_change(banner, user, role, *, actor=None, reason="工作调整"):
    return services.account_role_change(actor=actor or banner.security_admin, user=user, role=role, reason=reason)


# --- the service ----------------------------------------------------------------------------------------------


def test_the_security_administrator_changes_a_role_and_it_is_audited(banner):
    member = banner.users["member_a"]
    _role_change(banner, member, User.Role.OFFICER, reason="调入教研中心")
    member.refresh_from_db()
    assert member.role == User.Role.OFFICER and member.is_office
    entry = AuditEntry.objects.get(action="account.role_change")
    assert (entry.actor, entry.target_id, entry.from_state, entry.to_state, entry.comment) == (
        banner.security_admin, str(member.pk), "teacher", "officer", "调入教研中心")


def test_the_django_admin_flag_follows_the_system_administrators_role(banner):
    member = banner.users["member_a"]
    _role_change(banner, member, User.Role.ADMIN)
    member.refresh_from_db()
    assert member.is_staff and member.is_admin and not member.is_office
    _role_change(banner, member, User.Role.TEACHER)
    member.refresh_from_db()
    assert not member.is_staff


@pytest.mark.parametrize("actor", ["officer", "admin", "audit_admin", "host_a", "member_a"])
def test_nobody_but_the_security_administrator_changes_roles(banner, actor):
    with pytest.raises(DomainError, match="只有安全管理员"):
        _role_change(banner, banner.users["member_b"], User.Role.OFFICER, actor=banner.users[actor])
    assert banner.users["member_b"].role == User.Role.TEACHER
    assert not AuditEntry.objects.filter(action="account.role_change").exists()


def test_the_security_administrator_cannot_change_their_own_role(banner):
    for role in (User.Role.ADMIN, User.Role.OFFICER, User.Role.AUDITOR):
        with pytest.raises(DomainError, match="不能修改自己的角色"):
            _role_change(banner, banner.security_admin, role)
    assert User.objects.get(pk=banner.security_admin.pk).role == User.Role.SECURITY


def test_a_superusers_role_is_not_changed_and_an_unknown_role_is_refused(banner):
    installer = UserFactory(username="installer", is_superuser=True, is_staff=True)
    with pytest.raises(DomainError, match="超级用户"):
        _role_change(banner, installer, User.Role.OFFICER)
    with pytest.raises(DomainError, match="未知的角色"):
        _role_change(banner, banner.users["member_a"], "root")
    with pytest.raises(DomainError, match="已经是这个角色"):
        _role_change(banner, banner.users["member_a"], User.Role.TEACHER)


# --- the role page -------------------------------------------------------------------------------------------


def test_the_role_page_changes_a_role_with_a_reason(banner, client_for):
    member = banner.users["member_a"]
    client = client_for(banner.security_admin)
    page = client.get(reverse("security:accounts"), {"q": member.username}).content.decode()
    assert member.username in page and "修改角色" in page
    response = client.post(reverse(ROLE_URL, args=[member.pk]), {"role": "auditor", "reason": "岗位调整"},
                           follow=True)
    assert "角色已改为审计管理员" in response.content.decode()
    assert User.objects.get(pk=member.pk).role == User.Role.AUDITOR


def test_a_role_change_without_a_reason_is_refused_in_chinese(banner, client_for):
    member = banner.users["member_a"]
    response = client_for(banner.security_admin).post(reverse(ROLE_URL, args=[member.pk]),
                                                      {"role": "officer", "reason": "  "})
    assert response.status_code == 200 and "请说明修改角色的原因" in response.content.decode()
    assert User.objects.get(pk=member.pk).role == User.Role.TEACHER


def test_the_role_page_refuses_the_security_administrators_own_account(banner, client_for):
    client = client_for(banner.security_admin)
    url = reverse(ROLE_URL, args=[banner.security_admin.pk])
    assert "不能修改自己的角色" in client.get(url).content.decode()
    response = client.post(url, {"role": "admin", "reason": "自己提权"})
    assert "不能修改自己的角色" in response.content.decode()
    assert User.objects.get(pk=banner.security_admin.pk).role == User.Role.SECURITY


def test_the_account_list_filters_by_role_and_hides_the_superuser(banner, client_for):
    UserFactory(username="installer", is_superuser=True, is_staff=True)
    client = client_for(banner.security_admin)
    page = client.get(reverse("security:accounts"), {"role": "auditor"}).content.decode()
    assert page.count('data-testid="account-row"') == 1 and "auditor" in page
    assert "installer" not in client.get(reverse("security:accounts")).content.decode()


@pytest.mark.parametrize("role", ["audit_admin", "admin", "officer"])
def test_the_audit_administrator_and_the_others_cannot_change_an_account(banner, client_for, role):
    member = banner.users["member_a"]
    client = client_for(banner.users[role])
    assert client.post(reverse(ROLE_URL, args=[member.pk]), {"role": "admin", "reason": "越权"}).status_code == 403
    assert User.objects.get(pk=member.pk).role == User.Role.TEACHER


# --- the Django admin -----------------------------------------------------------------------------------------


def test_the_audit_administrator_cannot_reach_the_django_admin(banner, client_for):
    member = banner.users["member_a"]
    client = client_for(banner.audit_admin)
    change = reverse("admin:members_user_change", args=[member.pk])
    assert client.get(reverse("admin:index")).status_code == 302  # to the admin's login: not theirs
    client.post(change, {"username": member.username, "first_name": "改名", "is_active": ""})
    member.refresh_from_db()
    assert member.first_name != "改名" and member.is_active


def test_the_system_administrator_keeps_accounts_and_schools_only(banner, client_for):
    client = client_for(banner.admin)
    assert client.get(reverse("admin:members_user_changelist")).status_code == 200
    assert client.get(reverse("admin:members_school_changelist")).status_code == 200
    for name in ("admin:members_teacher_changelist", "admin:core_auditentry_changelist",
                 "admin:studios_studio_changelist", "admin:auth_group_changelist"):
        assert client.get(reverse(name)).status_code == 403, name


def test_the_system_administrator_edits_an_account_but_never_its_role(banner, client_for):
    member = banner.users["member_a"]
    client = client_for(banner.admin)
    change = reverse("admin:members_user_change", args=[member.pk])
    page = client.get(change).content.decode()
    assert 'name="role"' not in page and 'name="is_superuser"' not in page and 'name="user_permissions"' not in page
    response = client.post(change, {"username": member.username, "first_name": "新名", "last_name": "",
                                    "email": "", "is_active": "on", "role": "admin", "is_superuser": "on",
                                    "is_staff": "on"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.first_name == "新名"
    assert (member.role, member.is_superuser, member.is_staff) == (User.Role.TEACHER, False, False)


def test_the_system_administrator_cannot_edit_an_administrators_or_their_own_account(banner, client_for):
    client = client_for(banner.admin)
    for user in (banner.admin, banner.security_admin, banner.audit_admin):
        change = reverse("admin:members_user_change", args=[user.pk])
        client.post(change, {"username": user.username, "first_name": "改", "is_active": ""})
        user.refresh_from_db()
        assert user.is_active and user.first_name != "改", user.username


def test_an_account_added_by_the_system_administrator_is_a_teacher_who_must_change_the_password(banner,
                                                                                                 client_for):
    client = client_for(banner.admin)
    response = client.post(reverse("admin:members_user_add"), {
        "username": "newteacher", "password1": "Lantern-Sky-42", "password2": "Lantern-Sky-42",
        "usable_password": "true", "role": "admin"})
    assert response.status_code == 302
    user = User.objects.get(username="newteacher")
    assert (user.role, user.must_change_password, user.is_staff) == (User.Role.TEACHER, True, False)
    entry = AuditEntry.objects.get(action="admin.add")
    assert (entry.actor, entry.data["model"], entry.data["object"]) == (banner.admin, "members.user", "newteacher")


def test_a_password_the_system_administrator_sets_breaks_no_policy_is_audited_and_must_be_changed(banner,
                                                                                                client_for):
    member = banner.users["member_a"]
    client = client_for(banner.admin)
    url = reverse("admin:auth_user_password_change", args=[member.pk])
    weak = client.post(url, {"password1": "abcdefgh", "password2": "abcdefgh", "usable_password": "true"})
    assert weak.status_code == 200 and "这四类中的至少" in weak.content.decode()
    response = client.post(url, {"password1": "Lantern-Sky-42", "password2": "Lantern-Sky-42",
                                 "usable_password": "true"}, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("Lantern-Sky-42") and member.must_change_password
    entry = AuditEntry.objects.get(action="account.password_reset")
    assert (entry.actor, entry.target_id, entry.ip) == (banner.admin, str(member.pk), "198.51.100.7")


def test_every_django_admin_change_is_in_the_audit_log_with_the_address(banner, client_for):
    client = client_for(banner.admin)
    response = client.post(reverse("admin:members_school_add"), {"name": "乌审旗第九小学", "stage": "primary"},
                           REMOTE_ADDR="198.51.100.9")
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="admin.add")
    assert (entry.actor, entry.ip, entry.data["model"], entry.data["object"]) == (
        banner.admin, "198.51.100.9", "members.school", "乌审旗第九小学")
