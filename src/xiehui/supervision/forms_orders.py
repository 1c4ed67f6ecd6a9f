"""Web forms for orders, penalties, address letters and court entries. They parse; services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xiehui.registry.forms import MultipleFileField

from .models import OrderStatus, PenaltyKind, RectificationOrder

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
USCC_HELP = _("18 位统一社会信用代码")


class OrderFilterForm(forms.Form):
    q = forms.CharField(
        label=_("文号、社会团体名称或统一社会信用代码"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *OrderStatus.choices])
    source = forms.ChoiceField(
        label=_("来源"), required=False, choices=[("", _("全部来源")), *RectificationOrder.Source.choices]
    )
    overdue = forms.BooleanField(label=_("仅看已逾期"), required=False)


class OrderIssueForm(forms.Form):
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=18, help_text=USCC_HELP)
    ground = forms.CharField(
        label=_("整改事由"),
        max_length=200,
        widget=forms.TextInput(attrs={"list": "order-grounds"}),
        help_text=_("写明需要整改的问题，如“未配备专职工作人员”"),
    )
    basis = forms.CharField(
        label=_("依据"),
        max_length=200,
        help_text=_("引用所依据的规定，如“004 第6条”或“《社会团体登记管理条例》第三十条”"),
    )
    facts = forms.CharField(label=_("事实"), widget=forms.Textarea(attrs={"rows": 4}))
    requirements = forms.CharField(label=_("整改要求"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(
        label=_("整改期限"), widget=DATE, help_text=_("逾期未完成整改的，列入活动异常名录（CR-A3）")
    )


class OrderResponseForm(forms.Form):
    statement = forms.CharField(label=_("整改情况说明"), widget=forms.Textarea(attrs={"rows": 6}))
    evidence = MultipleFileField(label=_("证明材料"), required=False, help_text=_("可上传多份 PDF、PNG、JPEG 文件"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class PenaltyFilterForm(forms.Form):
    q = forms.CharField(
        label=_("决定书文号、社会团体名称或统一社会信用代码"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = forms.ChoiceField(label=_("处罚种类"), required=False, choices=[("", _("全部种类")), *PenaltyKind.choices])


class PenaltyForm(forms.Form):
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=18, help_text=USCC_HELP)
    kind = forms.ChoiceField(label=_("处罚种类"), choices=PenaltyKind.choices)
    decision_number = forms.CharField(label=_("处罚决定书文号"), max_length=60)
    decided_on = forms.DateField(label=_("处罚决定日期"), widget=DATE)
    amount = forms.DecimalField(
        label=_("罚没金额（元）"),
        required=False,
        max_digits=14,
        decimal_places=2,
        help_text=_("仅罚款、没收违法所得或非法财物填写"),
    )
    suspension_from = forms.DateField(
        label=_("停止活动起"), required=False, widget=DATE, help_text=_("仅责令停止活动填写")
    )
    suspension_until = forms.DateField(label=_("停止活动止"), required=False, widget=DATE)
    legal_basis = forms.CharField(label=_("法律依据"), max_length=200)
    facts = forms.CharField(label=_("违法事实"), widget=forms.Textarea(attrs={"rows": 4}))


class LetterForm(forms.Form):
    sent_on = forms.DateField(label=_("寄送日期"), widget=DATE)
    tracking_number = forms.CharField(label=_("邮件号"), max_length=40, required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class LetterReturnForm(forms.Form):
    letter = forms.IntegerField(widget=forms.HiddenInput)
    returned_on = forms.DateField(label=_("退回（签收）日期"), widget=DATE)
    signed = forms.BooleanField(label=_("已签收"), required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class CourtEntryForm(forms.Form):
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=18, help_text=USCC_HELP)
    case_number = forms.CharField(label=_("案号"), max_length=60, help_text=_("如（2026）鲁0102执123号"))
    court = forms.CharField(label=_("执行法院"), max_length=100)
    listed_on = forms.DateField(label=_("列入日期"), widget=DATE)


class CourtRemoveForm(forms.Form):
    entry = forms.IntegerField(widget=forms.HiddenInput)
    removed_on = forms.DateField(label=_("移出日期"), widget=DATE)
