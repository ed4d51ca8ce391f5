"""A police dossier may carry the draft witness statement and the offence checklist (options include_statement,
include_checklist), read back from the compiled PDF with pdftotext; a dossier for anyone else never carries
the checklist, whoever asks for it (the form, the API, or the service itself)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from casework.queries.statements import statement_for_case
from casework.services import statements as statement_services
from dossiers import services
from dossiers.models import Dossier
from dossiers.rules import dossier_options
from incidents.models import Case, IncidentParty
from incidents.services import parties as party_services
from tests.dossiers.test_dossier_output import compile_now, flat, pdf_path, pdf_text
from tests.factories import log_incident, witness_draft

pytestmark = pytest.mark.django_db

OPENING = "My name is Alex Jones. I am the mother of two children and I make this statement about false reports."
CLOSING = "These reports have frightened my children and me for many months."
DISCLAIMER = (
    "This checklist gives information, not legal advice: the police and the prosecutors (the Crown Prosecution "
    "Service, or in Northern Ireland the Public Prosecution Service) decide whether an offence was committed."
)
SCOTLAND = (
    "This checklist covers England, Wales and Northern Ireland. Scotland has its own law (the Criminal Justice "
    "and Licensing (Scotland) Act 2010, sections 38 and 39), so no offences are listed here."
)
CHECKLIST_REFUSED = (
    "The offence checklist can only go in a dossier for the police: a dossier for social services or for your "
    'own record never includes it. Choose "The police", or leave this box unticked.'
)


@pytest.fixture
def world(case, owner):
    """Two posts by one suspected person a month apart, a draft witness statement with an opening and a closing."""
    suspect = party_services.party_create(user=owner, case=case, kind="suspect", name="Pat Doe")
    now = timezone.now()
    for days, title in ((60, "First false post"), (30, "Second false post")):
        log_incident(
            case,
            owner,
            title=title,
            occurred_at=now - dt.timedelta(days=days),
            narrative=f"{title}: it said our children were at risk.",
            parties=[suspect],
            party_roles={suspect.pk: IncidentParty.Role.SUSPECTED},
        )
    witness_draft(case, owner, opening=OPENING, closing=CLOSING)
    return case


def text_of(case, owner, tmp_path, **options) -> str:
    return flat(pdf_text(pdf_path(compile_now(case, owner, **options), tmp_path)).replace("\xa0", " "))


def test_a_police_dossier_carries_the_draft_statement_and_the_checklist(world, owner, tmp_path):
    text = text_of(world, owner, tmp_path, audience="police", include_statement=True, include_checklist=True)
    assert "Draft witness statement" in text
    assert "Statement of: Alex Jones" in text
    assert "Occupation: Nurse" in text
    assert f"1. {OPENING}" in text
    assert f"4. {CLOSING}" in text  # the opening, one paragraph for each of the two posts, the closing
    # Never the maker's address or telephone number.
    assert "1 High Street" not in text and "07700 900456" not in text
    checklist = text[text.index("Offence checklist") :]
    assert "Pat Doe" in checklist
    assert "2 incidents: No. 1–2 in the chronology" in checklist
    assert "Harassment" in checklist and "Protection from Harassment Act 1997, section 2" in checklist
    assert "Yes: Two or more occasions by this person." in checklist
    assert text.count(DISCLAIMER) == 1
    # Both come after the chronology and before the statement of record.
    assert text.index("Chronology") < text.index("Draft witness statement") < text.index("Offence checklist")
    assert text.index("Offence checklist") < text.index("Statement of record")


def test_a_dossier_without_the_options_carries_neither(world, owner, tmp_path):
    text = text_of(world, owner, tmp_path, audience="police")
    assert "Draft witness statement" not in text
    assert "Offence checklist" not in text
    assert OPENING not in text


def test_a_social_services_dossier_never_shows_the_checklist_even_if_its_row_asks(world, owner, tmp_path):
    # A row made directly, past the form and the service: the compile still leaves both sections out.
    text = text_of(world, owner, tmp_path, audience="social_services", include_statement=True, include_checklist=True)
    assert "Offence checklist" not in text
    assert "Draft witness statement" not in text
    assert DISCLAIMER not in text


def test_the_service_refuses_a_social_services_dossier_with_the_checklist(world, owner):
    with pytest.raises(ValidationError) as refused:
        services.dossier_request(
            user=owner, case=world, options={"audience": "social_services", "include_checklist": True}
        )
    assert refused.value.message_dict == {"include_checklist": [CHECKLIST_REFUSED]}
    assert not Dossier.objects.filter(case=world).exists()


def test_the_rule_refuses_the_checklist_for_every_audience_but_the_police():
    common = {"date_from": None, "date_to": None, "photos": "inline", "redact": True}
    for audience in ("social_services", "own_record"):
        with pytest.raises(ValidationError) as refused:
            dossier_options(audience=audience, include_checklist=True, **common)
        assert refused.value.message_dict == {"include_checklist": [CHECKLIST_REFUSED]}
    options = dossier_options(audience="police", include_statement=True, include_checklist=True, **common)
    assert (options["include_statement"], options["include_checklist"]) == (True, True)
    assert "include_checklist" not in dossier_options(audience="police", **common)


def test_the_form_says_why_a_social_services_dossier_cannot_have_the_checklist(client, world, owner):
    client.force_login(owner)
    url = reverse("dossiers:dossier_list", args=[world.pk])
    form = {"audience": "social_services", "photos": "inline", "include_checklist": "on"}
    response = client.post(url, form)
    assert response.status_code == 400
    assert CHECKLIST_REFUSED.replace('"', "&quot;") in response.content.decode()
    assert not Dossier.objects.filter(case=world).exists()
    page = client.get(url).content.decode()
    assert "Include the offence checklist (police dossiers only)" in page
    assert "Include my draft witness statement (police dossiers only)" in page

    asked = client.post(url, {**form, "audience": "police", "include_statement": "on"})
    assert asked.status_code == 302
    row = Dossier.objects.get(case=world)
    assert (row.options["include_statement"], row.options["include_checklist"]) == (True, True)
    listed = client.get(url).content.decode()
    assert "Also includes: the draft witness statement and the offence checklist" in listed


def test_the_api_refuses_the_checklist_for_social_services_and_takes_it_for_the_police(client, world, owner):
    client.force_login(owner)
    url = reverse("api:dossier-list", kwargs={"case_id": world.pk})
    refused = client.post(url, {"audience": "social_services", "include_checklist": True}, "application/json")
    assert refused.status_code == 422, refused.content
    assert refused.json() == {"include_checklist": [CHECKLIST_REFUSED]}
    taken = client.post(url, {"audience": "police", "include_checklist": True}, "application/json")
    assert taken.status_code == 201, taken.content
    assert Dossier.objects.get(pk=taken.json()["id"]).options["include_checklist"] is True


def test_asking_for_the_statement_when_there_is_no_draft_is_refused(case, owner):
    with pytest.raises(ValidationError) as refused:
        services.dossier_request(user=owner, case=case, options={"audience": "police", "include_statement": True})
    assert refused.value.message_dict == {
        "include_statement": [
            "There is no draft witness statement in this case yet, so it cannot go in the dossier. Start it on "
            "the statement page, or leave this box unticked."
        ]
    }


def test_a_scottish_case_shows_the_message_only(world, owner, tmp_path):
    Case.objects.filter(pk=world.pk).update(nation="scotland")
    world.refresh_from_db()
    text = text_of(world, owner, tmp_path, audience="police", include_checklist=True)
    checklist = text[text.index("Offence checklist") : text.index("Statement of record")]
    assert SCOTLAND in checklist
    assert "Harassment" not in checklist and "Pat Doe" not in checklist
    assert DISCLAIMER not in text


def test_a_case_with_no_suspect_says_so(case, owner, tmp_path):
    log_incident(case, owner, title="A post")
    text = text_of(case, owner, tmp_path, audience="police", include_checklist=True)
    checklist = text[text.index("Offence checklist") : text.index("Statement of record")]
    assert (
        "Nobody is named in this case as a suspected perpetrator, so there is no one to check the record for."
        in checklist
    )
    assert text.count(DISCLAIMER) == 1


def test_typed_markup_in_the_statement_and_a_name_prints_as_typed(world, owner, tmp_path):
    hostile = 'I saw <font name=Courier size=40>this</font> & <img src="/etc/passwd"/> on the forum.'
    statement = statement_for_case(case=world, kind="witness")
    statement_services.statement_update(statement=statement, opening=hostile, closing=CLOSING, by=owner)
    party_services.party_create(user=owner, case=world, kind="suspect", name="<b>Bold</b> & Co")
    text = text_of(world, owner, tmp_path, audience="police", include_statement=True, include_checklist=True)
    assert f"1. {hostile}" in text
    assert "<b>Bold</b> & Co" in text
