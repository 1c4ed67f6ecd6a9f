"""Secret ballots of the member (representative) assembly: frozen roll, one vote per voter, receipts, bulletin board.

Anonymity by construction (docs/architecture.md states the threat model):
- `Participation` records *who* voted (roll entry, unique per ballot: one vote per
  voter is a database constraint). `CastBallot` records *what* was voted. Neither
  refers to the other, neither carries a timestamp, both have random UUID keys.
- Closing a ballot seals it: both tables' rows for the ballot are rewritten in an
  order that carries no time (cast ballots by receipt digest, participations by
  roll position), so insertion order (SQLite rowid, PostgreSQL xmin and heap
  order) no longer reflects the order of casting.
- A voter keeps a receipt code; the ballot stores only SM3(ballot id, code), and
  the bulletin board lists every digest with its choices.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiehui.governance.models import Appointment, Meeting, Organ, Resolution
from xiehui.membership.models import Delegate, FeeStandard, Member
from xiehui.registry.models import Organization


class BallotKind(models.TextChoices):
    FEE_STANDARD = "fee_standard", _("会费标准表决")
    TRUST_VOTE = "trust_vote", _("负责人信任投票")
    ELECTION = "election", _("负责人选举")
    CHARTER_AMENDMENT = "charter_amendment", _("章程修改表决")
    TERM_EXTENSION = "term_extension", _("延期换届表决")


class RollBasis(models.TextChoices):
    MEMBERS = "members", _("全体会员")
    DELEGATES = "delegates", _("会员代表")


class BallotStatus(models.TextChoices):
    DRAFT = "draft", _("筹备中")
    FROZEN = "frozen", _("名册已冻结")  # roll size and digest published; voting between opens_at and closes_at
    CLOSED = "closed", _("已计票")
    PUBLISHED = "published", _("结果已公布")
    CANCELLED = "cancelled", _("已取消")


class Ballot(models.Model):
    """One secret ballot of the assembly, with its questions, roll, window, quorum and threshold."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="ballots")
    kind = models.CharField(_("表决类型"), max_length=20, choices=BallotKind.choices)
    title = models.CharField(_("表决事项"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    organ = models.ForeignKey(Organ, on_delete=models.PROTECT, related_name="+")
    roll_basis = models.CharField(_("投票人名册"), max_length=12, choices=RollBasis.choices)
    cutoff_on = models.DateField(_("名册截止日期"))
    opens_at = models.DateTimeField(_("投票开始时间"))
    closes_at = models.DateTimeField(_("投票结束时间"))
    in_meeting = models.BooleanField(_("现场会议投票"), default=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="ballots")
    # the rules checked at the tally, with the charter's figures (defaults from voting/rules.py)
    quorum_rule = models.CharField(max_length=12)
    quorum_num = models.PositiveSmallIntegerField()
    quorum_den = models.PositiveSmallIntegerField()
    threshold_rule = models.CharField(max_length=12)
    threshold_num = models.PositiveSmallIntegerField()
    threshold_den = models.PositiveSmallIntegerField()
    threshold_strict = models.BooleanField(help_text="True: more than num/den; False: at least num/den")
    fee_standard = models.ForeignKey(
        FeeStandard, on_delete=models.PROTECT, null=True, blank=True, related_name="ballots"
    )
    status = models.CharField(max_length=12, choices=BallotStatus.choices, default=BallotStatus.DRAFT)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    roll_size = models.PositiveIntegerField(null=True, blank=True)
    roll_digest = models.CharField(max_length=64, blank=True, help_text="SM3 of the canonical roll")
    frozen_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    present = models.PositiveIntegerField(null=True, blank=True, help_text="attendance (in meeting) or voters")
    cast = models.PositiveIntegerField(null=True, blank=True)
    tally = models.JSONField(default=dict, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    explanation = models.JSONField(default=dict, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    resolution = models.ForeignKey(Resolution, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["organization", "-opens_at", "-pk"]
        verbose_name = _("无记名投票")
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")), name="ballot_window"),
            models.CheckConstraint(
                condition=models.Q(quorum_den__gt=0) & models.Q(threshold_den__gt=0), name="ballot_fractions"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    APPROVE = "approve", _("赞成/反对/弃权")
    TRUST = "trust", _("信任/不信任/弃权")
    ELECT = "elect", _("差额/等额选举")


class BallotQuestion(models.Model):
    """A question on the ballot: approve a motion, trust a leader, or elect up to `seats` candidates."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=12, choices=QuestionKind.choices)
    text = models.CharField(_("问题"), max_length=200)
    seats = models.PositiveSmallIntegerField(default=1)
    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    candidates = models.JSONField(default=list, blank=True, help_text="[{key, name, appointment_id}] for elect")

    class Meta:
        ordering = ["ballot", "position"]
        constraints = [models.UniqueConstraint(fields=["ballot", "position"], name="question_unique_position")]


class RollEntry(models.Model):
    """One voter on the frozen roll: a member (one vote per member) or a delegate."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="roll")
    position = models.PositiveIntegerField()
    member = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    delegate = models.ForeignKey(Delegate, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    label = models.CharField(max_length=100)

    class Meta:
        ordering = ["ballot", "position"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "position"], name="roll_unique_position"),
            # one vote per member on a member roll; a delegate roll may hold several delegates of one member
            models.UniqueConstraint(
                fields=["ballot", "member"], condition=models.Q(delegate__isnull=True), name="roll_unique_member"
            ),
            models.UniqueConstraint(fields=["ballot", "delegate"], name="roll_unique_delegate"),
            models.CheckConstraint(
                condition=models.Q(member__isnull=False) | models.Q(delegate__isnull=False), name="roll_has_voter"
            ),
        ]


class Attendance(models.Model):
    """In-meeting mode: a roll entry registered present at the meeting (counts towards the quorum)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="attendance")
    roll_entry = models.ForeignKey(RollEntry, on_delete=models.CASCADE, related_name="+")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "roll_entry"], name="attendance_once")]


class Participation(models.Model):
    """That a roll entry has voted (one per voter: the constraint is the guarantee). No time, no ballot link."""

    id = models.UUIDField(primary_key=True, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="participations")
    roll_entry = models.ForeignKey(RollEntry, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "roll_entry"], name="participation_one_vote")]


class CastBallot(models.Model):
    """What one voter chose, found only by the digest of its receipt code. No voter, no time."""

    id = models.UUIDField(primary_key=True, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="cast_ballots")
    receipt_digest = models.CharField(max_length=64)
    choices = models.JSONField(help_text="{question position: [choice keys]}")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "receipt_digest"], name="cast_unique_receipt")]
