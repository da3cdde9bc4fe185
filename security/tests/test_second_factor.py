"""The second factor (等保 身份鉴别 d): officers and the three administrators log in with their password and then a
6-digit code of an authenticator app (TOTP) or a one-time recovery code; under the production setting nobody of
them reaches a page before enrolling one. Teachers are never asked."""

import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import AuditEntry
from security import services
from security.selectors import current_lockouts

PASSWORD = "pass-1234-word"
ADMINISTRATORS = ("officer", "admin", "security_admin", "audit_admin")


def code_for(device, steps_ahead: int = 0) -> str:
    """The code the person's phone shows (steps_ahead=1: the next one, for a second login within 30 seconds —
    a code once accepted is never accepted again)."""
    if device.pk:
        device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def enrolled(user):
    """An authenticator app and ten recovery codes for this person, as the enrolment leaves them."""
    device = TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=True)
    codes = services._recovery_codes_replace(user)
    return device, codes


def log_in(user, ip="10.1.1.1") -> Client:
    """The real login form (password step) in a client of its own."""
    client = Client(REMOTE_ADDR=ip)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def verify(client, code: str, *, recovery: bool = False, next_url: str = "/"):
    data = {"otp_token": code, "next": next_url}
    if recovery:
        data["method"] = "recovery"
    return client.post(reverse("security:second_factor_verify"), data)


@pytest.fixture
def required(settings):
    settings.MINGSHI_REQUIRE_2FA = True
    return settings


@pytest.fixture
def no_device_wait(settings):
    """django-otp's own wait after a wrong code (1, 2, 4 … seconds) has its own test; here a person types again."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


# --- under the production setting -----------------------------------------------------------------------------


def test_the_second_factor_is_off_in_tests_and_the_demo_by_default(settings, banner, client_for):
    assert settings.MINGSHI_REQUIRE_2FA is False
    assert client_for(banner.officer).get(reverse("excel:index")).status_code == 200


@pytest.mark.parametrize("role", ADMINISTRATORS)
def test_an_officer_or_administrator_without_a_second_factor_cannot_reach_office_pages(required, banner, client_for,
                                                                                     role):
    client = client_for(banner.users[role])
    for name in ("home", "excel:index", "assessments:overview", "security:audit_log", "security:accounts",
                 "studios:school_years", "password_change_done"):
        response = client.get(reverse(name))
        assert response.status_code == 302, (role, name)
        assert response.url == reverse("security:second_factor_enrol") + "?next=" + reverse(name).replace("/", "%2F")
    assert client.get(reverse("admin:index")).status_code == 302
    # An htmx request is sent there too, not answered with a fragment.
    response = client.get(reverse("core:notifications"), HTTP_HX_REQUEST="true")
    assert response.headers["HX-Redirect"].startswith(reverse("security:second_factor_enrol"))
    # A POST acts on nothing either.
    assert client.post(reverse("excel:import")).status_code == 302
    page = client.get(reverse("security:second_factor_enrol")).content.decode()
    assert "须使用两步验证" in page and "<svg" in page and "扫描下面的二维码" in page


def test_a_teacher_is_never_asked(required, banner, client_for):
    client = client_for(banner.users["host_a"])
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("studios:detail", args=["WS-A"])).status_code == 200
    assert client.get(reverse("security:second_factor_enrol")).status_code == 403
    assert client.get(reverse("security:second_factor")).status_code == 403
    assert client.get(reverse("security:second_factor_verify")).status_code == 302
    assert not TOTPDevice.objects.exists()
    # The real login form too: password, and the teacher is in.
    teacher = log_in(banner.users["member_a"])
    assert teacher.get(reverse("home")).status_code == 200


def test_enrolment_scans_a_qr_code_confirms_a_code_and_shows_the_recovery_codes_once(required, banner, client_for,
                                                                                  no_device_wait):
    officer = banner.officer
    client = client_for(officer)
    page = client.get(reverse("security:second_factor_enrol") + "?next=/excel/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'class="otp-qr"' in body and "<script" not in body.split("<main", 1)[-1].split("</main>")[0]
    device = page.context["device"]
    # A reload shows the same key (kept in the session until confirmed), so a half-done scan still works; nothing
    # is stored before the code confirms it.
    assert client.get(reverse("security:second_factor_enrol")).context["device"].key == device.key
    assert not TOTPDevice.objects.exists()

    wrong = client.post(reverse("security:second_factor_enrol"), {"otp_token": "000000" if code_for(device) != "000000"
                                                                  else "111111"})
    assert wrong.status_code == 200 and "验证码不正确" in wrong.content.decode()
    assert client.get(reverse("excel:index")).status_code == 302

    response = client.post(reverse("security:second_factor_enrol"), {"otp_token": code_for(device), "next": "/excel/"})
    assert response.status_code == 302 and response.url.startswith(reverse("security:recovery_codes"))
    shown = client.get(response.url)
    assert shown.status_code == 200 and shown["Cache-Control"] == "private, no-store"
    codes = [code.replace("-", "") for code in shown.context["codes"]]
    assert len(codes) == 10 and set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    assert "只显示这一次" in shown.content.decode()
    # Shown once: the page does not show them again.
    again = client.get(reverse("security:recovery_codes"))
    assert again.status_code == 302 and again.url == reverse("security:second_factor")

    device = TOTPDevice.objects.get(user=officer)
    assert device.confirmed and device.key == page.context["device"].key
    assert client.get(reverse("excel:index")).status_code == 200
    entry = AuditEntry.objects.get(action="otp.enrol")
    assert entry.actor == officer and entry.target_id == str(officer.pk) and entry.data["replaced"] is False
    assert "key" not in entry.data and device.key not in str(entry.data)


# --- the login: password, then the code -----------------------------------------------------------------------


def test_the_login_asks_the_password_then_the_code(banner, no_device_wait):
    officer = banner.officer
    device, _codes = enrolled(officer)  # enrolled: asked at every login, whether required or not
    client = log_in(officer)
    response = client.get(reverse("excel:index"))
    assert response.status_code == 302
    assert response.url == reverse("security:second_factor_verify") + "?next=%2Fexcel%2F"
    # Not even the password change before the code: a stolen password alone takes nothing over.
    assert client.get(reverse("password_change")).status_code == 302
    page = client.get(response.url).content.decode()
    assert "还需一步验证" in page and 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page

    wrong = verify(client, "12345")
    assert wrong.status_code == 200 and "验证码为 6 位数字" in wrong.content.decode()
    wrong = verify(client, "000000" if code_for(device) != "000000" else "111111")
    assert wrong.status_code == 200 and "验证码不正确" in wrong.content.decode()
    failed = AuditEntry.objects.get(action="otp.verify_failed")
    assert failed.actor == officer and failed.ip == "10.1.1.1" and failed.data["method"] == "totp"

    session_key = client.session.session_key
    response = verify(client, code_for(device), next_url="/excel/")
    assert response.status_code == 302 and response.url == "/excel/"
    assert client.session.session_key != session_key  # a new session key for the verified session
    assert client.get(reverse("excel:index")).status_code == 200
    assert AuditEntry.objects.filter(action="otp.verify", actor=officer).count() == 1
    # The same code never serves twice (another login within its 30 seconds).
    second = log_in(officer)
    assert verify(second, code_for(device)).status_code == 200


def test_the_code_step_refuses_a_foreign_next_address(banner, no_device_wait):
    device, _codes = enrolled(banner.officer)
    client = log_in(banner.officer)
    response = verify(client, code_for(device), next_url="https://evil.example.com/")
    assert response.status_code == 302 and response.url == reverse("home")


def test_wrong_codes_count_as_failed_logins_and_lock_the_account(banner, settings):
    officer = banner.officer
    device, _codes = enrolled(officer)
    client = log_in(officer, ip="10.9.9.9")
    wrong = "000000" if code_for(device) != "000000" else "111111"
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert verify(client, wrong).status_code == 200
    locked = verify(client, wrong)
    assert locked.status_code == 429 and "账户已暂时锁定" in locked.content.decode()
    # Locked: even the right code is not tried until the cooling-off ends or someone unlocks.
    assert verify(client, code_for(device)).status_code == 429
    assert client.get(reverse("excel:index")).status_code == 302
    assert any(lockout.username == "officer" for lockout in current_lockouts())
    assert AuditEntry.objects.filter(action="otp.verify_failed").count() == settings.AXES_FAILURE_LIMIT
    assert AuditEntry.objects.filter(action="auth.locked_out").exists()


def test_after_a_wrong_code_the_device_makes_the_next_try_wait(banner, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    device, _codes = enrolled(banner.officer)
    client = log_in(banner.officer)
    assert verify(client, "000000" if code_for(device) != "000000" else "111111").status_code == 200
    response = verify(client, code_for(device))
    assert response.status_code == 200 and "请等待" in response.content.decode()
    assert client.get(reverse("excel:index")).status_code == 302
    assert AuditEntry.objects.filter(action="otp.verify_failed").order_by("pk").last().data["throttled"] is True


def test_a_recovery_code_works_once(banner, no_device_wait):
    officer = banner.officer
    _device, codes = enrolled(officer)
    client = log_in(officer)
    page = client.get(reverse("security:second_factor_verify") + "?method=recovery").content.decode()
    assert "恢复码" in page and 'inputmode="numeric"' not in page
    # Typed as shown (abcd-efgh), in capitals, with spaces: it is the same code.
    typed = f"{codes[0][:4]}-{codes[0][4:]}".upper()
    response = verify(client, f" {typed} ", recovery=True)
    assert response.status_code == 302
    assert client.get(reverse("excel:index")).status_code == 200
    entry = AuditEntry.objects.get(action="otp.recovery_used")
    assert entry.actor == officer and entry.data["left"] == 9

    again = log_in(officer)
    response = verify(again, codes[0], recovery=True)
    assert response.status_code == 200 and "无效或已被使用" in response.content.decode()
    assert again.get(reverse("excel:index")).status_code == 302
    assert verify(again, codes[1], recovery=True).status_code == 302


def test_new_recovery_codes_void_the_old_ones(banner, client_for, no_device_wait):
    officer = banner.officer
    device, old = enrolled(officer)
    client = log_in(officer)
    verify(client, code_for(device))
    assert "剩余恢复码" in client.get(reverse("security:second_factor")).content.decode()
    response = client.post(reverse("security:second_factor"))
    assert response.status_code == 302 and response.url == reverse("security:recovery_codes")
    new = [code.replace("-", "") for code in client.get(response.url).context["codes"]]
    assert not set(new) & set(old)
    assert AuditEntry.objects.filter(action="otp.recovery_renew", actor=officer).exists()
    assert verify(log_in(officer), old[0], recovery=True).status_code == 200


def test_a_password_change_due_waits_for_the_code_step(banner, no_device_wait):
    officer = banner.officer
    officer.must_change_password = True
    officer.save(update_fields=["must_change_password"])
    device, _codes = enrolled(officer)
    client = log_in(officer)
    assert client.get(reverse("password_change")).url.startswith(reverse("security:second_factor_verify"))
    verify(client, code_for(device))
    assert client.get(reverse("excel:index")).url == reverse("password_change")
    assert client.get(reverse("password_change")).status_code == 200


def test_a_new_officer_changes_the_initial_password_then_enrols(required, banner):
    officer = banner.officer
    officer.must_change_password = True
    officer.save(update_fields=["must_change_password"])
    client = log_in(officer)
    assert client.get(reverse("home")).url == reverse("password_change")
    response = client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": "Neu-Kennwort-2026",
                                                        "new_password2": "Neu-Kennwort-2026"})
    assert response.status_code == 302
    assert client.get(reverse("home")).url.startswith(reverse("security:second_factor_enrol"))


def test_a_session_opened_before_the_person_enrolled_elsewhere_is_asked_for_the_code(required, banner,
                                                                                  no_device_wait):
    officer = banner.officer
    earlier = log_in(officer)
    assert earlier.get(reverse("home")).url.startswith(reverse("security:second_factor_enrol"))
    device, _codes = enrolled(officer)  # in another session, meanwhile
    response = earlier.get(reverse("home"), follow=True)
    assert response.status_code == 200 and len(response.redirect_chain) <= 3
    assert response.request["PATH_INFO"] == reverse("security:second_factor_verify")
    assert verify(earlier, code_for(device)).status_code == 302
    assert earlier.get(reverse("excel:index")).status_code == 200


# --- the security administrator's reset --------------------------------------------------------------------


def _reset(client, user):
    return client.post(reverse("security:account_second_factor_reset", args=[user.pk]),
                       {"reason": "手机丢失，电话核实本人"})


def test_the_security_administrator_resets_another_persons_second_factor_audited(banner, client_for):
    officer = banner.officer
    enrolled(officer)
    client = client_for(banner.security_admin)
    listing = client.get(reverse("security:accounts")).content.decode()
    assert reverse("security:account_second_factor_reset", args=[officer.pk]) in listing
    assert client.get(reverse("security:account_second_factor_reset", args=[officer.pk])).status_code == 200
    response = _reset(client, officer)
    assert response.status_code == 302 and response.url == reverse("security:accounts")
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not StaticToken.objects.filter(device__user=officer).exists()
    entry = AuditEntry.objects.get(action="otp.reset")
    assert entry.actor == banner.security_admin and entry.target_id == str(officer.pk)
    assert entry.comment == "手机丢失，电话核实本人"


@pytest.mark.parametrize("role", ["audit_admin", "admin", "officer", "host_a"])
def test_nobody_but_the_security_administrator_resets_a_second_factor(banner, client_for, role):
    target = banner.security_admin if role == "officer" else banner.officer
    enrolled(target)
    client = client_for(banner.users[role])
    assert client.get(reverse("security:account_second_factor_reset", args=[target.pk])).status_code == 403
    assert _reset(client, target).status_code == 403
    assert TOTPDevice.objects.filter(user=target, confirmed=True).exists()
    assert not AuditEntry.objects.filter(action="otp.reset").exists()


def test_the_security_administrator_cannot_reset_their_own_second_factor(banner, client_for):
    own = banner.security_admin
    client = client_for(own)
    enrolled(own)  # in this very session
    response = _reset(client, own)
    assert response.status_code == 200 and "不得重置自己的两步验证" in response.content.decode()
    assert TOTPDevice.objects.filter(user=own).exists()


def test_a_reset_ends_the_persons_verified_session_and_they_enrol_anew(required, banner, client_for, no_device_wait):
    officer = banner.officer
    device, _codes = enrolled(officer)
    client = log_in(officer)
    verify(client, code_for(device))
    assert client.get(reverse("excel:index")).status_code == 200
    admin_device, _codes = enrolled(banner.security_admin)
    security_admin = log_in(banner.security_admin, ip="10.1.1.2")
    verify(security_admin, code_for(admin_device))
    assert _reset(security_admin, officer).status_code == 302
    response = client.get(reverse("excel:index"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "安全管理员已重置您的两步验证" in client.get(response.url).content.decode()
    ended = AuditEntry.objects.get(action="auth.session_ended")
    assert ended.actor == officer and ended.data["reason"] == "second_factor_reset"
    again = log_in(officer)
    assert again.get(reverse("home")).url.startswith(reverse("security:second_factor_enrol"))


def test_audit_labels_of_the_second_factor_are_chinese():
    from core.labels import action_label

    assert action_label("otp.enrol") == "两步验证·绑定身份验证器"
    assert action_label("otp.verify_failed") == "两步验证·验证码错误"
    assert action_label("otp.recovery_used") == "两步验证·使用恢复码"
    assert action_label("otp.reset") == "两步验证·重置"


# --- one session per account ------------------------------------------------------------------------------


def test_with_one_session_per_account_a_new_login_ends_the_other(banner, settings):
    settings.SINGLE_SESSION_PER_ACCOUNT = True
    teacher = banner.users["host_a"]
    first = log_in(teacher, ip="10.2.2.1")
    assert first.get(reverse("home")).status_code == 200
    second = log_in(teacher, ip="10.2.2.2")
    assert second.get(reverse("home")).status_code == 200
    response = first.get(reverse("studios:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "您的账号已在别处登录" in first.get(response.url).content.decode()
    assert second.get(reverse("studios:list")).status_code == 200
    ended = AuditEntry.objects.get(action="auth.session_ended")
    assert ended.actor == teacher and ended.data["reason"] == "replaced" and ended.ip == "10.2.2.1"


def test_without_the_setting_an_account_keeps_several_sessions(banner):
    teacher = banner.users["host_a"]
    first, second = log_in(teacher), log_in(teacher)
    assert first.get(reverse("studios:list")).status_code == 200
    assert second.get(reverse("studios:list")).status_code == 200
