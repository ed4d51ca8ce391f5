"""The letter templates as files (casework/letters/templates/) and the pure loader and filler (casework.letter_text).

Bad templates are written into tmp_path here; the good ones are the project's own.
"""

from datetime import date

import pytest

from casework import letter_text
from casework.letter_text import LetterIncomplete, TemplateProblem, fill, format_date, load_templates, parse_template
from incidents.models import Case, Party

TEMPLATES = load_templates()

GOOD = """key: test_letter
title: A test letter
kind: sar
nations: england
recipients: social_services
subject: About {{ case_reference }}
variables:
  case_reference (required): council's case number
  children_text (optional): children's names
---
I write about {{ case_reference }} to {{ recipient_name }}.

I also write for {{ children_text }}.

Please answer.
"""


def write(tmp_path, text: str, name: str = "test_letter.txt"):
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def values_for(template) -> dict[str, str]:
    """A value for every variable a template and the frame have: plain words, no brackets."""
    values = {name: f"Value of {name.replace('_', ' ')}" for name in (*template.variables, *letter_text.FRAME)}
    values["recipient_address"] = "1 High Street\nWinchester\nSO23 9AA"
    values["letter_date"] = format_date(date(2026, 12, 3))
    return values


def test_every_template_in_the_folder_loads_with_the_letters_the_issue_lists():
    assert set(TEMPLATES) == {
        "sar_council",
        "sar_nspcc",
        "sar_police",
        "sar_organisation",
        "rectification",
        "complaint_stage1_england",
        "complaint_stage1_wales",
        "police_crime_reference",
        "police_victims_right_to_review",
        "employer_false_allegation",
        "platform_report_record",
    }
    kinds = {t.kind for t in TEMPLATES.values()}
    assert kinds == set(letter_text.KINDS)
    assert TEMPLATES["complaint_stage1_england"].nations == ("england",)
    assert TEMPLATES["complaint_stage1_wales"].nations == ("wales",)
    for template in TEMPLATES.values():
        assert template.title and template.paragraphs and template.variables
        assert template.names() <= set(template.variables) | set(letter_text.FRAME)


def test_the_templates_name_the_party_kinds_and_nations_of_the_case_file():
    assert set(letter_text.RECIPIENT_KINDS) == set(Party.Kind.values) - {"suspect", "witness"}
    assert set(letter_text.NATIONS) == set(Case.Nation.values)


def test_a_template_naming_an_undeclared_variable_fails_naming_it(tmp_path):
    write(tmp_path, GOOD.replace("Please answer.", "Please answer by {{ due_dat }}."))
    with pytest.raises(TemplateProblem, match=r"test_letter\.txt: names due_dat but does not declare it"):
        load_templates(tmp_path)


def test_a_template_declaring_a_variable_it_never_uses_fails(tmp_path):
    write(tmp_path, GOOD.replace("I also write for {{ children_text }}.\n", ""))
    with pytest.raises(TemplateProblem, match="declares children_text but never uses it"):
        load_templates(tmp_path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("\n---\n", "\n"), "no line '---'"),
        (("kind: sar", "kind: letter_bomb"), "kind 'letter_bomb' is not one of"),
        (("nations: england", "nations: england, narnia"), "nation narnia not one of"),
        (("recipients: social_services", "recipients: suspect"), "recipient kind suspect"),
        (("title: A test letter\n", ""), "the header has no title"),
        (("key: test_letter", "key: other_letter"), "is not the file's name"),
        (("  children_text (optional)", "  children_text (maybe)"), "a variable is written"),
        (("Please answer.", "Please answer {{ due | upper }}."), "is not a placeholder"),
        (("Please answer.", "{{#each incidents}}"), "is not a placeholder"),
        (("subject: About", "colour: red\nsubject: About"), "expected one of"),
    ],
)
def test_a_malformed_template_fails_with_what_is_wrong(tmp_path, change, message):
    write(tmp_path, GOOD.replace(*change))
    with pytest.raises(TemplateProblem, match=message):
        load_templates(tmp_path)


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_filling_every_value_leaves_no_placeholder_bracket_or_name(key):
    template = TEMPLATES[key]
    filled = fill(template, values_for(template), final=True)
    words = "\n".join([filled.subject, *filled.body_paragraphs, *filled.recipient_lines, filled.date_text])
    assert "{{" not in words and "}}" not in words and "[" not in words
    for name in (*template.variables, *letter_text.FRAME):
        assert name not in words
    assert filled.missing == ()
    assert len(filled.body_paragraphs) == len(template.paragraphs)  # nothing optional left out
    assert filled.recipient_lines == ("1 High Street", "Winchester", "SO23 9AA")
    assert filled.salutation == "Dear Value of recipient salutation"
    assert filled.sign_off == "Yours sincerely"


def test_a_draft_with_the_address_missing_shows_it_in_brackets_and_lists_it():
    template = TEMPLATES["sar_council"]
    values = values_for(template)
    del values["recipient_address"]
    values["case_reference"] = "   "  # blank counts as missing
    filled = fill(template, values, final=False)
    assert filled.recipient_lines == ("[recipient's address]",)
    assert filled.missing == ("recipient_address", "case_reference")
    assert "[council's case or referral number]" in filled.subject
    assert "recorded under reference [council's case or referral number]." in filled.body_paragraphs[0]
    doc = letter_text.letter_doc(filled, draft=False)
    assert doc.draft  # a letter with a value missing is a draft whatever the caller asked


def test_a_final_letter_with_the_address_missing_is_refused_in_a_sentence():
    template = TEMPLATES["sar_council"]
    values = values_for(template)
    values["recipient_address"] = ""
    with pytest.raises(LetterIncomplete) as raised:
        fill(template, values, final=True)
    assert raised.value.missing == ("recipient_address",)
    assert str(raised.value) == "This letter cannot be made final yet. Still to fill in: recipient's address."
    values["due_text"] = ""
    with pytest.raises(LetterIncomplete, match=r"Still to fill in: recipient's address and date the answer is due\.$"):
        fill(template, values, final=True)


def test_an_optional_value_left_blank_leaves_out_its_paragraph():
    template = parse_template(GOOD)
    values = {**values_for(template), "children_text": ""}
    filled = fill(template, values, final=True)
    assert filled.body_paragraphs == (
        "I write about Value of case reference to Value of recipient name.",
        "Please answer.",
    )
    assert filled.missing == ()


def test_without_a_name_to_address_the_letter_opens_dear_sir_or_madam_and_closes_faithfully():
    template = TEMPLATES["sar_police"]
    filled = fill(template, {**values_for(template), "recipient_salutation": ""}, final=True)
    assert (filled.salutation, filled.sign_off) == ("Dear Sir or Madam", "Yours faithfully")


def test_values_are_inserted_as_text_and_never_read_again():
    template = parse_template(GOOD)
    evil = "{{ recipient_name }} {{ evil }} <img src=x> [[x]]"
    filled = fill(template, {**values_for(template), "case_reference": evil}, final=True)
    assert filled.subject == f"About {evil}"
    assert filled.body_paragraphs[0] == f"I write about {evil} to Value of recipient name."
    assert filled.missing == ()


def test_format_date_writes_the_day_without_a_leading_zero():
    assert format_date(date(2026, 12, 3)) == "3 December 2026"
    assert format_date(date(2027, 1, 31)) == "31 January 2027"


def test_line_list_puts_one_item_a_line():
    assert letter_text.line_list(["4 March 2026: a referral", "  ", "19 April   2026: another"]) == (
        "– 4 March 2026: a referral\n– 19 April 2026: another"
    )
