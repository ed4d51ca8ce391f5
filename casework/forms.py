"""The statement page's forms. They only parse: every limit and rule (lengths, the age of a maker under 18, an
empty paragraph) is the service's, whose ValidationError is put beside the field (incidents.pages.form_errors).

No field carries a maxlength attribute: a browser would cut a long paste short without a word. A text over
its limit comes back with the limit named and every character she typed still in the box.
"""

from django import forms


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
