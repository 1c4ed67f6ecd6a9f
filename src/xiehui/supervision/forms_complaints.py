"""Web forms for complaints (SUP-1) and key inspections (SUP-2). They parse; services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xiehui.registry.forms import MultipleFileField

from .models import Complaint, ComplaintStatus, KeyInspection, Pledge
from .rules import SUP2
from .services.complaints import DESCRIPTION_MAX, DESCRIPTION_MIN


class ComplaintForm(forms.Form):
    uscc = forms.CharField(
        label=_("被投诉的协会"),
        max_length=18,
        help_text=_("填写统一社会信用代码，或在上方按名称查找后选择"),
    )
    pledge = forms.ChoiceField(label=_("投诉事项"), choices=Pledge.choices, widget=forms.RadioSelect)
    description = forms.CharField(
        label=_("投诉内容"),
        min_length=DESCRIPTION_MIN,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("请写明时间、经过和涉及的收费或活动，10 至 5000 字"),
    )
    anonymous = forms.BooleanField(
        label=_("匿名投诉"),
        required=False,
        initial=False,
        help_text=_("匿名投诉不留姓名和电话，请务必保存查询码以查看答复"),
    )
    name = forms.CharField(label=_("投诉人姓名"), max_length=50, required=False, help_text=_("实名投诉必填"))
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=20,
        required=False,
        help_text=_("实名投诉必填；仅承办的登记管理机关工作人员可见"),
    )
    evidence = MultipleFileField(label=_("证据材料（PDF、PNG、JPEG，可多选）"), required=False)
    # Where the complainant came from (e.g. "disclosure:123", a reported disclosure item), kept on the complaint.
    source = forms.CharField(max_length=20, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, candidates=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if candidates:
            self.fields["uscc"].widget = forms.Select(choices=[(o.uscc, f"{o.name}（{o.uscc}）") for o in candidates])
            self.fields["uscc"].help_text = _("从查找结果中选择")


class AssignForm(forms.Form):
    assignee: forms.ModelChoiceField = forms.ModelChoiceField(label=_("承办人员"), queryset=None)  # type: ignore[arg-type]

    def __init__(self, *args, officers=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = officers  # type: ignore[attr-defined]
        self.fields["assignee"].label_from_instance = lambda u: f"{u.display_name or u.username}（{u.username}）"  # type: ignore[attr-defined]


class DismissForm(forms.Form):
    reason = forms.CharField(
        label=_("不予受理理由（将告知投诉人）"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class InvestigateForm(forms.Form):
    note = forms.CharField(
        label=_("调查记录（内部，投诉人不可见）"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(label=_("调查结论"), choices=Complaint.Outcome.choices)
    findings = forms.CharField(label=_("调查情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    answer = forms.CharField(
        label=_("答复意见（将告知投诉人）"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ComplaintFilterForm(forms.Form):
    q = forms.CharField(label=_("协会名称、代码或查询码"), required=False, max_length=60)
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部状态")), ("open", _("未办结")), *ComplaintStatus.choices],
    )
    pledge = forms.ChoiceField(label=_("投诉事项"), required=False, choices=[("", _("全部事项")), *Pledge.choices])
    overdue = forms.BooleanField(label=_("仅看已超期"), required=False)
    mine = forms.BooleanField(label=_("仅看分派给我的"), required=False)


class InspectionFilterForm(forms.Form):
    q = forms.CharField(label=_("协会名称或代码"), required=False, max_length=60)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *KeyInspection.Status.choices]
    )
    origin = forms.ChoiceField(
        label=_("来源"),
        required=False,
        choices=[("", _("全部来源")), ("rule", _("规则触发（SUP-2）")), ("manual", _("监管人员立案"))],
    )


class InspectionOpenForm(forms.Form):
    uscc = forms.CharField(label=_("协会统一社会信用代码"), max_length=18)
    reason = forms.CharField(label=_("列入重点检查的事由"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class InterviewForm(forms.Form):
    held_on = forms.DateField(label=_("约谈日期"), widget=forms.DateInput(attrs={"type": "date"}))
    attendees = forms.CharField(label=_("参加人员"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    minutes = forms.CharField(label=_("约谈纪要"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6}))


class CloseForm(forms.Form):
    conclusion = forms.CharField(label=_("检查结论"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class InspectionOrderForm(forms.Form):
    ground = forms.CharField(label=_("整改事由"), max_length=200)
    basis = forms.CharField(label=_("依据"), max_length=200, initial=SUP2.basis)
    facts = forms.CharField(label=_("事实"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    requirements = forms.CharField(
        label=_("整改要求"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = forms.DateField(label=_("整改期限"), widget=forms.DateInput(attrs={"type": "date"}))
