"""The dossier prints each party's role in an incident as it was chosen, in words."""

import datetime as dt

import pytest
from django.utils import timezone

from incidents.services import parties as party_services
from tests.dossiers.test_dossier_output import compile_now, flat, pdf_path, pdf_text
from tests.factories import log_incident

pytestmark = pytest.mark.django_db


def test_dossier_shows_the_role_chosen_and_the_usual_one_for_an_agency_visit(case, owner, tmp_path):
    council = party_services.party_create(user=owner, case=case, kind="social_services", name="Anytown Council")
    police = party_services.party_create(user=owner, case=case, kind="police", name="Anytown Police")
    log_incident(
        case,
        owner,
        kind="agency_visit",
        title="Home visit",
        occurred_at=timezone.now() - dt.timedelta(days=3),
        narrative="Two social workers came to the house.",
        parties=[council],
    )
    log_incident(
        case,
        owner,
        kind="referral_social_services",
        title="The referral",
        occurred_at=timezone.now() - dt.timedelta(days=5),
        narrative="Someone made an anonymous referral.",
        parties=[council, police],
        party_roles={police.pk: "contacted"},
    )
    text = flat(pdf_text(pdf_path(compile_now(case, owner), tmp_path)))
    visit = text[text.index("Home visit") :]
    referral = text[text.index("The referral") : text.index("Home visit")]
    assert "Anytown Council (involved)" in visit
    assert "Anytown Council (received the report)" in referral
    assert "Anytown Police (was contacted about us)" in referral
