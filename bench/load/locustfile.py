"""Locust load test: officers, hosts and members cycling through their main pages (bench/load/run.sh runs it).

    locust -f bench/load/locustfile.py --host http://127.0.0.1:8811 --headless -u 20 -r 2 -t 2m

Each simulated person logs in once, with an account of their own from bench/generate_banner.py (django-axes
counts failures per account and address; a shared account would be nothing like real use), then visits the pages
of their role in turn with a pause between pages. Every page must answer 200 itself — a redirect to the login
page or an error page is a failure — and end with the closing </html>; the member's home must hold the
checklist, the overview its matrix and the studio assessment its verdict.

gunicorn runs under DJANGO_ENV=production. In production nginx terminates TLS and tells Django so with
X-Forwarded-Proto: https and the client's address with X-Real-IP (deploy/nginx/mingshi.conf); here Locust sends
those two headers itself, as nginx would, and its cookie jar sends the Secure session cookie over the loopback
connection as a browser sends it over TLS. Nothing else in the production profile is changed: officers log in
with their second factor (MINGSHI_REQUIRE_2FA is on in production), the code computed from the authenticator key
generate_banner.py gives every office account (LOAD_TOTP_KEY), as their phone would.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import itertools
import os
import re
import struct
import time

from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "load-pass-2026")
STUDIOS = int(os.environ.get("LOAD_STUDIOS", "30"))
MEMBERS_PER_STUDIO = int(os.environ.get("LOAD_PEOPLE", "13")) - 1
# The authenticator key of every office account of the load database (hex, as django-otp stores it).
LOAD_TOTP_KEY = os.environ.get("LOAD_TOTP_KEY", "6c6f61642d746f74702d6b65792d32303236")
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')



def totp(key_hex: str, *, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """RFC 6238, as an authenticator app computes it (Locust's own environment has no django-otp)."""
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 10 ** digits
    return f"{code:0{digits}d}"


_officers = itertools.count(0)
_hosts = itertools.count(0)
_members = itertools.count(0)
_addresses = itertools.count(2)


def studio_code(index: int) -> str:
    return f"WS-{index % STUDIOS + 1:04d}"


class RoleUser(HttpUser):
    abstract = True
    second_factor_required = False  # the office and the administrators, under the production profile
    wait_time = between(0.5, 2.0)

    # Each role gives username() (the account it takes) and pages() (its round of (group name, path)).

    def on_start(self):
        self.client.headers.update({
            "X-Forwarded-Proto": "https",
            "X-Real-IP": f"10.1.0.{next(_addresses) % 250 + 2}",
            "Accept-Language": "zh-CN,zh;q=0.9",
        })
        self.account = self.username()
        self.login()
        self.cycle = itertools.cycle(self.pages())

    def behind_tls(self):
        """Send the Secure cookies over the loopback, as the browser sends them over the TLS nginx terminates."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def login(self):
        page = self.client.get("/accounts/login/", name="login form")
        self.behind_tls()
        token = CSRF_FIELD.search(page.text)
        origin = self.host.replace("http://", "https://")
        with self.client.post(
            "/accounts/login/",
            data={"username": self.account, "password": PASSWORD,
                  "csrfmiddlewaretoken": token.group(1) if token else ""},
            headers={"Referer": f"{origin}/accounts/login/"},
            allow_redirects=False, name="login", catch_response=True,
        ) as response:
            if response.status_code != 302 or response.headers.get("Location", "").startswith("/accounts/login"):
                response.failure(f"login as {self.account} answered {response.status_code}")
        self.behind_tls()
        if self.second_factor_required:
            self.second_factor(origin)

    def second_factor(self, origin: str):
        page = self.client.get("/security/second-factor/verify/", name="second factor form")
        self.behind_tls()
        token = CSRF_FIELD.search(page.text)
        with self.client.post(
            "/security/second-factor/verify/",
            data={"otp_token": totp(LOAD_TOTP_KEY), "csrfmiddlewaretoken": token.group(1) if token else ""},
            headers={"Referer": f"{origin}/security/second-factor/verify/"},
            allow_redirects=False, name="second factor", catch_response=True,
        ) as response:
            if response.status_code != 302 or "/second-factor/" in response.headers.get("Location", ""):
                response.failure(f"second factor of {self.account} answered {response.status_code}")
        self.behind_tls()  # the verified session gets a new (Secure) cookie

    def visit(self, name: str, path: str, expect: str = ""):
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{path} answered {response.status_code} {response.headers.get('Location', '')}")
            elif "</html>" not in response.text:
                response.failure(f"{path} is not a whole page")
            elif expect not in response.text:
                response.failure(f"{path} lacks {expect}")
        self.behind_tls()
        return response

    @task
    def next_page(self):
        self.visit(*next(self.cycle))


class Officer(RoleUser):
    weight = 4
    second_factor_required = True

    def username(self):
        self.index = next(_officers)
        return f"officer{self.index % 10 + 1:02d}"

    def pages(self):
        code = studio_code(self.index * 7)  # officers look at studios spread over the banner
        return [
            ("officer: home", "/"),
            ("officer: review queue", "/activities/queue/"),
            ("officer: banner overview", "/assessments/", 'data-testid="matrix"'),
            ("officer: studio assessment", f"/assessments/studio/{code}/", 'data-testid="team-verdict"'),
            ("officer: studio list", "/studios/"),
            # The audit log is the audit administrator's since 三员分立 (an officer gets 403): the officer's list
            # of the studios behind takes its place.
            ("officer: studios behind", "/assessments/?behind=1", 'data-testid="matrix"'),
        ]


class Host(RoleUser):
    weight = 6

    def username(self):
        self.index = next(_hosts)
        return f"T{self.index % STUDIOS + 1:04d}-00"

    def pages(self):
        code = studio_code(self.index)
        return [
            ("host: home", "/"),
            ("host: studio detail", f"/studios/{code}/"),
            ("host: studio records", f"/records/studio/{code}/"),
            ("host: activities calendar", f"/activities/studio/{code}/"),
            ("host: review queue", "/activities/queue/"),
        ]


class Member(RoleUser):
    weight = 10

    def username(self):
        index = next(_members)
        self.index = index
        return f"T{index % STUDIOS + 1:04d}-{index // STUDIOS % MEMBERS_PER_STUDIO + 1:02d}"

    def pages(self):
        code = studio_code(self.index)
        # An activity of the member's studio, found as a person finds it: on the studio's calendar, as a list,
        # this month or the months before.
        found, month = [], datetime.date.today().replace(day=1)
        for _back in range(6):
            listing = self.client.get(f"/activities/studio/{code}/?view=list&month={month:%Y-%m}",
                                      name="member: setup (activity list)")
            found = re.findall(rf"/activities/studio/{re.escape(code)}/(\d+)/", listing.text)
            if found:
                break
            month = (month - datetime.timedelta(days=1)).replace(day=1)
        pages = [
            ("member: home with checklist", "/", 'data-testid="checklist-'),
            ("member: my records", "/records/mine/"),
        ]
        if found:
            pages.append(("member: activity detail", f"/activities/studio/{code}/{found[0]}/"))
        else:
            events.request.fire(request_type="SETUP", name="member: no activity found", response_time=0,
                                response_length=0, exception=RuntimeError(f"no activity on {code}'s calendar"))
        return pages
