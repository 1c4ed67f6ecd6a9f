"""Governance: organs, terms, leaders and their posts, meetings, resolutions, charter versions (GOV-1 … GOV-6).

A leader is a `core.Person` (identity number encrypted) with `LeaderFacts` (birth
date, civil-servant status) and one `Appointment` per post per term. Checks run
at nomination and at appointment (governance/rules.py) and refuse with the rule
id and the fact; the engine flags what time makes wrong later (age, overdue
re-election).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiehui.core.models import Person
from xiehui.membership.models import Member
from xiehui.registry.models import Organization


class OrganKind(models.TextChoices):
    ASSEMBLY = "assembly", _("会员大会")
    DELEGATE_ASSEMBLY = "delegate_assembly", _("会员代表大会")
    COUNCIL = "council", _("理事会")
    STANDING_COUNCIL = "standing_council", _("常务理事会")
    SUPERVISORS = "supervisors", _("监事会")
    SUPERVISOR = "supervisor", _("监事")
    PRESIDENT_OFFICE = "president_office", _("会长办公会")


# the organs that are the member (representative) assembly: fee standards, charter, elections go there
ASSEMBLY_KINDS = frozenset({OrganKind.ASSEMBLY, OrganKind.DELEGATE_ASSEMBLY})


class Organ(models.Model):
    """An organ the charter sets up, with its size (seats) and the quorum and threshold its charter states."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="organs")
    kind = models.CharField(_("机构"), max_length=20, choices=OrganKind.choices)
    size = models.PositiveIntegerField(_("组成人数"), default=0, help_text="0: all members (assembly)")
    charter_clause = models.CharField(_("章程条款"), max_length=100, blank=True)

    class Meta:
        ordering = ["organization", "kind"]
        verbose_name = _("组织机构")
        constraints = [models.UniqueConstraint(fields=["organization", "kind"], name="organ_unique_kind")]

    def __str__(self) -> str:
        return self.get_kind_display()


class Term(models.Model):
    """A term (届) of the association's leadership: its number and dates; re-election opens the next one (GOV-3)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="terms")
    number = models.PositiveSmallIntegerField(_("届次"))
    starts_on = models.DateField(_("本届起始日期"))
    ends_on = models.DateField(_("本届届满日期"))
    extended_to = models.DateField(_("延期换届至"), null=True, blank=True)
    elected_by = models.ForeignKey(
        "Resolution", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("换届决议")
    )

    class Meta:
        ordering = ["organization", "-number"]
        verbose_name = _("届次")
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="term_unique_number"),
            models.CheckConstraint(condition=models.Q(ends_on__gt=models.F("starts_on")), name="term_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"第{self.number}届"


class TermExtension(models.Model):
    """GOV-3: an extension of a term, by a 2/3 assembly vote and the registration authority's approval."""

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="extensions")
    extended_to = models.DateField(_("延期至"))
    reason = models.TextField(_("延期理由"))
    resolution = models.ForeignKey("Resolution", on_delete=models.PROTECT, related_name="+")
    approval_document = models.CharField(_("登记管理机关批复文号"), max_length=60)
    approved_on = models.DateField(_("批复日期"))
    recorded_at = models.DateTimeField()


class OfficialStatus(models.TextChoices):
    NONE = "none", _("非公职人员")
    SERVING = "serving", _("现职公务员")
    ON_LEAVE = "on_leave", _("离岗未退休公务员")
    RETIRED = "retired", _("已退（离）休领导干部")


class LeaderFacts(models.Model):
    """What the GOV-1 and GOV-2 checks read about a person: birth date and civil-servant status."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="leader_facts")
    birth_date = models.DateField(_("出生日期"))
    official_status = models.CharField(
        _("公职身份"), max_length=12, choices=OfficialStatus.choices, default=OfficialStatus.NONE
    )
    retired_on = models.DateField(_("退（离）休日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("负责人基本情况")


class Post(models.TextChoices):
    PRESIDENT = "president", _("会长")
    VICE_PRESIDENT = "vice_president", _("副会长")
    SECRETARY_GENERAL = "secretary_general", _("秘书长")
    LEGAL_REPRESENTATIVE = "legal_representative", _("法定代表人")
    CHIEF_SUPERVISOR = "chief_supervisor", _("监事长")
    SUPERVISOR = "supervisor", _("监事")
    COUNCIL_MEMBER = "council_member", _("理事")
    STANDING_COUNCIL_MEMBER = "standing_council_member", _("常务理事")


LEADER_POSTS = frozenset(
    {Post.PRESIDENT, Post.VICE_PRESIDENT, Post.SECRETARY_GENERAL, Post.LEGAL_REPRESENTATIVE, Post.CHIEF_SUPERVISOR}
)


class AppointmentStatus(models.TextChoices):
    NOMINATED = "nominated", _("提名")
    SERVING = "serving", _("在任")
    ENDED = "ended", _("已离任")
    WITHDRAWN = "withdrawn", _("提名撤回")


class Appointment(models.Model):
    """A person in a post for a term: nominated, then appointed (elected), then ended."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="appointments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="appointments")
    post = models.CharField(_("职务"), max_length=30, choices=Post.choices)
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="appointments")
    member_unit = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("所在会员单位")
    )
    status = models.CharField(max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.NOMINATED)
    nominated_at = models.DateTimeField()
    starts_on = models.DateField(_("任职日期"), null=True, blank=True)
    ends_on = models.DateField(_("离任日期"), null=True, blank=True)
    end_reason = models.CharField(_("离任原因"), max_length=200, blank=True)
    paid = models.BooleanField(_("领取薪酬"), default=False)
    approval_document = models.CharField(_("审批（备案）文号"), max_length=60, blank=True)
    approved_on = models.DateField(_("审批日期"), null=True, blank=True)
    elected_by = models.ForeignKey(
        "Resolution", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("选举决议")
    )
    checks = models.JSONField(default=list, help_text="the GOV checks evaluated at nomination/appointment")

    class Meta:
        ordering = ["organization", "term", "post", "pk"]
        verbose_name = _("任职")
        indexes = [
            models.Index(fields=["person", "status"], name="appointment_person_status_idx"),
            models.Index(fields=["organization", "status"], name="appointment_org_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_post_display()}任职#{self.pk}"


class FinancialAudit(models.Model):
    """GOV-4: a financial audit, recorded before each re-election and each change of legal representative."""

    class Occasion(models.TextChoices):
        REELECTION = "reelection", _("换届审计")
        LEGAL_REPRESENTATIVE = "legal_representative", _("法定代表人离任审计")
        ANNUAL = "annual", _("年度审计")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="financial_audits")
    occasion = models.CharField(_("审计事由"), max_length=24, choices=Occasion.choices)
    auditor = models.CharField(_("审计机构"), max_length=100)
    report_number = models.CharField(_("审计报告文号"), max_length=60)
    period_start = models.DateField(_("审计期间起"))
    period_end = models.DateField(_("审计期间止"))
    reported_on = models.DateField(_("报告日期"))
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["organization", "-reported_on"]
        verbose_name = _("财务审计")


class Meeting(models.Model):
    """A meeting of an organ: date, attendance against the entitled number, quorum, agenda and decisions."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="meetings")
    organ = models.ForeignKey(Organ, on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(_("会议名称"), max_length=100)
    held_on = models.DateField(_("会议日期"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    entitled = models.PositiveIntegerField(_("应到人数"))
    attended = models.PositiveIntegerField(_("实到人数"), null=True, blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["organization", "-held_on", "-pk"]
        verbose_name = _("会议")

    def __str__(self) -> str:
        return self.title


class Importance(models.TextChoices):
    MAJOR = "major", _("重大事项")
    IMPORTANT = "important", _("重要事项")
    ORDINARY = "ordinary", _("一般事项")


class MatterKind(models.TextChoices):
    ORDINARY = "ordinary", _("一般议题")
    COOPERATION = "cooperation", _("合作事项")
    FEE_STANDARD = "fee_standard", _("会费标准")
    CHARTER = "charter", _("章程修改")
    ELECTION = "election", _("选举")
    TRUST_VOTE = "trust_vote", _("信任投票")
    TERM_EXTENSION = "term_extension", _("延期换届")
    EXPULSION = "expulsion", _("会员除名")
    NORM = "norm", _("行规行约")


class Resolution(models.Model):
    """A decision of an organ (决议) with its vote counts; a ballot's result becomes one when published."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="resolutions")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="resolutions")
    organ = models.ForeignKey(Organ, on_delete=models.PROTECT, related_name="resolutions")
    number = models.CharField(_("决议文号"), max_length=60)
    matter = models.CharField(_("议题类型"), max_length=20, choices=MatterKind.choices, default=MatterKind.ORDINARY)
    importance = models.CharField(_("重要程度"), max_length=12, choices=Importance.choices, blank=True)
    title = models.CharField(_("议题"), max_length=200)
    decision = models.TextField(_("决议内容"))
    votes_for = models.PositiveIntegerField(_("赞成"), default=0)
    votes_against = models.PositiveIntegerField(_("反对"), default=0)
    votes_abstain = models.PositiveIntegerField(_("弃权"), default=0)
    present = models.PositiveIntegerField(_("到会（参加表决）人数"), default=0)
    entitled = models.PositiveIntegerField(_("应到人数"), default=0)
    passed = models.BooleanField(_("是否通过"))
    adopted_on = models.DateField(_("决议日期"))
    explanation = models.JSONField(default=dict, blank=True, help_text="quorum and threshold rules as checked")
    ballot_id = models.BigIntegerField(null=True, blank=True, help_text="voting.Ballot that produced it, if any")
    published_to_members_on = models.DateField(_("向会员公布日期"), null=True, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["organization", "-adopted_on", "-pk"]
        verbose_name = _("决议")
        constraints = [models.UniqueConstraint(fields=["organization", "number"], name="resolution_unique_number")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class CharterVersion(models.Model):
    """A version of the charter, adopted by an assembly resolution; the newest effective one is in force."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="charter_versions")
    version = models.PositiveSmallIntegerField()
    text = models.TextField(_("章程全文"))
    resolution = models.ForeignKey(Resolution, on_delete=models.PROTECT, related_name="+")
    effective_on = models.DateField(_("生效日期"))
    # the charter's own parameters the rules read (GOV-5 routing, ballot thresholds); empty: the defaults
    parameters = models.JSONField(default=dict, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["organization", "-version"]
        verbose_name = _("章程版本")
        constraints = [models.UniqueConstraint(fields=["organization", "version"], name="charter_unique_version")]


class CooperationMatter(models.Model):
    """GOV-5: a cooperation matter routed to the organ the charter sets for its importance."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="cooperation_matters")
    title = models.CharField(_("合作事项"), max_length=200)
    partner = models.CharField(_("合作方"), max_length=100)
    importance = models.CharField(_("重要程度"), max_length=12, choices=Importance.choices)
    routed_to = models.CharField(_("决策机构"), max_length=20, choices=OrganKind.choices)
    resolution = models.ForeignKey(Resolution, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["organization", "-recorded_at"]
        verbose_name = _("合作事项")
