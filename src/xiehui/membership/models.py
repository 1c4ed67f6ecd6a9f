"""Members of an association and the users who represent them (MEM-1, MEM-2; issue 5 extends).

A member is an enterprise (by USCC) or an individual. Representatives are the
users who act for a member: they see the association's members-only
disclosures (DIS-2) while the member is current.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiehui.registry.models import Organization


class MemberKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("单位会员")
    INDIVIDUAL = "individual", _("个人会员")


class Member(models.Model):
    """One member of one association, from the day it joined until the day it left (if it has)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="members")
    kind = models.CharField(_("会员类型"), max_length=12, choices=MemberKind.choices)
    name = models.CharField(_("会员名称"), max_length=100)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    member_class = models.CharField(_("会员类别"), max_length=30, blank=True, help_text="e.g. 会长单位、理事单位")
    joined_on = models.DateField(_("入会日期"))
    left_on = models.DateField(_("退会日期"), null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["organization", "name", "pk"]
        verbose_name = _("会员")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "uscc"],
                condition=~models.Q(uscc="") & models.Q(left_on__isnull=True),
                name="member_current_unique_uscc",
            ),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True) | models.Q(left_on__gte=models.F("joined_on")),
                name="member_left_after_joined",
            ),
        ]
        indexes = [models.Index(fields=["organization", "left_on"], name="member_org_current_idx")]

    def __str__(self) -> str:
        return self.name


class Representative(models.Model):
    """A user who acts for a member (会员代表); a user may represent members of several associations."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="representatives")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="representations")
    since = models.DateField(_("起始日期"))
    until = models.DateField(_("终止日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("会员代表")
        constraints = [models.UniqueConstraint(fields=["member", "user"], name="representative_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.member}"


# -- issue 5: classes, applications, exits, delegates, satisfaction, fee standards ----------------


class MemberClass(models.Model):
    """A member class the charter defines (会长单位、副会长单位、理事单位、会员单位 …); fee tiers follow classes."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="member_classes")
    name = models.CharField(_("会员类别"), max_length=30)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    description = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["organization", "position", "pk"]
        verbose_name = _("会员类别")
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="member_class_unique_name")]

    def __str__(self) -> str:
        return self.name


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("未批准")
    WITHDRAWN = "withdrawn", _("已撤回")


class MembershipApplication(models.Model):
    """An application to join (入会申请), decided as the charter says (MEM-1: joining is voluntary)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="membership_applications")
    kind = models.CharField(_("会员类型"), max_length=12, choices=MemberKind.choices)
    name = models.CharField(_("申请人名称"), max_length=100)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    member_class = models.CharField(_("申请会员类别"), max_length=30, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_phone_encrypted = models.TextField(editable=False, blank=True)
    contact_phone_masked = models.CharField(max_length=20, editable=False, blank=True)
    statement = models.TextField(_("入会申请说明"), blank=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_organ = models.CharField(_("审批机构"), max_length=30, blank=True, help_text="理事会、常务理事会 …")
    decision_clause = models.CharField(_("章程依据"), max_length=100, blank=True)
    decision_reason = models.TextField(_("审批意见"), blank=True)
    member = models.OneToOneField(Member, on_delete=models.PROTECT, null=True, blank=True, related_name="application")

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("入会申请")
        indexes = [models.Index(fields=["organization", "status"], name="member_app_org_status_idx")]

    def __str__(self) -> str:
        return self.name


class ExitKind(models.TextChoices):
    VOLUNTARY = "voluntary", _("自愿退会")
    EXPELLED = "expelled", _("除名")
    CEASED = "ceased", _("会员主体终止")  # the enterprise deregistered, the individual died


class ExitReason(models.TextChoices):
    """Why a member left on its own request (MEM-2 counts exits by reason)."""

    NO_NEED = "no_need", _("不再需要协会服务")
    FEES = "fees", _("会费负担")
    SERVICE = "service", _("对服务不满意")
    BUSINESS_CHANGE = "business_change", _("经营范围或行业变化")
    OTHER_ASSOCIATION = "other_association", _("加入其他协会")
    OTHER = "other", _("其他")


class MemberExit(models.Model):
    """How and why a member left: own request, expulsion by an organ citing the charter, or cessation."""

    member = models.OneToOneField(Member, on_delete=models.PROTECT, related_name="exit")
    kind = models.CharField(_("退会方式"), max_length=12, choices=ExitKind.choices)
    reason = models.CharField(_("退会原因"), max_length=20, choices=ExitReason.choices, blank=True)
    note = models.TextField(_("说明"), blank=True)
    effective_on = models.DateField(_("生效日期"))
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organ = models.CharField(_("作出除名决定的机构"), max_length=30, blank=True)
    charter_clause = models.CharField(_("章程条款"), max_length=100, blank=True)
    decision_number = models.CharField(_("决议文号"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("会员退会记录")
        indexes = [models.Index(fields=["effective_on"], name="member_exit_effective_idx")]


class DelegateMethod(models.TextChoices):
    ELECTED = "elected", _("选举产生")
    APPOINTED = "appointed", _("推选/委派")


class Delegate(models.Model):
    """A member delegate (会员代表) to the member representative assembly, elected or appointed per the charter."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="delegates")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="delegates")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="delegations"
    )
    name = models.CharField(_("代表姓名"), max_length=50)
    method = models.CharField(_("产生方式"), max_length=12, choices=DelegateMethod.choices)
    since = models.DateField(_("任期起始"))
    until = models.DateField(_("任期终止"), null=True, blank=True)
    basis = models.CharField(_("产生依据"), max_length=200, blank=True, help_text="章程条款或选举会议")

    class Meta:
        ordering = ["organization", "since", "pk"]
        verbose_name = _("会员代表大会代表")

    def __str__(self) -> str:
        return self.name


class Survey(models.Model):
    """The yearly member satisfaction survey (会员满意度调查): one answer per member, results anonymous."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="surveys")
    year = models.PositiveSmallIntegerField(_("年度"))
    opens_on = models.DateField(_("开始日期"))
    closes_on = models.DateField(_("截止日期"))
    created_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("会员满意度调查")
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="survey_one_per_year")]


class SurveyParticipation(models.Model):
    """That a member answered (one per member: a database constraint); the answer itself is not linked."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="participations")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "member"], name="survey_one_answer_per_member")]


class SurveyAnswer(models.Model):
    """One anonymous answer: scores 1–5 per aspect and an optional comment; no member, user or time."""

    id = models.UUIDField(primary_key=True, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    scores = models.JSONField(help_text="{aspect: 1..5}")
    comment = models.TextField(blank=True)


class FeeStandardStatus(models.TextChoices):
    DRAFT = "draft", _("草案")
    BALLOTING = "balloting", _("表决中")
    ADOPTED = "adopted", _("已通过")  # in force from effective_on
    REJECTED = "rejected", _("未通过")
    SUPERSEDED = "superseded", _("已废止")


class FeeStandard(models.Model):
    """A fee standard (会费标准, FEE-1): fixed amounts by member class, at most 4 tiers, by assembly ballot."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="fee_standards")
    title = models.CharField(_("标准名称"), max_length=100)
    services_covered = models.TextField(_("会费对应的服务"))
    effective_on = models.DateField(_("生效日期"))
    status = models.CharField(max_length=12, choices=FeeStandardStatus.choices, default=FeeStandardStatus.DRAFT)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    adopted_on = models.DateField(_("表决通过日期"), null=True, blank=True)
    resolution = models.ForeignKey(
        "governance.Resolution", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    superseded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["organization", "-effective_on", "-pk"]
        verbose_name = _("会费标准")

    def __str__(self) -> str:
        return self.title


class FeeTier(models.Model):
    """One tier of a fee standard: a member class and its fixed yearly amount (no rates, no ranges)."""

    standard = models.ForeignKey(FeeStandard, on_delete=models.CASCADE, related_name="tiers")
    position = models.PositiveSmallIntegerField()
    member_class = models.CharField(_("会员类别"), max_length=30)
    amount = models.DecimalField(_("年会费（元）"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["standard", "position"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "member_class"], name="fee_tier_unique_class"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="fee_tier_amount_nonnegative"),
        ]
