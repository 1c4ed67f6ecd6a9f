"""Web forms of the members directory. They parse; services decide."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from xiehui.core.models import Role, User

from .models import Member, MemberKind


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("会员名称或代码"), required=False, max_length=60)
    kind = forms.ChoiceField(label=_("会员类型"), required=False, choices=[("", _("全部类型")), *MemberKind.choices])

    def apply(self, qs: QuerySet[Member]) -> QuerySet[Member]:
        """Narrow a member list (already scoped to one association by the selector) to the filters."""
        data = self.cleaned_data if self.is_valid() else {}
        q = (data.get("q") or "").strip()
        if q:
            qs = qs.filter(Q(name__contains=q) | Q(uscc=q.replace(" ", "").upper()))
        if data.get("kind"):
            qs = qs.filter(kind=data["kind"])
        return qs


class MemberForm(forms.Form):
    kind = forms.ChoiceField(label=_("会员类型"), choices=MemberKind.choices, initial=MemberKind.ENTERPRISE)
    name = forms.CharField(label=_("会员名称"), max_length=100, help_text=_("单位会员填写单位全称，个人会员填写姓名"))
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=18, required=False, help_text=_("单位会员必填"))
    member_class = forms.CharField(
        label=_("会员类别"), max_length=30, required=False, help_text=_("如：会长单位、理事单位、会员单位")
    )
    joined_on = forms.DateField(label=_("入会日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class RepresentativeForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("会员代表的用户名"),
        # only member-representative accounts: the form does not reveal which other usernames exist
        queryset=User.objects.filter(is_active=True, role=Role.MEMBER),
        to_field_name="username",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"invalid_choice": _("未找到该用户名的“会员企业代表”账户")},
        help_text=_("须为“会员企业代表”角色的平台账户"),
    )
    since = forms.DateField(label=_("起始日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
