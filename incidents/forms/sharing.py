"""The form for inviting someone to a case."""

from django import forms

from ..models import Role


class InviteForm(forms.Form):
    email = forms.EmailField(label="Their email address")
    role = forms.ChoiceField(
        label="What may they do?",
        choices=[
            (Role.ADVOCATE, "Advocate: read everything, comment and make dossiers"),
            (Role.EDITOR, "Editor: log incidents and add evidence too"),
            (Role.VIEWER, "Viewer: read only"),
        ],
        widget=forms.RadioSelect,
        initial=Role.ADVOCATE,
    )
