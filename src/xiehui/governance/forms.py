"""Web forms of governance. They parse; services decide (and refuse with the rule id)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xiehui.membership.models import Member
from xiehui.registry.models import Organization

from .models import (
    AppointmentStatus,
    FinancialAudit,
    Importance,
    MatterKind,
    Meeting,
    OfficialStatus,
    Organ,
    OrganKind,
    Post,
    Resolution,
    Term,
)
from .rules import GOV6


def _date(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    return forms.DateField(label=label, required=required, widget=widget, help_text=help_text)


def _count(label: Any, *, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=1_000_000, required=required)


class OrgForm(forms.Form):
    """A form whose choices are rows of the association."""

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            qs = getattr(field, "queryset", None)
            if qs is not None:
                field.queryset = qs.filter(organization=org)  # type: ignore[attr-defined]


class OrganForm(forms.Form):
    kind = forms.ChoiceField(label=_("机构"), choices=OrganKind.choices)
    size = _count(_("组成人数"))
    charter_clause = forms.CharField(
        label=_("章程条款"), max_length=100, required=False, help_text=_("如：章程第十五条")
    )


class TermForm(forms.Form):
    number = forms.IntegerField(
        label=_("届次"), min_value=1, max_value=999, required=False, help_text=_("留空：上一届加一")
    )
    starts_on = _date(_("本届起始日期"))
    ends_on = _date(_("本届届满日期"), help_text=_("每届任期不超过5年（GOV-1）；换届前须完成财务审计（GOV-4）"))


class TermExtendForm(OrgForm):
    extended_to = _date(_("延期至"))
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 3}))
    resolution = forms.ModelChoiceField(
        label=_("延期换届决议"),
        queryset=Resolution.objects.filter(matter=MatterKind.TERM_EXTENSION).order_by("-adopted_on"),
        help_text=_("须经会员（代表）大会2/3以上表决通过（GOV-3）"),
    )
    approval_document = forms.CharField(label=_("登记管理机关批复文号"), max_length=60, required=False)
    approved_on = _date(_("批复日期"), required=False)


class NominateForm(OrgForm):
    term = forms.ModelChoiceField(label=_("届次"), queryset=Term.objects.order_by("-number"))
    post = forms.ChoiceField(label=_("职务"), choices=Post.choices)
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(
        label=_("居民身份证号码"), max_length=18, help_text=_("加密保存，页面只显示脱敏号码；出生日期取自身份证号码")
    )
    official_status = forms.ChoiceField(
        label=_("公职身份"), choices=OfficialStatus.choices, initial=OfficialStatus.NONE
    )
    retired_on = _date(_("退（离）休日期"), required=False, help_text=_("退（离）休领导干部必填"))
    approval_document = forms.CharField(
        label=_("审批（备案）文号"),
        max_length=60,
        required=False,
        help_text=_("退（离）休领导干部兼职须经批准（GOV-2）"),
    )
    approved_on = _date(_("审批日期"), required=False)
    paid = forms.BooleanField(label=_("领取薪酬"), required=False)
    member_unit = forms.ModelChoiceField(
        label=_("所在会员单位"), queryset=Member.objects.filter(left_on__isnull=True).order_by("name"), required=False
    )
    on = _date(_("提名日期"))


class ConfirmForm(OrgForm):
    starts_on = _date(_("任职日期"))
    elected_by = forms.ModelChoiceField(
        label=_("选举决议"),
        queryset=Resolution.objects.filter(passed=True).order_by("-adopted_on"),
        required=False,
        help_text=_("选举会议出席人数须达2/3（GOV-1）"),
    )


class EndForm(forms.Form):
    ends_on = _date(_("离任日期"))
    reason = forms.CharField(label=_("离任原因"), max_length=200)


class AppointmentFilterForm(forms.Form):
    q = forms.CharField(label=_("姓名"), required=False, max_length=50)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *AppointmentStatus.choices])
    term = forms.IntegerField(label=_("届次"), required=False, min_value=1)


class AuditForm(forms.Form):
    occasion = forms.ChoiceField(label=_("审计事由"), choices=FinancialAudit.Occasion.choices)
    auditor = forms.CharField(label=_("审计机构"), max_length=100)
    report_number = forms.CharField(label=_("审计报告文号"), max_length=60)
    period_start = _date(_("审计期间起"))
    period_end = _date(_("审计期间止"))
    reported_on = _date(_("报告日期"))


class MeetingForm(OrgForm):
    organ = forms.ModelChoiceField(label=_("会议机构"), queryset=Organ.objects.all())
    title = forms.CharField(label=_("会议名称"), max_length=100)
    held_on = _date(_("会议日期"))
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    entitled = _count(_("应到人数"), required=False)
    attended = _count(_("实到人数"), required=False)
    minutes = forms.CharField(
        label=_("会议纪要（议程与决定事项）"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class ResolutionForm(OrgForm):
    organ = forms.ModelChoiceField(label=_("决议机构"), queryset=Organ.objects.all())
    meeting = forms.ModelChoiceField(label=_("会议"), queryset=Meeting.objects.order_by("-held_on"), required=False)
    number = forms.CharField(
        label=_("决议文号"), max_length=60, required=False, help_text=_("留空自动编号（年度-序号）")
    )
    matter = forms.ChoiceField(label=_("议题类型"), choices=MatterKind.choices)
    importance = forms.ChoiceField(
        label=_("重要程度"),
        choices=[("", "—"), *Importance.choices],
        required=False,
        help_text=_("合作事项必填（GOV-5）"),
    )
    title = forms.CharField(label=_("议题"), max_length=200)
    decision = forms.CharField(label=_("决议内容"), widget=forms.Textarea(attrs={"rows": 3}))
    votes_for = _count(_("赞成"))
    votes_against = _count(_("反对"))
    votes_abstain = _count(_("弃权"))
    present = _count(_("到会（参加表决）人数"))
    entitled = _count(_("应到人数"))
    passed = forms.BooleanField(label=_("通过"), required=False)
    adopted_on = _date(_("决议日期"))
    distributes_income = forms.BooleanField(
        label=_("本决议涉及向会员分配收入或以营利为目的投资会员企业"),
        required=False,
        help_text=f"GOV-6：{GOV6.title}（勾选即不能登记）",
    )


class CharterForm(OrgForm):
    text = forms.CharField(label=_("章程全文"), widget=forms.Textarea(attrs={"rows": 8}))
    resolution = forms.ModelChoiceField(
        label=_("章程修改决议"),
        queryset=Resolution.objects.filter(matter=MatterKind.CHARTER, passed=True).order_by("-adopted_on"),
        help_text=_("须为会员（代表）大会通过的章程修改决议"),
    )
    effective_on = _date(_("生效日期"))
    parameters = forms.JSONField(
        label=_("章程参数"),
        required=False,
        help_text=_('如 {"GOV-5.important": "standing_council", "BAL-5.threshold_num": 3}；留空：平台默认值'),
    )


class CooperationForm(OrgForm):
    title = forms.CharField(label=_("合作事项"), max_length=200)
    partner = forms.CharField(label=_("合作方"), max_length=100)
    importance = forms.ChoiceField(label=_("重要程度"), choices=Importance.choices)
    resolution = forms.ModelChoiceField(
        label=_("决策决议"),
        queryset=Resolution.objects.order_by("-adopted_on"),
        required=False,
        help_text=_("须为章程规定机构的决议（GOV-5）"),
    )
    on = _date(_("日期"))


class FlagFilterForm(forms.Form):
    q = forms.CharField(label=_("协会名称、代码或事项"), required=False, max_length=60)
    rule = forms.ChoiceField(
        label=_("规则"),
        required=False,
        choices=[
            ("", _("全部")),
            ("GOV-3", _("GOV-3 逾期未换届")),
            ("GOV-1", _("GOV-1 负责人超龄超届")),
            ("GOV-2", _("GOV-2 公职人员兼职")),
        ],
    )
    region = forms.RegexField(label=_("登记机关区划"), regex=r"^\d{2,6}$", required=False, max_length=6)
