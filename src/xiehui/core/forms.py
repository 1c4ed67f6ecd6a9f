from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("动态口令"),
        regex=r"^\s*\d{6}\s*$",
        max_length=10,
        error_messages={"invalid": _("请输入 6 位数字动态口令")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("令牌名称"), max_length=60)
    days = forms.IntegerField(label=_("有效天数"), min_value=1, max_value=730, initial=365)
