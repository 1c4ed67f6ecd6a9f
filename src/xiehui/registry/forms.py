"""Web forms of the register. They parse input; the rules live in services and rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xiehui.core.models import Industry, Level, Region
from xiehui.core.selectors import home_province_regions

from . import services
from .models import ApplicationDocument, DecouplingItem, OrganizationKind, OrganizationStatus

REGION_HELP = _("住所所在的县级行政区划")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):  # type: ignore[no-untyped-def]
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("名称或统一社会信用代码"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "如：建筑、协会、5137…"}),
    )
    region = forms.ChoiceField(label=_("地区"), required=False)
    industry = forms.ChoiceField(label=_("行业"), required=False)
    level = forms.ChoiceField(label=_("层级"), required=False, choices=[("", _("全部层级")), *Level.choices])
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *OrganizationStatus.choices]
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        cities = home_province_regions().filter(kind=Region.Kind.CITY)
        self.fields["region"].choices = [("", _("全省")), *[(c.code[:4], c.name) for c in cities]]
        sections = Industry.objects.filter(kind=Industry.Kind.SECTION).order_by("code")
        self.fields["industry"].choices = [("", _("全部行业")), *[(s.code, f"{s.code} {s.name}") for s in sections]]


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:  # type: ignore[override]
        return f"{obj.code} {obj.full_name}"


class ApplicationForm(forms.Form):
    name = forms.CharField(
        label=_("拟定名称"),
        max_length=100,
        help_text=_("地方性社会团体的名称应冠以所在行政区划名称，如“济南市建筑装饰协会”"),
    )
    kind = forms.ChoiceField(label=_("类型"), choices=OrganizationKind.choices)
    level = forms.ChoiceField(label=_("登记层级"), choices=[c for c in Level.choices if c[0] != Level.NATIONAL])
    authority_region = RegionChoiceField(
        label=_("登记管理机关所在区划"),
        queryset=Region.objects.none(),
        help_text=_("省级选“山东省”，市级选所在市，县级选所在县（市、区）"),
    )
    region = RegionChoiceField(label=_("住所所在区划"), queryset=Region.objects.none(), help_text=REGION_HELP)
    domicile = forms.CharField(label=_("住所"), max_length=200)
    industries = forms.ModelMultipleChoiceField(
        label=_("所属行业（GB/T 4754 大类，可多选）"), queryset=Industry.objects.none()
    )
    business_scope = forms.CharField(label=_("业务范围"), widget=forms.Textarea)
    legal_representative_name = forms.CharField(label=_("拟任法定代表人姓名"), max_length=50)
    legal_representative_id_number = forms.CharField(
        label=_("拟任法定代表人身份证号码"), max_length=18, help_text=_("加密存储，页面仅显示脱敏号码")
    )
    activity_funds = forms.DecimalField(
        label=_("活动资金（元）"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text=_("地方性社会团体不少于 3 万元（REG-1）"),
    )
    individual_members = forms.IntegerField(label=_("个人会员数"), min_value=0, initial=0)
    unit_members = forms.IntegerField(
        label=_("单位会员数"),
        min_value=0,
        initial=0,
        help_text=_("个人会员不少于 50 个或单位会员不少于 30 个；混合组成的不少于 50 个"),
    )
    fulltime_staff = forms.IntegerField(label=_("专职工作人员数"), min_value=0)
    premises = forms.CharField(label=_("办公场所"), max_length=200)
    contact_name = forms.CharField(label=_("联系人"), max_length=50)
    contact_phone = forms.RegexField(
        label=_("联系电话"), regex=r"^[0-9+\- ]{7,20}$", error_messages={"invalid": _("请输入有效的电话号码")}
    )
    documents = MultipleFileField(
        label=_("申请材料（PDF、PNG、JPEG，可多选）"),
        required=False,
        help_text=_("登记申请书、章程草案、住所使用证明、验资报告等"),
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        regions = home_province_regions()
        self.fields["authority_region"].queryset = regions
        self.fields["region"].queryset = regions.filter(kind=Region.Kind.COUNTY)
        self.fields["industries"].queryset = Industry.objects.filter(kind=Industry.Kind.DIVISION).order_by("code")

    def to_input(self) -> services.ApplicationInput:
        d = self.cleaned_data
        return services.ApplicationInput(
            name=d["name"],
            kind=d["kind"],
            level=d["level"],
            authority_region=d["authority_region"],
            region=d["region"],
            domicile=d["domicile"],
            industries=list(d["industries"]),
            business_scope=d["business_scope"],
            legal_representative=services.PersonInput(
                d["legal_representative_name"], d["legal_representative_id_number"]
            ),
            activity_funds=d["activity_funds"],
            individual_members=d["individual_members"],
            unit_members=d["unit_members"],
            fulltime_staff=d["fulltime_staff"],
            premises=d["premises"],
            contact_name=d["contact_name"],
            contact_phone=d["contact_phone"],
            documents=[(ApplicationDocument.Kind.OTHER, f) for f in d.get("documents") or []],
        )


class ResubmitForm(forms.Form):
    documents = MultipleFileField(label=_("补正材料（PDF、PNG、JPEG）"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ChangeFilingForm(forms.Form):
    decided_on = forms.DateField(
        label=_("内部决议日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("会员（代表）大会或理事会作出变更决议的日期；应自该日起 30 日内申请（REG-5）"),
    )
    reason = forms.CharField(label=_("变更理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    name = forms.CharField(label=_("新名称"), required=False, max_length=100)
    domicile = forms.CharField(label=_("新住所"), required=False, max_length=200)
    business_scope = forms.CharField(label=_("新业务范围"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    activity_funds = forms.DecimalField(
        label=_("新活动资金（元）"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    legal_representative_name = forms.CharField(label=_("新法定代表人姓名"), required=False, max_length=50)
    legal_representative_id_number = forms.CharField(label=_("新法定代表人身份证号码"), required=False, max_length=18)

    def to_input(self) -> services.ChangeInput:
        d = self.cleaned_data
        rep = None
        if d["legal_representative_id_number"] or d["legal_representative_name"]:
            rep = services.PersonInput(d["legal_representative_name"], d["legal_representative_id_number"])
        return services.ChangeInput(
            reason=d["reason"],
            decided_on=d["decided_on"],
            name=d["name"] or None,
            domicile=d["domicile"] or None,
            business_scope=d["business_scope"] or None,
            activity_funds=d["activity_funds"],
            legal_representative=rep,
        )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("登记数据文件（CSV 或 XLSX）"), widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"})
    )


class DecouplingForm(forms.Form):
    item = forms.ChoiceField(label=_("事项"), choices=DecouplingItem.Item.choices, widget=forms.HiddenInput)
    completed = forms.BooleanField(label=_("已完成"), required=False)
    completed_on = forms.DateField(label=_("完成日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    evidence = forms.CharField(
        label=_("佐证说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如：理事会决议文号、财务独立账户开户证明、人员劳动合同签订情况"),
    )
