"""Console forms of the data port. They parse; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiehui.core.models import Department

from .scopes import SCOPES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class KeyIssueForm(forms.Form):
    department = forms.ModelChoiceField(label=_("部门"), queryset=Department.objects.none())
    system_name = forms.CharField(label=_("接入系统名称"), max_length=100, help_text=_("如：企业信用信息共享平台"))
    scopes = forms.MultipleChoiceField(
        label=_("数据范围"), choices=list(SCOPES.items()), widget=forms.CheckboxSelectMultiple
    )
    personal_data = forms.BooleanField(
        label=_("可访问个人信息"),
        required=False,
        help_text=_("投诉人、负责人、会员代表等个人信息；每次访问均在审计中标记"),
    )
    rate_per_minute = forms.IntegerField(label=_("每分钟请求上限"), min_value=1, max_value=1_000_000, initial=600)
    daily_quota = forms.IntegerField(label=_("每日请求配额"), min_value=1, max_value=100_000_000, initial=100_000)
    expires_on = forms.DateField(label=_("有效期至"), widget=DATE, help_text=_("最长两年"))

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]


class KeyRevokeForm(forms.Form):
    reason = forms.CharField(label=_("吊销原因"), max_length=200)


class KeyFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), ("active", _("有效")), ("expired", _("已过期")), ("revoked", _("已吊销"))],
    )


class QueryFilterForm(forms.Form):
    department = forms.ModelChoiceField(label=_("部门"), queryset=Department.objects.none(), required=False)
    key_prefix = forms.CharField(label=_("密钥前缀"), required=False, max_length=16)
    endpoint = forms.CharField(label=_("接口或路径"), required=False, max_length=120)
    since = forms.DateField(label=_("自"), required=False, widget=DATE)
    until = forms.DateField(label=_("至"), required=False, widget=DATE)
    outcome = forms.ChoiceField(
        label=_("结果"), required=False, choices=[("", _("全部")), ("ok", _("成功")), ("refused", _("被拒绝或出错"))]
    )
    personal = forms.BooleanField(label=_("仅涉及个人信息"), required=False)

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("结束日期不能早于开始日期"))
        return data


class ExportRequestForm(forms.Form):
    dataset = forms.ChoiceField(label=_("数据集"), choices=())
    format = forms.ChoiceField(
        label=_("格式"),
        choices=[
            ("csv", _("CSV（Excel 可直接打开）")),
            ("xlsx", _("XLSX（Excel 工作簿）")),
            ("jsonl", _("JSON Lines（程序读取）")),
        ],
        initial="csv",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, datasets: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["dataset"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(d.name, d.title) for d in datasets]
