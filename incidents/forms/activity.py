"""The activity log's filters: whose actions, and which kind of action. A GET form: it works without JS."""

from django import forms

from audit.actions import GROUPS

from .base import CaseScopedForm

PERSON_REFUSAL = "Choose someone from the list. Everything is shown until then."
KIND_REFUSAL = "Choose a kind of action from the list. Everything is shown until then."


class ActivityFilterForm(CaseScopedForm):
    person = forms.TypedChoiceField(
        label="Who", required=False, coerce=int, empty_value=None, error_messages={"invalid_choice": PERSON_REFUSAL}
    )
    kind = forms.ChoiceField(
        label="What kind of action",
        required=False,
        choices=[("", "Everything"), *((key, words) for key, words, _ in GROUPS)],
        error_messages={"invalid_choice": KIND_REFUSAL},
    )

    def __init__(self, *args, people: list[tuple[int, str]], **kwargs):
        """`people` is (user id, name) for everyone who has been on the case (queries.activity.people)."""
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "Anyone"), *people]
