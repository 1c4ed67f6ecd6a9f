"""Self-regulation and integrity (000 二(一)(三); 004 §9, §14, §17): rules and standards the association
adopts, its self-regulation body, the pledges it signs, and how members and the public rate it (BL-2).

Norm versions and pledge signatures are write-once once published (DIS-4 applies
to everything published); the database enforces it (core/immutable.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiehui.registry.models import Organization

USER = settings.AUTH_USER_MODEL


class NormKind(models.TextChoices):
    CONVENTION = "convention", _("行规行约")
    QUALITY = "quality", _("质量规范")
    SERVICE = "service", _("服务标准")
    ETHICS = "ethics", _("职业道德准则")
    GROUP_STANDARD = "group_standard", _("团体标准")
    INITIATIVE = "initiative", _("公开倡议")
    WARNING = "warning", _("警示通告")


class Organ(models.TextChoices):
    """The organ whose meeting adopted a norm (GOV-5 routes matters among them; issue 5 adds meetings)."""

    ASSEMBLY = "assembly", _("会员（代表）大会")
    COUNCIL = "council", _("理事会")
    STANDING_COUNCIL = "standing_council", _("常务理事会")
    PRESIDENT_OFFICE = "president_office", _("会长办公会")


class Norm(models.Model):
    """One rule, standard or notice of an association; its text lives in versions."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="norms")
    kind = models.CharField(_("类别"), max_length=16, choices=NormKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    code = models.CharField(_("标准编号"), max_length=40, blank=True, help_text="团体标准：T/ 编号，如 T/JNJZ 001—2026")
    current = models.ForeignKey("NormVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True, help_text="when the current version was published")
    repealed_on = models.DateField(_("废止日期"), null=True, blank=True)
    repeal_organ = models.CharField(_("废止决定机构"), max_length=20, choices=Organ.choices, blank=True)
    repeal_resolution = models.CharField(_("废止决议"), max_length=100, blank=True)
    repeal_reason = models.TextField(_("废止理由"), blank=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["organization", "kind", "title", "pk"]
        verbose_name = _("自律规范")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"], condition=~models.Q(code=""), name="norm_unique_code_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    @property
    def is_repealed(self) -> bool:
        return self.repealed_on is not None


class NormVersion(models.Model):
    """One version: drafted, adopted by a meeting's resolution, then published (write-once)."""

    norm = models.ForeignKey(Norm, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版本"))
    text = models.TextField(_("正文"))
    scope = models.TextField(_("适用范围"), blank=True)
    issued_on = models.DateField(_("发布日期"), null=True, blank=True)
    effective_on = models.DateField(_("实施日期"), null=True, blank=True)
    reason = models.TextField(_("修订理由"), blank=True)
    # adoption: the meeting and resolution that adopted this version
    organ = models.CharField(_("审议机构"), max_length=20, choices=Organ.choices, blank=True)
    meeting = models.CharField(_("会议名称"), max_length=100, blank=True)
    meeting_on = models.DateField(_("会议日期"), null=True, blank=True)
    resolution = models.CharField(_("决议文号"), max_length=100, blank=True)
    attendance = models.PositiveIntegerField(_("出席人数"), null=True, blank=True)
    votes_for = models.PositiveIntegerField(_("赞成"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("反对"), null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(_("弃权"), null=True, blank=True)
    adopted_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["norm", "-number"]
        verbose_name = _("自律规范版本")
        constraints = [
            models.UniqueConstraint(fields=["norm", "number"], name="norm_version_unique_number"),
            models.UniqueConstraint(
                fields=["norm"], condition=models.Q(published_at__isnull=True), name="norm_one_unpublished_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.norm} v{self.number}"

    @property
    def state(self) -> str:
        if self.published_at is not None:
            return "published"
        return "adopted" if self.adopted_at is not None else "draft"

    @property
    def state_label(self) -> str:
        return {"published": "已发布", "adopted": "已通过待发布", "draft": "草案"}[self.state]


class IntegrityBody(models.Model):
    """The association's self-regulation and integrity body (自律与诚信工作机构), if it has one."""

    organization = models.OneToOneField(Organization, on_delete=models.PROTECT, related_name="integrity_body")
    name = models.CharField(_("机构名称"), max_length=100)
    established_on = models.DateField(_("设立日期"))
    head = models.CharField(_("负责人"), max_length=50)
    members = models.TextField(_("组成人员"), blank=True)
    duties = models.TextField(_("工作职责"))
    contact = models.CharField(
        _("联系方式"), max_length=100, blank=True, help_text="a public office line, not a person's mobile"
    )
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("自律与诚信工作机构")

    def __str__(self) -> str:
        return self.name


class PledgeSignature(models.Model):
    """The standard integrity pledges (000 二(三); 004 §14, §17) as signed by an association (DIS-1 credit commitments).

    Signing again (a new signatory, a new text) is a new row; the newest published one is in force.
    """

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="pledge_signatures")
    pledges = models.JSONField(default=list, help_text="codes of selfregulation.pledges.STANDARD, as signed")
    text = models.TextField(_("承诺书全文"), help_text="the full text as signed, kept verbatim")
    signatory = models.CharField(_("签署人"), max_length=50)
    signatory_title = models.CharField(_("签署人职务"), max_length=50)
    signed_on = models.DateField(_("签署日期"))
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organization", "-signed_on", "-pk"]
        verbose_name = _("诚信承诺")

    def __str__(self) -> str:
        return f"{self.organization} {self.signed_on:%Y-%m-%d}"


class RatingStatus(models.TextChoices):
    VISIBLE = "visible", _("显示")
    HIDDEN = "hidden", _("已屏蔽")


class Rating(models.Model):
    """One person's rating of an association for one year (BL-2), 1–5 with a comment; moderated for abuse."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="ratings")
    rater = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="ratings")
    year = models.PositiveSmallIntegerField()
    score = models.PositiveSmallIntegerField(_("评分"))
    comment = models.TextField(_("评价"), blank=True)
    as_member = models.BooleanField(default=False, help_text="the rater represented a current member when rating")
    created_at = models.DateTimeField()
    status = models.CharField(max_length=8, choices=RatingStatus.choices, default=RatingStatus.VISIBLE)
    reports = models.PositiveIntegerField(default=0, help_text="how many times reported as abusive")
    moderated_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_reason = models.TextField(_("处理理由"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("社会评价")
        constraints = [
            models.UniqueConstraint(fields=["organization", "rater", "year"], name="rating_one_per_person_year"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"),
        ]
        indexes = [models.Index(fields=["organization", "status", "year"], name="rating_org_status_idx")]

    def __str__(self) -> str:
        return f"{self.organization} {self.year} {self.score}"


class RatingReport(models.Model):
    """Someone reports a rating as abusive; each person once per rating. Officers decide (hide or keep)."""

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="abuse_reports")
    reporter = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("举报理由"), max_length=200)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("评价举报")
        constraints = [models.UniqueConstraint(fields=["rating", "reporter"], name="rating_report_once")]
