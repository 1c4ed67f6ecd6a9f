"""Web forms of annual work reports. They parse input; the rules live in services/reports.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from xiehui.registry.forms import MultipleFileField

from .models import InspectionResult, PartyOrganization, ReportStatus
from .services.reports import ReportSections


def money(label: Any, *, signed: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, max_digits=14, decimal_places=2, initial=Decimal("0"), min_value=None if signed else 0
    )


TEXT = forms.Textarea(attrs={"rows": 4})


class ReportForm(forms.Form):
    """The sections of the report (ANN-1), with attachments added on each save."""

    compliance = forms.CharField(label=_("遵守法律法规和国家政策情况"), required=False, widget=TEXT)
    registration_changes = forms.CharField(label=_("登记事项变更情况"), required=False, widget=TEXT)
    activities = forms.CharField(label=_("开展业务活动情况"), required=False, widget=TEXT)
    organs = forms.CharField(label=_("机构和人员变动情况"), required=False, widget=TEXT)
    staff_total = forms.IntegerField(label=_("工作人员总数"), min_value=0, initial=0)
    full_time_staff = forms.IntegerField(
        label=_("专职工作人员数"),
        min_value=0,
        initial=0,
        help_text=_("未配备专职工作人员的，将被责令限期整改（SUP-4）"),
    )
    income = money(_("本年收入（元）"))
    expenditure = money(_("本年支出（元）"))
    net_assets = money(_("年末净资产（元）"), signed=True)
    fee_income = money(_("其中：会费收入（元）"))
    donations_received = money(_("其中：接受捐赠（元）"))
    trips_abroad = forms.IntegerField(label=_("出国（境）团组数"), min_value=0, initial=0)
    party_organization = forms.ChoiceField(label=_("党组织建立情况"), choices=PartyOrganization.choices)
    party_members = forms.IntegerField(label=_("党员人数"), min_value=0, initial=0)
    attachments = MultipleFileField(
        label=_("附件（财务报表、审计报告等，PDF/PNG/JPEG）"), required=False, help_text=_("可多选；每次保存追加")
    )

    def to_sections(self) -> ReportSections:
        data = self.cleaned_data
        return ReportSections(**{name: data[name] for name in ReportSections.__dataclass_fields__})


class ReportCreateForm(ReportForm):
    year = forms.TypedChoiceField(label=_("报告年度"), coerce=int)

    field_order = ["year"]

    def __init__(self, *args, years: list[int], **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["year"]).choices = [(y, f"{y} 年度") for y in years]


class ReviewForm(forms.Form):
    result = forms.ChoiceField(label=_("年检结论"), choices=InspectionResult.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(
        label=_("结论理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("结论为基本合格或不合格的，必须写明理由"),
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回补正理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ReportQueueForm(forms.Form):
    q = forms.CharField(label=_("名称或统一社会信用代码"), required=False, max_length=60)
    year = forms.TypedChoiceField(label=_("报告年度"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部已报送")), *[c for c in ReportStatus.choices if c[0] != ReportStatus.DRAFT]],
    )
    result = forms.ChoiceField(
        label=_("结论"), required=False, choices=[("", _("全部结论")), *InspectionResult.choices]
    )
    timeliness = forms.ChoiceField(
        label=_("报送时间"),
        required=False,
        choices=[("", _("全部")), ("on_time", _("按期报送")), ("late", _("逾期报送"))],
    )

    def __init__(self, *args, years: list[int], **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["year"]).choices = [("", _("全部年度")), *[(y, str(y)) for y in years]]
