from django import forms

from analysis.models import Outcome


class AuthorLabelForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=Outcome.choices, widget=forms.RadioSelect, label="What did exercise do, in this post?"
    )


class ModeratorCorrectionForm(forms.Form):
    outcome = forms.ChoiceField(choices=Outcome.choices, label="Correct outcome")
    reason = forms.CharField(max_length=500, required=False, label="Note for the audit log (optional)")
