"""The deadline reminder run by real Celery workers on a real Redis, with the day frozen: the task delivered twice
(a redelivery, beat firing twice), to two workers at once, sends exactly one email per person. The workers
write their email to files (Django's file backend, EMAIL_URL=filemail://), one file per message."""

import datetime as dt
import re
import time
from pathlib import Path

import pytest

from casework.models import Deadline, ReminderDigest
from casework.tasks import deadline_digest
from referral_tracker.celery import DEFAULT_QUEUE
from tests.dossiers.test_dossier_processes import broker, wait_for, workers  # noqa: F401 - fixtures
from tests.factories import UserFactory, make_case

pytestmark = [pytest.mark.processes, pytest.mark.django_db(transaction=True)]

DAY = dt.date(2026, 12, 3)
SUCCEEDED = re.compile(r"Task casework\.deadline_digest\[[0-9a-f-]+\] succeeded")


def messages(folder: Path) -> dict[str, int]:
    """How many email files each address was sent."""
    counts: dict[str, int] = {}
    for path in folder.glob("*.log"):
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("To: "):
                address = line.removeprefix("To: ").strip()
                counts[address] = counts.get(address, 0) + 1
    return counts


def digest_runs_finished(logs: list[Path]) -> int:
    return sum(len(SUCCEEDED.findall(log.read_text(errors="replace"))) for log in logs)


def test_the_task_delivered_twice_sends_one_digest_per_person(broker, workers, tmp_path):  # noqa: F811
    alex = UserFactory(full_name="Alex Jones", initials="AJ", email="alex@example.org")
    sam = UserFactory(full_name="Sam Jones", email="sam@example.org")
    quiet = UserFactory(full_name="Quiet Person", email="quiet@example.org")
    quiet.deadline_reminders_enabled = False
    quiet.save(update_fields=["deadline_reminders_enabled"])
    stranger = UserFactory(full_name="Other Family", email="other@example.org")
    case = make_case(alex, editor=sam, viewer=quiet)
    Deadline.objects.create(
        case=case, rule_key="sar", title="The council must answer", starts_on=DAY - dt.timedelta(days=30), due_on=DAY
    )
    make_case(stranger, title="Nothing due here")

    mail = tmp_path / "mail"
    mail.mkdir()
    broker.start()
    workers.env["EMAIL_URL"] = f"filemail:///{mail}"
    _, log_a = workers.start("a", beat=False, queues=DEFAULT_QUEUE)
    _, log_b = workers.start("b", beat=False, queues=DEFAULT_QUEUE)

    # The same message twice with the same frozen day: what a redelivery or a double beat looks like.
    deadline_digest.apply_async(kwargs={"day": DAY.isoformat()})
    deadline_digest.apply_async(kwargs={"day": DAY.isoformat()})

    wait_for(lambda: digest_runs_finished([log_a, log_b]) >= 2, "both deliveries of the reminder task", workers)
    wait_for(lambda: sum(messages(mail).values()) >= 2, "the two emails to be written", workers)
    time.sleep(2)  # room for a wrong third or fourth email to arrive
    assert messages(mail) == {"alex@example.org": 1, "sam@example.org": 1}
    assert set(ReminderDigest.objects.filter(day=DAY).values_list("user__email", flat=True)) == {
        "alex@example.org",
        "sam@example.org",
    }
    body = "".join(p.read_text(errors="replace") for p in mail.glob("*.log"))
    assert "The council must answer" in body and "Due today" in body

    # The next day is another day: one more each.
    deadline_digest.apply_async(kwargs={"day": (DAY + dt.timedelta(days=1)).isoformat()})
    wait_for(lambda: digest_runs_finished([log_a, log_b]) >= 3, "the next day's run", workers)
    wait_for(lambda: sum(messages(mail).values()) >= 4, "the next day's emails", workers)
    time.sleep(1)
    assert messages(mail) == {"alex@example.org": 2, "sam@example.org": 2}
