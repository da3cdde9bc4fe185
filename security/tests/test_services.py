import pytest
from django.test import RequestFactory, override_settings

from core.services import DomainError
from security import services
from security.middleware import TrustedProxyMiddleware


@pytest.mark.parametrize("value,expected", [
    ("=1+1", "'=1+1"), ("+86 123", "'+86 123"), ("-5", "'-5"), ("@A1", "'@A1"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("正常", "正常"), ("a=b", "a=b"), ("", ""), (None, ""), (12, "12"),
])
def test_csv_safe_prefixes_formula_cells(value, expected):
    assert services.csv_safe(value) == expected


def test_releasing_an_unknown_lockout_is_refused(banner):
    with pytest.raises(DomainError, match="已到期或已被解除"):
        services.lockout_release(actor=banner.officer, kind="pair", username="nobody", ip_address="10.0.0.1")


def test_login_events_without_an_http_request_are_not_recorded(banner):
    assert services.auth_event_record(action="auth.login", request=None, user=banner.officer) is None


def _through_middleware(request):
    return TrustedProxyMiddleware(lambda req: req.META["REMOTE_ADDR"])(request)


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_client_address_comes_from_x_real_ip_behind_a_trusted_proxy():
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.7")
    assert _through_middleware(request) == "203.0.113.7"


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_x_real_ip_from_anyone_else_is_ignored():
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.2", HTTP_X_REAL_IP="203.0.113.7")
    assert _through_middleware(request) == "198.51.100.2"


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_a_malformed_x_real_ip_is_ignored():
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="not-an-ip, 1.2.3.4")
    assert _through_middleware(request) == "127.0.0.1"


@override_settings(TRUSTED_PROXIES=[])
def test_without_trusted_proxies_the_header_is_never_believed():
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.7")
    assert _through_middleware(request) == "127.0.0.1"
