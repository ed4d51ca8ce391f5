"""The statement page's forms. They only parse: every limit and rule (lengths, the age of a maker under 18, an
empty paragraph) is the service's, whose ValidationError is put beside the field (incidents.pages.form_errors).

No field carries a maxlength attribute: a browser would cut a long paste short without a word. A text over
its limit comes back with the limit named and every character she typed still in the box.
"""

from django import forms

from incidents.models import AgencyReference, Evidence, Party

from .models import Letter


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class OpeningForm(forms.Form):
    opening = forms.CharField(
        label="Your opening",
        required=False,
        strip=False,
        widget=_textarea(8),
        help_text="Who you are, who is in your family, and how you came to know about the reports. "
        "Leave a blank line between paragraphs.",
    )


class ClosingForm(forms.Form):
    closing = forms.CharField(
        label="Your closing",
        required=False,
        strip=False,
        widget=_textarea(8),
        help_text="How all of this has affected you and your children. Leave a blank line between paragraphs.",
    )


class MakerForm(forms.Form):
    name = forms.CharField(label="Your full name", required=False)
    over_18 = forms.TypedChoiceField(
        label="Are you 18 or over?",
        choices=[("yes", "Yes, 18 or over"), ("no", "No, under 18")],
        coerce=lambda value: value == "yes",
        initial="yes",
        widget=forms.RadioSelect,
    )
    age = forms.IntegerField(label="Your age (only if you are under 18)", required=False)
    occupation = forms.CharField(label="Your job or occupation", required=False)
    address = forms.CharField(
        label="Your address",
        required=False,
        widget=_textarea(3),
        help_text="Kept encrypted. Printed only if you choose to include it when you download the statement.",
    )
    phone = forms.CharField(
        label="Your telephone number", required=False, help_text="Kept encrypted, like your address."
    )

    @staticmethod
    def initial_for(statement, *, address: str, phone: str) -> dict:
        return {
            "name": statement.maker_name,
            "over_18": "yes" if statement.maker_over_18 else "no",
            "age": statement.maker_age,
            "occupation": statement.maker_occupation,
            "address": address,
            "phone": phone,
        }


class ParagraphForm(forms.Form):
    text = forms.CharField(label="This paragraph", required=False, strip=False, widget=_textarea(12))


class MoveForm(forms.Form):
    to = forms.IntegerField(min_value=1)


class LetterStartForm(forms.Form):
    """Which letter, to whom, about what: the case's facts fill in the rest."""

    template = forms.ChoiceField(label="Which letter")
    reference = forms.ModelChoiceField(
        label="The reference number it is about (optional)",
        queryset=AgencyReference.objects.none(),
        required=False,
        empty_label="None",
        help_text="Its number, its agency and the dates of its incidents go into the letter.",
    )
    recipient = forms.ModelChoiceField(
        label="Who it is to (optional)",
        queryset=Party.objects.none(),
        required=False,
        empty_label="The reference's agency",
        help_text="Their name and the address kept on their page go into the letter.",
    )

    def __init__(self, *args, case, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(t.key, t.title) for t in templates]
        self.fields["reference"].queryset = AgencyReference.objects.filter(case=case).select_related("agency")
        self.fields["recipient"].queryset = Party.objects.filter(case=case).exclude(kind=Party.Kind.SUSPECT)


class LetterEditForm(forms.Form):
    sender_name = forms.CharField(label="Your name")
    sender_address = forms.CharField(label="Your address (and email or phone)", widget=_textarea(4))
    recipient_name = forms.CharField(label="To")
    recipient_address = forms.CharField(
        label="Their address", widget=_textarea(4), required=False,
        help_text="Needed before the letter can be made final.",
    )  # fmt: skip
    salutation = forms.CharField(label="Opening", help_text="For example: Dear Ms Patel")
    sign_off = forms.CharField(label="Closing", help_text="Yours sincerely, or Yours faithfully")
    subject = forms.CharField(label="Subject line")
    body = forms.CharField(
        label="The letter",
        widget=_textarea(24),
        help_text="Leave a blank line between paragraphs: each is numbered when printed. Replace anything in "
        "[square brackets].",
    )


class LetterSentForm(forms.Form):
    sent_on = forms.DateField(label="The day you sent it", widget=forms.DateInput(attrs={"type": "date"}))
    how = forms.ChoiceField(label="How you sent it", choices=Letter.SentHow.choices)


class LetterAnswerForm(forms.Form):
    received_on = forms.DateField(label="The day their answer came", widget=forms.DateInput(attrs={"type": "date"}))
    evidence = forms.ModelChoiceField(
        label="The exhibit that holds their answer (optional)",
        queryset=Evidence.objects.none(),
        required=False,
        empty_label="Not added yet",
    )
    note = forms.CharField(label="Note (optional)", widget=_textarea(3), required=False)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = Evidence.objects.filter(case=case, withdrawn_at__isnull=True)
