"""Every record has a code (编号): typed ones get theirs on first save, older ones from fill_missing_codes; a code
a ledger already uses is never given twice."""

import datetime

from activities.models import Activity
from core.models import fill_missing_codes, record_code
from records.models import Work


def _work(banner, **fields):
    return Work.objects.create(teacher=banner.a.members[0], studio=banner.a.studio, kind=Work.Kind.PAPER,
                               title="论文", date=datetime.date(2024, 11, 1), **fields)


def test_a_record_typed_in_the_browser_gets_its_kinds_letter_and_number(banner):
    work = _work(banner)
    assert work.code == record_code("W", work.pk) == f"W{work.pk:05d}"
    assert Work.objects.get(pk=work.pk).code == work.code == work.ref


def test_a_ledger_code_is_kept_and_an_empty_one_is_no_code(banner):
    assert _work(banner, code="W-2024-001").code == "W-2024-001"
    assert _work(banner, code="").code.startswith("W")


def test_a_code_a_ledger_already_uses_is_not_given_again(banner):
    first = _work(banner)
    _work(banner, code=record_code("W", first.pk + 2))  # a ledger's code that the next typed work would get
    typed = _work(banner)
    assert typed.pk == first.pk + 2 and typed.code == f"{record_code('W', typed.pk)}-2"


def test_records_of_an_older_database_get_their_codes(banner):
    works = [_work(banner) for _ in range(3)]
    Work.objects.filter(pk__in=[w.pk for w in works]).update(code=None)
    kept = Activity.objects.create(studio=banner.a.studio, title="研讨", kind="seminar",
                                   date=datetime.date(2024, 10, 1), code="A-17")
    assert fill_missing_codes(Work) == 3
    assert [Work.objects.get(pk=w.pk).code for w in works] == [record_code("W", w.pk) for w in works]
    assert fill_missing_codes(Work) == 0 and fill_missing_codes(Activity) == 0
    assert Activity.objects.get(pk=kept.pk).code == "A-17"


def test_a_code_in_use_gets_a_suffix_when_filled(banner):
    work = _work(banner)
    Work.objects.filter(pk=work.pk).update(code=None)
    _work(banner, code=record_code("W", work.pk))
    fill_missing_codes(Work)
    assert Work.objects.get(pk=work.pk).code == f"{record_code('W', work.pk)}-2"
