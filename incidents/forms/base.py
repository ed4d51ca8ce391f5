"""What the case file's forms share: choices that come from one case only."""

from django import forms

from ..models import Case


class CaseScopedForm(forms.Form):
    """A form whose choices come from one case only: a party or reference of another case is not a valid choice."""

    def __init__(self, *args, case: Case, **kwargs):
        self.case = case
        super().__init__(*args, **kwargs)
