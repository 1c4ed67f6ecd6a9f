"""Web forms of voting: they parse; quorum, threshold, roll and window are decided in the services."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from xiehui.core import clock
from xiehui.core.errors import ApplicationError
from xiehui.governance.models import ASSEMBLY_KINDS, Meeting, Organ, Post
from xiehui.membership.models import FeeStandard, FeeStandardStatus
from xiehui.registry.models import Organization

from .models import Ballot, BallotKind, BallotQuestion, BallotStatus, QuestionKind
from .rules import CHOICES
from .services import BallotInput

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
ELECTION_POSTS = [Post.PRESIDENT, Post.VICE_PRESIDENT, Post.SECRETARY_GENERAL, Post.CHIEF_SUPERVISOR]


def add_service_error(form: forms.Form, exc: ApplicationError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


class BallotFilterForm(forms.Form):
    q = forms.CharField(
        label=_("表决事项"), required=False, max_length=60, widget=forms.TextInput(attrs={"type": "search"})
    )
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *BallotStatus.choices])


class BallotForm(forms.Form):
    kind = forms.ChoiceField(label=_("表决类型"), choices=BallotKind.choices)
    title = forms.CharField(label=_("表决事项"), max_length=200)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    organ = forms.ModelChoiceField(label=_("表决机构"), queryset=Organ.objects.none())
    fee_standard = forms.ModelChoiceField(
        label=_("会费标准草案"),
        required=False,
        queryset=FeeStandard.objects.none(),
        help_text=_("会费标准表决必选（FEE-1）"),
    )
    cutoff_on = forms.DateField(
        label=_("名册截止日期"), widget=DATE, help_text=_("BAL-1：以该日在册的会员（代表）为投票人")
    )
    opens_at = forms.DateTimeField(label=_("投票开始时间"), widget=MOMENT)
    closes_at = forms.DateTimeField(label=_("投票结束时间"), widget=MOMENT)
    in_meeting = forms.BooleanField(label=_("现场会议投票（到会登记后用手机投票）"), required=False)
    meeting = forms.ModelChoiceField(label=_("会议"), required=False, queryset=Meeting.objects.none())

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        querysets = {
            "organ": Organ.objects.filter(organization=organization, kind__in=ASSEMBLY_KINDS),
            "fee_standard": FeeStandard.objects.filter(organization=organization, status=FeeStandardStatus.DRAFT),
            "meeting": Meeting.objects.filter(organization=organization, organ__kind__in=ASSEMBLY_KINDS),
        }
        for name, qs in querysets.items():
            cast(forms.ModelChoiceField, self.fields[name]).queryset = qs
        for post in ELECTION_POSTS:
            self.fields[f"seats_{post.value}"] = forms.IntegerField(
                label=_("应选%(post)s人数") % {"post": post.label}, required=False, min_value=0, max_value=50
            )

    @staticmethod
    def initial_of(ballot: Ballot) -> dict[str, Any]:
        local = {k: getattr(ballot, k).astimezone(clock.SHANGHAI) for k in ("opens_at", "closes_at")}
        initial: dict[str, Any] = {
            "kind": ballot.kind,
            "title": ballot.title,
            "description": ballot.description,
            "organ": ballot.organ_id,
            "fee_standard": ballot.fee_standard_id,
            "cutoff_on": ballot.cutoff_on,
            "in_meeting": ballot.in_meeting,
            "meeting": ballot.meeting_id,
            **local,
        }
        for q in ballot.questions.all():
            if q.kind == QuestionKind.ELECT and q.candidates:
                initial[f"seats_{_post_of(q)}"] = q.seats
        return initial

    def to_input(self) -> BallotInput:
        data = self.cleaned_data
        seats = {post.value: data[f"seats_{post.value}"] for post in ELECTION_POSTS if data.get(f"seats_{post.value}")}
        return BallotInput(
            kind=data["kind"],
            title=data["title"],
            description=data.get("description") or "",
            organ=data["organ"],
            cutoff_on=data["cutoff_on"],
            opens_at=_aware(data["opens_at"]),
            closes_at=_aware(data["closes_at"]),
            in_meeting=bool(data.get("in_meeting")),
            meeting=data.get("meeting"),
            fee_standard=data.get("fee_standard"),
            seats=seats,
        )


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=clock.SHANGHAI)


def _post_of(question: BallotQuestion) -> str:
    from xiehui.governance.models import Appointment

    first = question.candidates[0].get("appointment_id")
    post = Appointment.objects.filter(pk=first).values_list("post", flat=True).first()
    return post or ""


class CastForm(forms.Form):
    """One radio group per approve/trust question, one checkbox group per election (up to its seats)."""

    def __init__(self, *args: Any, questions: list[BallotQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for q in questions:
            name = f"q{q.position}"
            if q.kind == QuestionKind.ELECT:
                self.fields[name] = forms.MultipleChoiceField(
                    label=q.text,
                    required=False,
                    choices=[(c["key"], c["name"]) for c in q.candidates],
                    widget=forms.CheckboxSelectMultiple,
                    help_text=_("最多选 %(n)s 名；不选即为弃权") % {"n": q.seats},
                )
            else:
                self.fields[name] = forms.ChoiceField(
                    label=q.text, choices=list(CHOICES[q.kind].items()), widget=forms.RadioSelect
                )
        self.questions = questions

    def choices(self) -> dict[str, Any]:
        return {str(q.position): self.cleaned_data.get(f"q{q.position}") or [] for q in self.questions}


class ReceiptForm(forms.Form):
    code = forms.CharField(
        label=_("回执码"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        help_text=_("投票后显示的 16 位回执码，如 ABCD-EFGH-JKLM-NPQR"),
    )


class RollSearchForm(forms.Form):
    q = forms.CharField(
        label=_("会员或代表名称"), required=False, max_length=60, widget=forms.TextInput(attrs={"type": "search"})
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200)
