"""Forms for exhibits: adding files or a link, describing one, withdrawing one."""

from django import forms

from vault import filetypes

from ..models import Case, Evidence, Incident
from .base import CaseScopedForm, PastDateField


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class EvidenceForm(CaseScopedForm):
    files = MultipleFileField(
        label="Files",
        required=False,
        help_text=f"You can add {filetypes.ALLOWED_IN_WORDS}. You can choose several.",
    )
    kind = forms.ChoiceField(label="What is it?", choices=Evidence.Kind.choices)
    description = forms.CharField(
        label="Describe it",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: Screenshot of the post on the forum, taken on my phone.",
        error_messages={"required": "Say in a few words what this is."},
    )
    source_url = forms.URLField(
        label="Link to where it was (optional)",
        max_length=2000,
        required=False,
        assume_scheme="https",
        help_text="If the post has been deleted, the link is still worth keeping.",
        error_messages={"invalid": "Enter a full web address, for example https://example.com/post/1."},
    )
    obtained_at = PastDateField("When did you get it? (optional)")
    obtained_from = forms.CharField(
        label="Who gave it to you? (optional)",
        max_length=300,
        required=False,
        help_text="For example: I took it myself, or: Sent to me by a friend.",
    )
    incidents = forms.ModelMultipleChoiceField(
        label="Which incidents does it support?",
        queryset=Incident.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        self.fields["incidents"].queryset = Incident.objects.filter(case=case).order_by("-occurred_at")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("files") and not cleaned.get("source_url") and "files" not in self.errors:
            self.add_error("files", "Choose a file, or give the link where it was.")
        return cleaned


class EvidenceEditForm(EvidenceForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["files"]
        del self.fields["kind"]

    def clean(self):
        return forms.Form.clean(self)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why are you withdrawing it?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="It stays in the record, marked as withdrawn, with your reason.",
    )
