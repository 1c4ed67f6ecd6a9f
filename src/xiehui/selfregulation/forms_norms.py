"""Web forms for norms and the integrity body. They parse; services decide (SR-1 lives in services_norms)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import NormKind, Organ
from .selectors_norms import STATUS_LABELS
from .services_norms import MAX_VOTES

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _count(label: StrOrPromise) -> forms.IntegerField:
    # the service bounds the count (MAX_VOTES) and says which one is off; the browser hints the same bound
    return forms.IntegerField(label=label, min_value=0, widget=forms.NumberInput(attrs={"min": 0, "max": MAX_VOTES}))


class NormFilterForm(forms.Form):
    q = forms.CharField(
        label=_("名称或标准编号"), required=False, max_length=60, widget=forms.TextInput(attrs={"type": "search"})
    )
    kind = forms.ChoiceField(label=_("类别"), required=False, choices=[("", _("全部类别")), *NormKind.choices])
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部状态")), *STATUS_LABELS.items(), ("pending", _("有待审议或待发布的版本"))],
    )


class PublicNormFilterForm(NormFilterForm):
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), ("published", _("现行有效")), ("repealed", _("已废止"))],
    )


class NormDraftForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=NormKind.choices)
    title = forms.CharField(label=_("名称"), max_length=200)
    code = forms.CharField(
        label=_("标准编号"),
        max_length=40,
        required=False,
        help_text=_("仅团体标准填写，如 T/JNJZ 001—2026"),
    )
    scope = forms.CharField(
        label=_("适用范围"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("团体标准发布前须填写"),
    )
    text = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 14}))
    issued_on = forms.DateField(
        label=_("发布日期"), required=False, widget=DATE, help_text=_("留空则以实际发布之日为发布日期")
    )
    effective_on = forms.DateField(
        label=_("实施日期"), required=False, widget=DATE, help_text=_("团体标准发布前须填写")
    )


class NormDraftEditForm(NormDraftForm):
    """Editing a draft; an amendment draft also carries its reason."""

    reason = forms.CharField(label=_("修订理由"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: object, amendment: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not amendment:
            del self.fields["reason"]
        else:
            self.fields["reason"].required = True


class NormAmendForm(forms.Form):
    reason = forms.CharField(
        label=_("修订理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("说明修订的原因和主要修改内容，将随版本历史公开"),
    )
    scope = forms.CharField(label=_("适用范围"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    text = forms.CharField(label=_("修订后正文"), widget=forms.Textarea(attrs={"rows": 14}))
    issued_on = forms.DateField(label=_("发布日期"), required=False, widget=DATE)
    effective_on = forms.DateField(label=_("实施日期"), required=False, widget=DATE)


class NormAdoptForm(forms.Form):
    organ = forms.ChoiceField(
        label=_("审议机构"),
        choices=Organ.choices,
        help_text=_("行规行约须经会员（代表）大会审议通过（SR-1）"),
    )
    meeting = forms.CharField(label=_("会议名称"), max_length=100, help_text=_("如“第三届会员代表大会第二次会议”"))
    meeting_on = forms.DateField(label=_("会议日期"), widget=DATE)
    resolution = forms.CharField(label=_("决议文号"), max_length=100)
    attendance = _count(_("出席人数"))
    votes_for = _count(_("赞成"))
    votes_against = _count(_("反对"))
    votes_abstain = _count(_("弃权"))


class NormRepealForm(forms.Form):
    repealed_on = forms.DateField(label=_("废止日期"), widget=DATE)
    organ = forms.ChoiceField(
        label=_("决定机构"), choices=Organ.choices, help_text=_("行规行约的废止须经会员（代表）大会决定（SR-1）")
    )
    resolution = forms.CharField(label=_("废止决议文号"), max_length=100)
    reason = forms.CharField(label=_("废止理由"), widget=forms.Textarea(attrs={"rows": 3}))


class IntegrityBodyForm(forms.Form):
    name = forms.CharField(label=_("机构名称"), max_length=100, help_text=_("如“自律与诚信建设工作委员会”"))
    established_on = forms.DateField(label=_("设立日期"), widget=DATE)
    head = forms.CharField(label=_("负责人"), max_length=50)
    members = forms.CharField(
        label=_("组成人员"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("姓名及职务")
    )
    duties = forms.CharField(label=_("工作职责"), widget=forms.Textarea(attrs={"rows": 4}))
    contact = forms.CharField(
        label=_("联系方式"), max_length=100, required=False, help_text=_("将向社会公开：请填写办公电话或邮箱")
    )
