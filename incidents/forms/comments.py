"""The comment form. It parses and explains; comment_services decides and writes."""

from django import forms

from ..services import comments as comment_services


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Your comment",
        required=False,  # an empty comment is explained by body_problem, in the same words as the service
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": comment_services.MAX_LENGTH}),
        help_text="Everyone on this case can read it. You can change it for 15 minutes after posting.",
    )

    def clean_body(self) -> str:
        body = comment_services.normalise_body(self.cleaned_data.get("body", ""))
        problem = comment_services.body_problem(body)
        if problem:
            raise forms.ValidationError(problem)
        return body
