"""A letter's life (casework/services/letters.py): drafted from a template and the case's facts (the reference
number, its agency's name and address, the dates of its incidents, the parent's details from her statement),
edited, made final only with nothing "[in brackets]" and the recipient's address given, marked sent (its clocks
start, as casework/deadlines.py counts them), answered (they close), extended; and the pages that do it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from casework import deadlines, letter_text
from casework.models import Deadline, Letter
from casework.services import letters as services
from incidents.services import parties as party_services
from incidents.services import references as reference_services
from tests.factories import log_incident

pytestmark = pytest.mark.django_db

ADDRESS = "Children's Services\nCivic Centre\nWinchester\nSO23 8UJ"


@pytest.fixture
def council_reference(case, owner):
    council = party_services.party_create(
        user=owner, case=case, kind="social_services", name="Hampshire Children's Services", contact=ADDRESS
    )
    reference = reference_services.reference_create(
        user=owner, case=case, kind="social_services", number="SS/2026/001234", agency=council
    )
    incident = log_incident(case, owner, occurred_at=timezone.now() - dt.timedelta(days=40))
    reference.incidents.add(incident)
    return reference, incident


def today(case) -> dt.date:
    return timezone.localdate(timezone.now(), case.zone)


def edit(letter, **changes):
    values = {
        "subject": letter.subject,
        "body": letter.body,
        "sender_name": letter.sender_name,
        "sender_address": "12 Acacia Avenue\nWinchester",
        "recipient_name": letter.recipient_name,
        "recipient_address": letter.recipient_address,
        "salutation": letter.salutation,
        "sign_off": letter.sign_off,
    }
    return services.letter_edit(user=letter.created_by, letter=letter, **{**values, **changes})


def test_a_letter_is_drafted_from_the_reference_and_its_agency(case, owner, council_reference):
    reference, incident = council_reference
    letter = services.letter_start(user=owner, case=case, template_key="sar_council", reference=reference)
    assert letter.recipient_name == "Hampshire Children's Services" and letter.recipient_address == ADDRESS
    assert "SS/2026/001234" in letter.subject
    day = timezone.localdate(incident.occurred_at, case.zone)
    assert letter_text.format_date(day) in letter.body
    due = deadlines.due("sar", today(case), case.nation).due_date
    assert f"by {letter_text.format_date(due)}" in letter.body
    assert letter.sender_name == owner.full_name
    assert letter.status == "draft"
    # Her address is not known yet: the draft says so, and it cannot be final.
    problems = services.final_problems(letter)
    assert any("[your address]" in p for p in problems)
    with pytest.raises(ValidationError):
        services.letter_finalise(user=owner, letter=letter)
    edit(letter)
    letter.refresh_from_db()
    assert services.final_problems(letter) == []
    services.letter_finalise(user=owner, letter=letter)
    assert Letter.objects.get(pk=letter.pk).status == "final"
    with pytest.raises(ValidationError, match="final"):
        edit(letter, body="changed after it was final")
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="letter.")] == [
        "letter.start",
        "letter.edit",
        "letter.final",
    ]


def test_an_agency_with_no_address_keeps_the_letter_a_draft(case, owner):
    council = party_services.party_create(user=owner, case=case, kind="social_services", name="A Council")
    letter = services.letter_start(user=owner, case=case, template_key="sar_council", recipient=council)
    assert "[recipient's address]" in letter.recipient_address or not letter.recipient_address
    edit(letter, recipient_address="")
    letter.refresh_from_db()
    assert services.NO_ADDRESS in services.final_problems(letter)
    with pytest.raises(ValidationError):
        services.letter_finalise(user=owner, letter=letter)


def final_letter(case, owner, reference, template_key="sar_council") -> Letter:
    letter = services.letter_start(user=owner, case=case, template_key=template_key, reference=reference)
    edit(letter, body=letter.body.replace("[", "(").replace("]", ")"))
    letter.refresh_from_db()
    return services.letter_finalise(user=owner, letter=letter)


def test_sent_starts_the_clock_and_the_answer_closes_it(case, owner, council_reference):
    reference, _ = council_reference
    letter = final_letter(case, owner, reference)
    with pytest.raises(ValidationError, match="future"):
        services.letter_mark_sent(user=owner, letter=letter, sent_on=today(case) + dt.timedelta(days=1), how="post")
    with pytest.raises(ValidationError, match="before it was written"):
        services.letter_mark_sent(user=owner, letter=letter, sent_on=today(case) - dt.timedelta(days=3), how="post")
    [clock] = services.letter_mark_sent(user=owner, letter=letter, sent_on=today(case), how="email")
    assert (clock.rule_key, clock.starts_on) == ("sar", today(case))
    assert clock.due_on == deadlines.due("sar", today(case), case.nation).due_date
    with pytest.raises(ValidationError, match="already"):
        services.letter_mark_sent(user=owner, letter=letter, sent_on=today(case), how="email")
    with pytest.raises(ValidationError, match="future"):
        services.letter_answer_log(user=owner, letter=letter, received_on=today(case) + dt.timedelta(days=2))
    services.deadline_extend(user=owner, deadline=clock)
    clock.refresh_from_db()
    assert clock.extended and clock.due_on == deadlines.due("sar", today(case), case.nation, extended=True).due_date
    with pytest.raises(ValidationError):
        services.deadline_extend(user=owner, deadline=clock)  # only once
    answer = services.letter_answer_log(user=owner, letter=letter, received_on=today(case), note="Bundle came.")
    clock.refresh_from_db()
    assert clock.closed_by == answer and not clock.is_open


def test_a_letter_the_law_sets_no_clock_for_starts_none(case, owner, council_reference):
    reference, _ = council_reference
    letter = final_letter(case, owner, reference, template_key="employer_false_allegation")
    assert services.letter_mark_sent(user=owner, letter=letter, sent_on=today(case), how="post") == []
    assert not Deadline.objects.exists()


def test_the_pages_draft_edit_finalise_send_and_answer(client, case, owner, viewer, council_reference):
    reference, _ = council_reference
    client.force_login(owner)
    start = client.get(reverse("casework:letters", args=[case.pk]) + f"?reference={reference.pk}")
    assert 'value="sar_council" selected' in start.content.decode()
    response = client.post(
        reverse("casework:letters", args=[case.pk]), {"template": "sar_council", "reference": reference.pk}
    )
    letter = Letter.objects.get()
    assert response["Location"] == reverse("casework:letter", args=[case.pk, letter.pk])
    page = client.get(response["Location"]).content.decode()
    assert "SS/2026/001234" in page and "[your address]" in page
    too_long = client.post(
        reverse("casework:letter_edit", args=[case.pk, letter.pk]),
        {
            "subject": "x" * 600, "body": letter.body, "sender_name": "A", "sender_address": "B",
            "recipient_name": "C", "recipient_address": "D", "salutation": "Dear Sir", "sign_off": "Yours",
        },
    )  # fmt: skip
    assert too_long.status_code == 400 and "At most 500 characters" in too_long.content.decode()
    assert "x" * 600 in too_long.content.decode()  # what she typed is still there
    edit(letter, body=letter.body.replace("[", "(").replace("]", ")"))
    client.post(reverse("casework:letter_final", args=[case.pk, letter.pk]))
    sent = client.post(
        reverse("casework:letter_sent", args=[case.pk, letter.pk]), {"sent_on": today(case), "how": "email"}
    )
    assert sent.status_code == 302
    deadline = Deadline.objects.get()
    page = client.get(reverse("casework:letter", args=[case.pk, letter.pk])).content.decode()
    assert deadline.due_on.strftime("%-d %B %Y") in page
    future = client.post(
        reverse("casework:letter_answer", args=[case.pk, letter.pk]),
        {"received_on": today(case) + dt.timedelta(days=5)},
    )
    assert future.status_code == 400 and "future" in future.content.decode()
    client.post(reverse("casework:letter_answer", args=[case.pk, letter.pk]), {"received_on": today(case)})
    assert not Deadline.objects.get().is_open
    client.force_login(viewer)
    assert client.get(reverse("casework:letter", args=[case.pk, letter.pk])).status_code == 200
    assert client.post(reverse("casework:letters", args=[case.pk]), {"template": "sar_council"}).status_code == 403
