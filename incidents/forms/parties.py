"""The form for a person or body in the case."""

from django import forms

from ..models import Party


class PartyForm(forms.Form):
    kind = forms.ChoiceField(label="Who are they?", choices=Party.Kind.choices)
    name = forms.CharField(label="Name", max_length=200, help_text="A person's name, a username, or an organisation.")
    handles = forms.CharField(
        label="Online usernames (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line.",
    )
    aliases = forms.CharField(
        label="Other names they use (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One per line.",
    )
    contact = forms.CharField(
        label="Contact details (optional)", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    notes = forms.CharField(
        label="Notes (optional)", max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
