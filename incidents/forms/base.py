"""What the case file's forms share: choices that come from one case only."""

from django import forms

from ..models import Case
from ..rules import validate_past_date


class CaseScopedForm(forms.Form):
    """A form whose choices come from one case only: a party or reference of another case is not a valid choice."""

    def __init__(self, *args, case: Case, **kwargs):
        self.case = case
        super().__init__(*args, **kwargs)


class PastDateField(forms.DateField):
    """An optional date something was received, opened or closed: a date picker, not in the future."""

    def __init__(self, label: str, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("validators", [validate_past_date])
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        super().__init__(label=label, **kwargs)
