"""Two officers decide the same filing at the same moment: exactly one decision wins (十五, issue 4).

Two threads, each with its own database connection and its own transaction, are lined up with a barrier so
that both have started before either locks the row; the first to lock holds it until its transaction ends,
and the second is released only then — no sleeps, only barriers, events and timeouts.
"""

import datetime
import threading

import pytest
from django.db import connection, connections, transaction

from activities import services
from activities.models import Activity, Filing
from activities.tests.conftest import plan_file
from core.models import AuditEntry
from core.services import DomainError

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"),
]

TIMEOUT = 20


def _submitted_filing(banner):
    activity = services.activity_create(
        actor=banner.a.host.user, studio=banner.a.studio, title="全旗专题研讨", kind=Activity.Kind.SEMINAR,
        scope=Activity.Scope.BANNER, date=datetime.date(2026, 12, 10), plan_file=plan_file(),
    )
    return services.filing_submit(actor=banner.a.host.user, filing=activity.filing)


def _race(decisions):
    """Run each decision in its own thread and transaction, all starting together; returns outcomes in order."""
    barrier = threading.Barrier(len(decisions), timeout=TIMEOUT)
    outcomes = [None] * len(decisions)

    def run(index, decide):
        try:
            barrier.wait()  # every transaction is about to begin
            with transaction.atomic():
                outcomes[index] = ("ok", decide())
        except DomainError as error:
            outcomes[index] = ("refused", str(error))
        except Exception as error:  # reported to the test below, never swallowed
            outcomes[index] = ("crashed", repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, decide)) for index, decide in enumerate(decisions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
        assert not thread.is_alive(), "a decision never finished"
    return outcomes


def test_two_officers_deciding_at_once_one_wins_one_is_told(banner):
    from members.models import User
    from studios.tests.factories import UserFactory

    filing = _submitted_filing(banner)
    second_officer = UserFactory(username="officer2", role=User.Role.OFFICER)
    first_locked = threading.Event()
    release = threading.Event()

    def approve():
        # Lock the row, let the other officer try, then finish: the other must wait for this commit.
        locked = Filing.objects.select_for_update().get(pk=filing.pk)
        first_locked.set()
        assert release.wait(TIMEOUT)
        return services.filing_approve(actor=banner.officer, filing=locked).doc_number

    def return_():
        assert first_locked.wait(TIMEOUT)
        stale = Filing.objects.get(pk=filing.pk)  # read before the approval commits: still "submitted"
        assert stale.status == Filing.Status.SUBMITTED

        release.set()  # the approval goes on and commits while this decision waits for the row lock
        return services.filing_return(actor=second_officer, filing=stale, comment="请修改").status

    outcomes = _race([approve, return_])
    assert outcomes[0][0] == "ok", outcomes
    assert outcomes[1][0] == "refused", outcomes
    assert "其他人处理" in outcomes[1][1] or "someone else" in outcomes[1][1]
    filing.refresh_from_db()
    assert filing.status == Filing.Status.APPROVED
    assert filing.doc_number == outcomes[0][1]
    decisions = AuditEntry.objects.filter(target_id=str(filing.pk), action__in=["filing.approve", "filing.return"])
    assert decisions.count() == 1
    assert Filing.objects.exclude(doc_number=None).count() == 1


def test_two_officers_approving_at_once_issue_one_number(banner):
    filing = _submitted_filing(banner)
    from members.models import User
    from studios.tests.factories import UserFactory

    other = UserFactory(username="officer3", role=User.Role.OFFICER)
    outcomes = _race([
        lambda: services.filing_approve(actor=banner.officer, filing=Filing.objects.get(pk=filing.pk)).doc_number,
        lambda: services.filing_approve(actor=other, filing=Filing.objects.get(pk=filing.pk)).doc_number,
    ])
    kinds = sorted(kind for kind, _value in outcomes)
    assert kinds == ["ok", "refused"], outcomes
    assert AuditEntry.objects.filter(target_id=str(filing.pk), action="filing.approve").count() == 1
    assert list(Filing.objects.values_list("doc_number", flat=True)) == ["乌教研发〔2026〕1号"]


def test_approving_different_filings_at_once_never_collides_on_a_number(banner):
    filings = [_submitted_filing(banner) for _ in range(4)]
    outcomes = _race([
        (lambda pk=filing.pk: services.filing_approve(actor=banner.officer,
                                                      filing=Filing.objects.get(pk=pk)).doc_seq)
        for filing in filings
    ])
    assert all(kind == "ok" for kind, _value in outcomes), outcomes
    assert sorted(value for _kind, value in outcomes) == [1, 2, 3, 4], outcomes


def test_approvals_after_a_ledger_import_never_meet_a_taken_number_on_postgresql(banner, settings):
    """Document numbers never collide (clarification 9): the ledger brought in 〔2026〕3号 and, in an older form
    without its place in the sequence, 〔2026〕5号; two officers then approve at the same moment. Each gets a
    number of its own, past the imported ones and never one that is taken — no 500, no IntegrityError."""
    from excel.importer import ledger_import
    from excel.tests.helpers import ledger_bytes, sample

    prefix = settings.FILING_DOC_PREFIX
    data = sample()
    data["活动"][1]["备案文号"] = f"{prefix}〔2026〕3号"
    assert ledger_import(ledger_bytes(data), actor=banner.officer).ok
    older = Activity.objects.create(studio=banner.a.studio, title="旧台账活动", kind="lecture", scope="banner",
                                    date=datetime.date(2026, 3, 1), status="held")
    Filing.objects.create(activity=older, status="approved", approved_on=datetime.date(2026, 2, 1),
                          doc_number=f"{prefix}〔2026〕5号")
    first, second = _submitted_filing(banner), _submitted_filing(banner)
    other = type(banner.officer).objects.create(username="officer2", role=banner.officer.role)
    day = datetime.date(2026, 12, 1)
    outcomes = _race([
        lambda: services.filing_approve(actor=banner.officer, filing=first, on=day).doc_number,
        lambda: services.filing_approve(actor=other, filing=second, on=day).doc_number,
    ])
    assert [kind for kind, _number in outcomes] == ["ok", "ok"], outcomes
    assert sorted(number for _kind, number in outcomes) == [f"{prefix}〔2026〕4号", f"{prefix}〔2026〕6号"]
