"""Web forms of the credit lists. They parse input; the rules live in services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from xiehui.core.models import Region
from xiehui.core.selectors import home_province_regions
from xiehui.registry.forms import MultipleFileField

from . import selectors
from .models import Ground, ListKind
from .services import MANUAL_GROUNDS, list_kind_of


class ListFilterForm(forms.Form):
    q = forms.CharField(
        label=_("名称或统一社会信用代码"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "如：建筑、协会"}),
    )
    region = forms.ChoiceField(label=_("地区"), required=False)
    ground = forms.ChoiceField(label=_("列入事由"), required=False)
    since = forms.DateField(label=_("列入日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("列入日期至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, list_kind: str = "", officer: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cities = home_province_regions().filter(kind=Region.Kind.CITY)
        cast(forms.ChoiceField, self.fields["region"]).choices = [
            ("", _("全省")),
            *[(c.code[:4], c.name) for c in cities],
        ]
        grounds = [g for g in Ground if not list_kind or list_kind_of(g.value) == list_kind]
        cast(forms.ChoiceField, self.fields["ground"]).choices = [
            ("", _("全部事由")),
            *[(g.value, f"{g.value} {g.label}") for g in grounds],
        ]
        if officer:
            self.fields["list_kind"] = forms.ChoiceField(
                label=_("名录"), required=False, choices=[("", _("两个名录")), *ListKind.choices]
            )
            self.fields["state"] = forms.ChoiceField(
                label=_("状态"),
                required=False,
                choices=[("", _("全部（含已移出）")), ("current", _("在列")), ("ended", _("已移出"))],
            )

    def filters(self, list_kind: str = "") -> selectors.ListingFilters:
        self.is_valid()  # a bad field (a malformed date) drops that filter only, not the others
        data = getattr(self, "cleaned_data", {})
        return selectors.ListingFilters(
            list_kind=data.get("list_kind") or list_kind,
            region=data.get("region") or "",
            ground=data.get("ground") or "",
            since=data.get("since"),
            until=data.get("until"),
            q=data.get("q") or "",
            state=data.get("state") or "",
        )


class DecideForm(forms.Form):
    ground = forms.ChoiceField(
        label=_("列入事由"),
        choices=[(g.value, f"{g.value} {g.label}") for g in MANUAL_GROUNDS],
        help_text=_(
            "其他事由由规则根据平台记录的事实（行政处罚、整改通知、住所信函、失信被执行人记录、年度报告）自动列入"
        ),
    )
    basis = forms.CharField(
        label=_("列入依据"),
        max_length=300,
        help_text=_("引用的法律、行政法规条款，如《社会组织信用信息管理办法》第十条第（五）项及所依据的法律条文"),
    )
    facts = forms.CharField(label=_("认定事实"), widget=forms.Textarea(attrs={"rows": 4}))
    rectifiable = forms.BooleanField(
        label=_("需要整改（活动异常名录）"),
        required=False,
        initial=True,
        help_text=_("不勾选：无需整改，列入期满（CR-A.auto_removal_months）自动移出；严重违法失信名单不适用"),
    )


class RemovalApplyForm(forms.Form):
    statement = forms.CharField(label=_("申请理由及整改情况"), widget=forms.Textarea(attrs={"rows": 4}))
    obligation_met = forms.BooleanField(
        label=_("已履行相关义务（仅适用于“被列入活动异常名录满2年”列入的，CR-S1）"), required=False
    )
    documents = MultipleFileField(label=_("证明材料（PDF/PNG/JPEG，可多选）"), required=False)


class ObjectionForm(forms.Form):
    statement = forms.CharField(label=_("陈述"), widget=forms.Textarea(attrs={"rows": 4}))
    defence = forms.CharField(label=_("申辩"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    evidence = MultipleFileField(label=_("证据材料（PDF/PNG/JPEG，可多选）"), required=False)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("核实情况或决定理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
