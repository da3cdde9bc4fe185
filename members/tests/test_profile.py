"""A teacher's profile page: personal data for those who need it, and no link to a studio the reader cannot open."""

import datetime

import pytest
from django.urls import reverse

from members.selectors import birth_year, mask_phone
from studios.models import Membership

pytestmark = pytest.mark.django_db


def test_a_mobile_number_is_masked_to_its_first_three_and_last_four_digits():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone(" 13812341234 ") == "138****1234"
    assert mask_phone("") == ""
    assert mask_phone("12345") == "*****"


def test_a_birth_date_is_shown_as_its_year_only():
    assert birth_year(datetime.date(1990, 5, 17)) == "1990年"
    assert birth_year(None) == ""


def test_a_member_sees_the_hosts_other_studio_named_but_not_linked(banner, client_for):
    Membership.objects.create(studio=banner.b.studio, teacher=banner.a.host, role=Membership.Role.MEMBER,
                              joined_on=datetime.date(2024, 9, 1))
    page = client_for(banner.users["member_a"]).get(reverse("members:teacher", args=[banner.a.host.code])) \
        .content.decode()
    assert banner.b.studio.name in page
    assert reverse("studios:detail", args=[banner.b.studio.code]) not in page
    assert reverse("studios:detail", args=[banner.a.studio.code]) in page
