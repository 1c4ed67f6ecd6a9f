"""Web forms for fee standards. They parse; FEE-1 is decided in rules_fees/services_fees (one place)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import FeeStandardStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FeeFilterForm(forms.Form):
    q = forms.CharField(
        label=_("标准名称"), required=False, max_length=60, widget=forms.TextInput(attrs={"type": "search"})
    )
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *FeeStandardStatus.choices]
    )


class FeeStandardForm(forms.Form):
    title = forms.CharField(label=_("标准名称"), max_length=100)
    services_covered = forms.CharField(
        label=_("会费对应的服务"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("FEE-1：须说明会员缴纳会费后享有的服务项目"),
    )
    effective_on = forms.DateField(label=_("生效日期"), widget=DATE)
    branch = forms.CharField(
        label=_("分支机构"),
        required=False,
        max_length=100,
        help_text=_("如本标准由分支机构提出，请填写分支机构名称（FEE-1：分支机构不得单独制定会费标准）"),
    )


class FeeTierForm(forms.Form):
    """One tier row: a member class and one fixed amount (the amount is text so that FEE-1 can name a rate)."""

    member_class = forms.CharField(label=_("会员类别"), required=False, max_length=30)
    amount = forms.CharField(
        label=_("年会费（元）"), required=False, max_length=40, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )

    def __init__(self, *args: Any, classes: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if classes:
            self.fields["member_class"] = forms.ChoiceField(
                label=_("会员类别"), required=False, choices=[("", _("（不使用本行）")), *((c, c) for c in classes)]
            )

    @property
    def filled(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return bool((data.get("member_class") or "").strip() or (data.get("amount") or "").strip())


class BaseTierFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, classes: list[str] | None = None, **kwargs: Any) -> None:
        self.classes = classes or []
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "classes": self.classes}


def tier_formset(rows: int) -> type[BaseTierFormSet]:
    factory = forms.formset_factory(FeeTierForm, formset=BaseTierFormSet, extra=rows, max_num=rows, absolute_max=rows)
    return cast(type[BaseTierFormSet], factory)


class FeePublishForm(forms.Form):
    published_on = forms.DateField(label=_("向会员公布日期"), widget=DATE)
