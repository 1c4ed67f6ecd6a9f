"""The public self-registration form (社会公众账户): it parses and checks passwords; the service creates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import UsernameField
from django.utils.translation import gettext_lazy as _

from .models import Role, User


class SignupForm(forms.Form):
    username = UsernameField(
        label=_("用户名"),
        max_length=150,
        validators=[User.username_validator],
        help_text=_("登录用，150 个字符以内，可用字母、数字和 @ . + - _"),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    display_name = forms.CharField(label=_("姓名或昵称"), max_length=50, help_text=_("评价中只显示首字"))
    email = forms.EmailField(label=_("电子邮箱（选填）"), required=False, help_text=_("用于找回密码"))
    password1 = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("确认密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("再次输入同一密码"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("两次输入的密码不一致"))
        elif first:
            candidate = User(
                username=data.get("username", ""),
                display_name=data.get("display_name", ""),
                email=data.get("email", ""),
                role=Role.PUBLIC,
            )
            try:
                password_validation.validate_password(first, user=candidate)
            except forms.ValidationError as exc:
                self.add_error("password1", [_in_chinese(error) for error in exc.error_list])
        return data


def _in_chinese(error: forms.ValidationError) -> forms.ValidationError:
    """Django's Simplified Chinese catalogue lacks the too-short message (a plural form); say it here."""
    if error.code == "password_too_short":
        min_length = (error.params or {}).get("min_length", "")
        return forms.ValidationError(f"密码太短，至少需要 {min_length} 个字符", code=error.code)
    return error
