"""The generated paragraphs of a statement, word for word: every precision of date, every kind's lead-in,
no impact, no exhibits, several exhibits, and her words kept exactly as she typed them."""

import datetime as dt
import zoneinfo

import pytest

from casework.statement_text import (
    ExhibitFact,
    IncidentFacts,
    PartyFact,
    ReferenceFact,
    date_phrase,
    exhibit_words,
    paragraph_for,
    paragraphs_of,
    victim_paragraph,
    witness_paragraph,
)
from incidents.models import Incident

LONDON = zoneinfo.ZoneInfo("Europe/London")
WHEN = dt.datetime(2026, 10, 9, 14, 5, tzinfo=LONDON)


def facts(**overrides) -> IncidentFacts:
    values = {
        "occurred": WHEN,
        "precision": "exact",
        "kind": "online_post",
        "title": "Post on the school group",
        "narrative": "A post said our children were not safe at home.",
    }
    return IncidentFacts(**{**values, **overrides})


@pytest.mark.parametrize(
    ("precision", "expected"),
    [
        ("exact", "On 9 October 2026 at 14:05"),
        ("day", "On 9 October 2026"),
        ("month", "In October 2026"),
        ("approximate", "In about October 2026"),
    ],
)
def test_the_date_is_said_as_precisely_as_it_is_known(precision, expected):
    assert date_phrase(WHEN, precision) == expected


def test_the_date_is_the_one_given_in_the_cases_zone_not_utc():
    late = dt.datetime(2026, 10, 9, 23, 30, tzinfo=dt.UTC).astimezone(LONDON)  # 00:30 on the 10th in London
    assert date_phrase(late, "exact") == "On 10 October 2026 at 00:30"


def test_a_bare_paragraph_has_the_date_the_lead_in_and_her_words():
    assert witness_paragraph(facts()) == (
        "On 9 October 2026 at 14:05, a post about my family was published. "
        "A post said our children were not safe at home."
    )


def test_a_false_referral_with_its_impact_reference_and_exhibit():
    paragraph = witness_paragraph(
        facts(
            kind="referral_social_services",
            precision="day",
            narrative="Someone told them I leave the children alone at night. This is not true",
            impact="I could not sleep for a week and my son was frightened",
            parties=(
                PartyFact(name="Kent Children's Services", role="reported_to", kind="social_services"),
                PartyFact(name="J. Smith", role="suspected", kind="suspect"),
            ),
            references=(ReferenceFact(kind="social_services", number="CS-2026-114"),),
            exhibits=(ExhibitFact(mark="AJ/3", description="Letter from Kent Children's Services"),),
        )
    )
    assert paragraph == (
        "On 9 October 2026, a referral was made about my family to Kent Children's Services. "
        "Someone told them I leave the children alone at night. This is not true. "
        "I believe this was done by J. Smith. "
        "This affected me and my family. I could not sleep for a week and my son was frightened. "
        "The social services case number is CS-2026-114. "
        "I produce a letter from Kent Children's Services as exhibit AJ/3."
    )


def test_month_and_approximate_dates_lead_their_paragraphs():
    assert witness_paragraph(facts(precision="month")).startswith("In October 2026, a post about my family")
    assert witness_paragraph(facts(precision="approximate")) == (
        "In about October 2026, a post about my family was published. A post said our children were not safe at home."
    )


def test_no_impact_and_no_exhibits_add_nothing():
    paragraph = witness_paragraph(facts(impact="   ", exhibits=()))
    assert "affected" not in paragraph
    assert "produce" not in paragraph
    assert paragraph.endswith("not safe at home.")


def test_several_exhibits_are_each_produced_in_order_with_their_references():
    paragraph = witness_paragraph(
        facts(
            platform="Facebook",
            url="https://www.facebook.com/groups/123/posts/456",
            references=(
                ReferenceFact(kind="police", number="12/34567/26", agency="Kent Police"),
                ReferenceFact(kind="platform", number="FB-99812"),
            ),
            exhibits=(
                ExhibitFact(mark="AJ/1", description="Screenshot of the post."),
                ExhibitFact(mark="AJ/2", description="Facebook's reply to my report"),
                ExhibitFact(mark="AJ/12", description="NSPCC letter"),
            ),
        )
    )
    assert paragraph == (
        "On 9 October 2026 at 14:05, a post about my family was published on Facebook. "
        "A post said our children were not safe at home. "
        "The web address is https://www.facebook.com/groups/123/posts/456. "
        "The police reference (Kent Police) is 12/34567/26. "
        "The platform's report number is FB-99812. "
        "I produce a screenshot of the post as exhibit AJ/1. "
        "I produce Facebook's reply to my report as exhibit AJ/2. "
        "I produce NSPCC letter as exhibit AJ/12."
    )


def test_a_police_reference_reads_plainly():
    paragraph = witness_paragraph(facts(references=(ReferenceFact(kind="police", number="12/34567/26"),)))
    assert paragraph.endswith(" The police reference is 12/34567/26.")


@pytest.mark.parametrize(
    ("kind", "parties", "platform", "lead_in"),
    [
        (
            "referral_social_services",
            (),
            "",
            "On 9 October 2026 at 14:05, a referral was made about my family to social services.",
        ),
        ("referral_nspcc", (), "", "On 9 October 2026 at 14:05, a referral was made about my family to the NSPCC."),
        ("police_contact", (), "", "On 9 October 2026 at 14:05, I had contact with the police."),
        (
            "police_contact",
            (PartyFact(name="Kent Police", role="involved", kind="police"),),
            "",
            "On 9 October 2026 at 14:05, I had contact with Kent Police.",
        ),
        ("agency_letter", (), "", "On 9 October 2026 at 14:05, I received a letter from an agency."),
        (
            "agency_visit",
            (PartyFact(name="Kent Children's Services", role="involved", kind="social_services"),),
            "",
            "On 9 October 2026 at 14:05, I had a visit from Kent Children's Services.",
        ),
        ("agency_call", (), "", "On 9 October 2026 at 14:05, I had a call from an agency."),
        ("online_post", (), "Mumsnet", "On 9 October 2026 at 14:05, a post about my family was published on Mumsnet."),
        ("direct_message", (), "Instagram", "On 9 October 2026 at 14:05, I received a message on Instagram."),
        (
            "third_party",
            (PartyFact(name="Acme Ltd", role="contacted", kind="employer"),),
            "",
            "On 9 October 2026 at 14:05, Acme Ltd was contacted about my family.",
        ),
        (
            "third_party",
            (
                PartyFact(name="Acme Ltd", role="contacted", kind="employer"),
                PartyFact(name="Hill School", role="contacted", kind="school"),
            ),
            "",
            "On 9 October 2026 at 14:05, Acme Ltd and Hill School were contacted about my family.",
        ),
        ("third_party", (), "", "On 9 October 2026 at 14:05, someone outside my family was contacted about us."),
        ("doxing", (), "X", "On 9 October 2026 at 14:05, my family's personal details were published on X."),
        ("other", (), "", "On 9 October 2026 at 14:05, the following happened."),
    ],
)
def test_each_kind_has_its_lead_in(kind, parties, platform, lead_in):
    paragraph = witness_paragraph(facts(kind=kind, parties=parties, platform=platform))
    assert paragraph == f"{lead_in} A post said our children were not safe at home."


def test_every_kind_of_incident_has_a_lead_in_of_its_own_or_is_other():
    generic = witness_paragraph(facts(kind="other"))
    specific = {kind for kind in Incident.Kind.values if witness_paragraph(facts(kind=kind)) != generic}
    assert specific == set(Incident.Kind.values) - {"other"}


def test_a_platform_gets_its_own_sentence_where_the_lead_in_does_not_name_it():
    assert witness_paragraph(facts(kind="agency_call", platform="WhatsApp")) == (
        "On 9 October 2026 at 14:05, I had a call from an agency. This was on WhatsApp. "
        "A post said our children were not safe at home."
    )


def test_witnesses_are_named():
    paragraph = witness_paragraph(
        facts(parties=(PartyFact(name="Dee", role="witness"), PartyFact(name="Ray", role="witness")))
    )
    assert paragraph.endswith("not safe at home. Dee and Ray were witnesses to this.")


def test_hostile_text_is_kept_exactly_as_typed():
    narrative = 'He wrote <img src="file:///etc/passwd"> & <b>"you\'re next"</b>\n\nThen   he   left'
    paragraph = witness_paragraph(
        facts(
            narrative=narrative,
            impact="<script>alert(1)</script>",
            exhibits=(ExhibitFact(mark="AJ/4", description="<a href='x'>Screenshot</a>"),),
        )
    )
    assert paragraph == (
        "On 9 October 2026 at 14:05, a post about my family was published. "
        'He wrote <img src="file:///etc/passwd"> & <b>"you\'re next"</b>\n\nThen   he   left. '
        "This affected me and my family. <script>alert(1)</script> "
        "I produce <a href='x'>Screenshot</a> as exhibit AJ/4."
    )


def test_her_punctuation_is_not_doubled():
    assert witness_paragraph(facts(narrative="Why would anyone say that?")).endswith("say that?")
    assert witness_paragraph(facts(narrative='She said "leave"')).endswith('She said "leave"')


@pytest.mark.parametrize(
    ("description", "words"),
    [
        ("Screenshot of the post", "a screenshot of the post"),
        ("Screenshots of the posts", "screenshots of the posts"),
        ("Audio recording of the call", "an audio recording of the call"),
        ("My notes", "my notes"),
        ("The letter of 3 May.", "the letter of 3 May"),
        ("Facebook post", "Facebook post"),
        ("NSPCC letter", "NSPCC letter"),
        ("PHOTO of the car", "PHOTO of the car"),
        ("  Email\nfrom   the school ", "an email from the school"),
    ],
)
def test_an_exhibits_description_reads_inside_the_sentence(description, words):
    assert exhibit_words(description) == words


def test_the_victim_paragraph_is_her_impact_with_the_date_and_title():
    assert victim_paragraph(facts(impact="I stopped taking the children to the park")) == (
        "After what happened on 9 October 2026 (Post on the school group): I stopped taking the children to the park."
    )
    assert victim_paragraph(facts(precision="month", impact="We were afraid.")) == (
        "After what happened in October 2026 (Post on the school group): We were afraid."
    )
    assert victim_paragraph(facts(precision="approximate", impact="We were afraid.")) == (
        "After what happened in about October 2026 (Post on the school group): We were afraid."
    )


def test_no_impact_means_no_victim_paragraph():
    assert victim_paragraph(facts(impact=" \n ")) == ""
    assert paragraph_for("victim", facts()) == ""
    assert paragraph_for("witness", facts()).startswith("On 9 October 2026 at 14:05, a post")


def test_an_opening_is_split_at_her_blank_lines():
    assert paragraphs_of("My name is Alex.\r\n\r\nI live with my two children.\n  \nLine one\nline two") == [
        "My name is Alex.",
        "I live with my two children.",
        "Line one\nline two",
    ]
    assert paragraphs_of("  \n\n ") == []
