"""Web forms of joining, exits, classes, delegates and the survey. They parse; services decide.

No form asks about the applicant's other memberships (MEM-1).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiehui.core.models import Role, User
from xiehui.registry.models import Organization

from .models import ApplicationStatus, DelegateMethod, ExitReason, Member, MemberKind
from .selectors import member_classes
from .selectors_survey import ASPECTS, SCORES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _class_field(organization: Organization, *, required: bool) -> forms.Field:
    names = list(member_classes(organization).values_list("name", flat=True))
    if names:
        choices = [("", _("请选择")), *[(n, n) for n in names]] if not required else [(n, n) for n in names]
        return forms.ChoiceField(label=_("会员类别"), choices=choices, required=required)
    return forms.CharField(label=_("会员类别"), max_length=30, required=False, help_text=_("如：会长单位、理事单位"))


class ApplicationFilterForm(forms.Form):
    q = forms.CharField(label=_("申请人名称、代码或联系人"), required=False, max_length=60)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *ApplicationStatus.choices]
    )


class ApplicationForm(forms.Form):
    kind = forms.ChoiceField(label=_("会员类型"), choices=MemberKind.choices, initial=MemberKind.ENTERPRISE)
    name = forms.CharField(label=_("申请人名称"), max_length=100, help_text=_("单位填写全称，个人填写姓名"))
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=18, required=False, help_text=_("单位会员必填"))
    contact_name = forms.CharField(label=_("联系人"), max_length=50)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20, help_text=_("加密保存，仅显示部分号码"))
    statement = forms.CharField(label=_("入会申请说明"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member_class"] = _class_field(organization, required=False)


class ApproveForm(forms.Form):
    organ = forms.CharField(label=_("审批机构"), max_length=30, initial="理事会", help_text=_("如：理事会、常务理事会"))
    clause = forms.CharField(label=_("章程依据"), max_length=100, help_text=_("如：章程第十条"))
    joined_on = forms.DateField(label=_("入会日期"), widget=DATE)
    note = forms.CharField(label=_("审批意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member_class"] = _class_field(organization, required=False)


class RefuseForm(forms.Form):
    organ = forms.CharField(label=_("审批机构"), max_length=30, initial="理事会")
    clause = forms.CharField(label=_("章程依据"), max_length=100)
    reason = forms.CharField(
        label=_("不予批准的理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("依据章程规定的入会条件说明；不得以加入其他协会为由拒绝（MEM-1）"),
    )


class ExitForm(forms.Form):
    reason = forms.ChoiceField(label=_("退会原因"), choices=ExitReason.choices)
    note = forms.CharField(label=_("补充说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    effective_on = forms.DateField(label=_("退会日期"), widget=DATE, help_text=_("今天或以后；自该日起不再是会员"))


class ExpelForm(forms.Form):
    organ = forms.CharField(label=_("作出除名决定的机构"), max_length=30, initial="理事会")
    charter_clause = forms.CharField(label=_("章程条款"), max_length=100)
    decision_number = forms.CharField(label=_("决议文号"), max_length=60)
    note = forms.CharField(label=_("除名事由"), widget=forms.Textarea(attrs={"rows": 3}))
    effective_on = forms.DateField(label=_("决定生效日期"), widget=DATE)


class CeaseForm(forms.Form):
    note = forms.CharField(
        label=_("终止情况"), widget=forms.Textarea(attrs={"rows": 2}), help_text=_("如：注销登记日期")
    )
    effective_on = forms.DateField(label=_("终止日期"), widget=DATE)


class MemberClassForm(forms.Form):
    name = forms.CharField(label=_("会员类别"), max_length=30, help_text=_("按章程填写，如：理事单位"))
    position = forms.IntegerField(label=_("排序"), min_value=0, max_value=1000, initial=0)
    description = forms.CharField(label=_("说明"), max_length=200, required=False)


class DelegateForm(forms.Form):
    member = forms.ModelChoiceField(label=_("所属会员"), queryset=Member.objects.none())
    name = forms.CharField(label=_("代表姓名"), max_length=50)
    method = forms.ChoiceField(label=_("产生方式"), choices=DelegateMethod.choices)
    since = forms.DateField(label=_("任期起始"), widget=DATE)
    until = forms.DateField(label=_("任期终止"), widget=DATE, required=False)
    basis = forms.CharField(label=_("产生依据"), max_length=200, help_text=_("章程条款或选举会议"))
    user = forms.ModelChoiceField(
        label=_("平台账户（可选）"),
        queryset=User.objects.filter(is_active=True, role=Role.MEMBER),
        to_field_name="username",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"invalid_choice": _("未找到该用户名的“会员企业代表”账户")},
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]


class SurveyForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    opens_on = forms.DateField(label=_("开始日期"), widget=DATE)
    closes_on = forms.DateField(label=_("截止日期"), widget=DATE)


class SurveyAnswerForm(forms.Form):
    """One 1–5 choice per aspect; no free text, so nothing in an answer can name the member."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in ASPECTS:
            self.fields[code] = forms.TypedChoiceField(
                label=label, choices=[(s, f"{s} 分") for s in SCORES], coerce=int, widget=forms.RadioSelect
            )

    def scores(self) -> dict[str, int]:
        return {code: self.cleaned_data[code] for code, _label in ASPECTS}
