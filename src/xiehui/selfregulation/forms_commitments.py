"""Web forms for pledges and social evaluation (BL-2). They parse; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import RatingStatus
from .pledges import STANDARD
from .rules import BL2

PLEDGE_CHOICES = [(p.code, f"{p.text}（{p.basis}）") for p in STANDARD]
SCORE_CHOICES = [(n, f"{n} 分") for n in range(BL2.parameters["min_score"], BL2.parameters["max_score"] + 1)]


class PledgeSignForm(forms.Form):
    pledges = forms.MultipleChoiceField(
        label=_("承诺事项"),
        choices=PLEDGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        initial=[p.code for p in STANDARD],
        help_text=_("默认全部勾选；承诺书按所选事项生成，签署后即向社会公开，不可修改"),
    )
    signatory = forms.CharField(label=_("签署人"), max_length=50, help_text=_("一般为法定代表人或会长"))
    signatory_title = forms.CharField(label=_("签署人职务"), max_length=50)
    signed_on = forms.DateField(label=_("签署日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args: Any, hidden: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if hidden:  # the confirm step carries the previewed letter unchanged
            self.fields["pledges"].widget = forms.MultipleHiddenInput()
            for name in ("signatory", "signatory_title", "signed_on"):
                self.fields[name].widget = forms.HiddenInput()


class RatingForm(forms.Form):
    # An integer field (not a choice): a score out of range is refused by the service, citing BL-2.
    score = forms.IntegerField(label=_("评分"), widget=forms.RadioSelect(choices=SCORE_CHOICES))
    comment = forms.CharField(
        label=_("评价（选填）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": BL2.parameters["comment_max"]}),
        help_text=_("请客观评价协会的服务和自律情况；评价公开显示，姓名只显示首字"),
    )


class RatingReportForm(forms.Form):
    reason = forms.CharField(
        label=_("举报理由"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如含有辱骂、人身攻击、广告、泄露他人隐私或与协会无关的内容"),
    )


class RatingModerateForm(forms.Form):
    action = forms.ChoiceField(
        label=_("处理方式"),
        choices=[("hide", _("屏蔽（不再公开显示，不计入评价结果）")), ("restore", _("保留 / 恢复显示"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("处理理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("屏蔽时必填"),
    )


class RatingFilterForm(forms.Form):
    q = forms.CharField(label=_("协会名称或代码"), required=False, max_length=60)
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), ("pending", _("被举报待处理")), *RatingStatus.choices],
    )
