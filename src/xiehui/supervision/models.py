"""Supervision (004 §6, §17; 000 三): annual reports, orders, penalties, complaints, inspections, flags."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiehui.core import pii
from xiehui.core.models import Region
from xiehui.registry.models import Organization

USER = settings.AUTH_USER_MODEL


# --- Annual work report and inspection (ANN-1 … ANN-3) ---------------------------------------------


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送，待审查")
    RETURNED = "returned", _("退回补正")
    REVIEWED = "reviewed", _("已出具结论")


class InspectionResult(models.TextChoices):
    PASS = "pass", _("合格")
    BASIC = "basic", _("基本合格")
    FAIL = "fail", _("不合格")


class PartyOrganization(models.TextChoices):
    STANDALONE = "standalone", _("单独建立党组织")
    JOINT = "joint", _("联合建立党组织")
    INSTRUCTOR = "instructor", _("选派党建工作指导员")
    NONE = "none", _("未建立")


class AnnualReport(models.Model):
    """The annual work report (年度工作报告) of one year, due 31 May of the next (ANN-1)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="annual_reports")
    year = models.PositiveSmallIntegerField(_("报告年度"))
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    # sections (ANN-1: compliance, registration matters, activities, organs and staff, finances)
    compliance = models.TextField(_("遵守法律法规和国家政策情况"), blank=True)
    registration_changes = models.TextField(_("登记事项变更情况"), blank=True)
    activities = models.TextField(_("开展业务活动情况"), blank=True)
    organs = models.TextField(_("机构和人员变动情况"), blank=True)
    staff_total = models.PositiveIntegerField(_("工作人员总数"), default=0)
    full_time_staff = models.PositiveIntegerField(_("专职工作人员数"), default=0)
    income = models.DecimalField(_("本年收入（元）"), max_digits=14, decimal_places=2, default=0)
    expenditure = models.DecimalField(_("本年支出（元）"), max_digits=14, decimal_places=2, default=0)
    net_assets = models.DecimalField(_("年末净资产（元）"), max_digits=14, decimal_places=2, default=0)
    fee_income = models.DecimalField(_("会费收入（元）"), max_digits=14, decimal_places=2, default=0)
    donations_received = models.DecimalField(_("接受捐赠（元）"), max_digits=14, decimal_places=2, default=0)
    trips_abroad = models.PositiveIntegerField(_("出国（境）团组数"), default=0)
    party_organization = models.CharField(
        _("党组织建立情况"), max_length=12, choices=PartyOrganization.choices, default=PartyOrganization.NONE
    )
    party_members = models.PositiveIntegerField(_("党员人数"), default=0)
    # lifecycle
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    first_submitted_on = models.DateField(null=True, blank=True, help_text="ANN-1/CR-A1 count from this date")
    submitted_on = models.DateField(null=True, blank=True)
    submitted_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    return_reason = models.TextField(_("退回补正理由"), blank=True)
    result = models.CharField(_("年检结论"), max_length=6, choices=InspectionResult.choices, blank=True)
    result_reasons = models.TextField(_("结论理由"), blank=True)
    criteria = models.JSONField(
        default=list, blank=True, help_text="ANN-2 criteria as evaluated when the result was given"
    )
    reviewed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "organization_id"]
        verbose_name = _("年度工作报告")
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="annual_report_unique_year")]
        indexes = [models.Index(fields=["status", "year"], name="annual_report_status_idx")]

    def __str__(self) -> str:
        return f"{self.organization}{self.year}年度工作报告"


class InspectionCriterion(models.Model):
    """One ANN-2 criterion as data: a named check over the platform's facts and the result it leads to."""

    code = models.CharField(max_length=40, unique=True)
    description = models.CharField(_("情形"), max_length=200)
    check_name = models.CharField(max_length=40, help_text="name of the check in supervision/rules.py: CHECKS")
    leads_to = models.CharField(_("对应结论"), max_length=6, choices=InspectionResult.choices)
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("年检标准")

    def __str__(self) -> str:
        return self.description


# --- Rectification orders and penalties ------------------------------------------------------------


class OrderStatus(models.TextChoices):
    OPEN = "open", _("整改中")
    ANSWERED = "answered", _("已提交整改报告")
    COMPLETED = "completed", _("整改完成")
    WITHDRAWN = "withdrawn", _("已撤回")


class RectificationOrder(models.Model):
    """An order to rectify (责令整改) by a deadline; unmet at the deadline → CR-A3."""

    class Source(models.TextChoices):
        OFFICER = "officer", _("监管人员")
        RULE = "rule", _("规则自动")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="orders")
    number = models.CharField(_("文号"), max_length=40, unique=True)
    source = models.CharField(max_length=8, choices=Source.choices)
    key = models.CharField(max_length=60, null=True, blank=True, help_text="natural key when issued by a rule")
    rule_id = models.CharField(max_length=12, blank=True)
    ground = models.CharField(_("整改事由"), max_length=200)
    basis = models.CharField(_("依据"), max_length=200)
    facts = models.TextField(_("事实"))
    requirements = models.TextField(_("整改要求"), blank=True)
    parameters = models.JSONField(default=dict, blank=True)
    issued_on = models.DateField(_("下达日期"))
    deadline = models.DateField(_("整改期限"))
    issued_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    inspection = models.ForeignKey(
        "KeyInspection", null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    status = models.CharField(max_length=10, choices=OrderStatus.choices, default=OrderStatus.OPEN)
    completed_on = models.DateField(null=True, blank=True, help_text="submission date of the accepted response")

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("整改通知")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "key"], condition=models.Q(key__isnull=False), name="order_unique_key"
            )
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="order_status_deadline_idx")]

    def __str__(self) -> str:
        return self.number


class OrderResponse(models.Model):
    """The association's answer to an order, with evidence; the officer accepts or rejects it."""

    class Verdict(models.TextChoices):
        PENDING = "pending", _("待审核")
        ACCEPTED = "accepted", _("通过")
        REJECTED = "rejected", _("不通过")

    order = models.ForeignKey(RectificationOrder, on_delete=models.CASCADE, related_name="responses")
    statement = models.TextField(_("整改情况说明"))
    submitted_on = models.DateField()
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(max_length=8, choices=Verdict.choices, default=Verdict.PENDING)
    verdict_reason = models.TextField(_("审核意见"), blank=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["submitted_on", "pk"]


class PenaltyKind(models.TextChoices):
    WARNING = "warning", _("警告")
    FINE = "fine", _("罚款")
    CONFISCATION = "confiscation", _("没收违法所得或非法财物")
    SUSPENSION = "suspension", _("责令停止活动")
    REVOCATION = "revocation", _("撤销登记（吊销登记证书）")


class Penalty(models.Model):
    """An administrative penalty (行政处罚); feeds CR-A4, CR-S3, CR-S4, CR-S5, CR-S7."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="penalties")
    kind = models.CharField(_("处罚种类"), max_length=12, choices=PenaltyKind.choices)
    decision_number = models.CharField(_("处罚决定书文号"), max_length=60, unique=True)
    decided_on = models.DateField(_("处罚决定日期"))
    amount = models.DecimalField(_("罚没金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    suspension_from = models.DateField(_("停止活动起"), null=True, blank=True)
    suspension_until = models.DateField(_("停止活动止"), null=True, blank=True)
    legal_basis = models.CharField(_("法律依据"), max_length=200)
    facts = models.TextField(_("违法事实"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("行政处罚")

    def __str__(self) -> str:
        return self.decision_number


# --- Facts officers record: unreachable at the address (CR-A5), court list (CR-S6) ------------------


class AddressLetter(models.Model):
    """A letter sent to the registered address (CR-A5): returned unsigned or signed for."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="address_letters")
    sent_on = models.DateField(_("寄送日期"))
    tracking_number = models.CharField(_("邮件号"), max_length=40, blank=True)
    returned_on = models.DateField(_("退回日期"), null=True, blank=True)
    signed = models.BooleanField(_("已签收"), default=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["sent_on", "pk"]
        verbose_name = _("住所信函")


class CourtListEntry(models.Model):
    """An entry on the courts' list of dishonest judgment debtors (失信被执行人, CR-S6)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="court_entries")
    case_number = models.CharField(_("案号"), max_length=60)
    court = models.CharField(_("执行法院"), max_length=100)
    listed_on = models.DateField(_("列入日期"))
    removed_on = models.DateField(_("移出日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-listed_on", "-pk"]
        verbose_name = _("失信被执行人记录")
        constraints = [models.UniqueConstraint(fields=["organization", "case_number"], name="court_entry_unique_case")]


# --- Complaints (SUP-1) and key inspection (SUP-2) -------------------------------------------------


class Pledge(models.TextChoices):
    """The pledges of 000 二(三) and 004 §17 a complaint says were broken."""

    FORCED_MEMBERSHIP = "forced_membership", _("强制入会")
    APPORTIONED_FEES = "apportioned_fees", _("摊派会费")
    FORCED_SERVICES = "forced_services", _("强制服务")
    ARBITRARY_RATINGS = "arbitrary_ratings", _("乱评比、乱培训、乱表彰")
    SLUSH_FUNDS = "slush_funds", _("设立“小金库”")
    BEYOND_CHARTER = "beyond_charter", _("超出章程规定范围开展活动")
    FALSE_DISCLOSURE = "false_disclosure", _("信息公开不实")
    DISCRIMINATION = "discrimination", _("歧视非会员或限制加入其他协会")
    FORCED_PAID_SERVICES = "forced_paid_services", _("强制有偿培训、会议、展览、宣传、评比")
    OTHER = "other", _("其他")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("已受理")
    ASSIGNED = "assigned", _("已分派")
    INVESTIGATING = "investigating", _("调查中")
    ANSWERED = "answered", _("已答复")
    DISMISSED = "dismissed", _("不予受理")


class Complaint(models.Model):
    """A complaint about an association (SUP-1); answered within the configurable limit."""

    class Outcome(models.TextChoices):
        SUBSTANTIATED = "substantiated", _("属实")
        PARTLY = "partly", _("部分属实")
        UNSUBSTANTIATED = "unsubstantiated", _("不属实")

    code = models.CharField(_("查询码"), max_length=16, unique=True)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="complaints")
    authority_region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    pledge = models.CharField(_("投诉事项"), max_length=24, choices=Pledge.choices)
    description = models.TextField(_("投诉内容"))
    anonymous = models.BooleanField(_("匿名"), default=True)
    # complainant identity: visible to the handling officers only; the phone encrypted (core/pii.py)
    complainant_name = models.CharField(_("投诉人姓名"), max_length=50, blank=True)
    complainant_phone_encrypted = models.TextField(blank=True, editable=False)
    complainant_phone_masked = models.CharField(max_length=20, blank=True, editable=False)
    filed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    filed_on = models.DateField()
    due_on = models.DateField(help_text="filed_on + SUP-1.answer_days")
    status = models.CharField(max_length=14, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED)
    assigned_to = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("调查结论"), max_length=16, choices=Outcome.choices, blank=True)
    findings = models.TextField(_("调查情况"), blank=True)
    answer = models.TextField(_("答复意见"), blank=True)
    answered_on = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=20, blank=True, help_text="e.g. disclosure item reported inaccurate")

    class Meta:
        ordering = ["-filed_on", "-pk"]
        verbose_name = _("投诉")
        indexes = [models.Index(fields=["authority_region", "status", "due_on"], name="complaint_queue_idx")]

    def __str__(self) -> str:
        return self.code

    def set_complainant_phone(self, value: str) -> None:
        value = pii.normalize(value)
        self.complainant_phone_encrypted = pii.encrypt(value) if value else ""
        self.complainant_phone_masked = pii.mask_phone(value) if value else ""

    @property
    def complainant_phone(self) -> str:
        return pii.decrypt(self.complainant_phone_encrypted) if self.complainant_phone_encrypted else ""


class ComplaintEvent(models.Model):
    """One step of a complaint's handling; public steps are what the complainant sees by code."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=14, choices=ComplaintStatus.choices)
    note = models.TextField(blank=True)
    public = models.BooleanField(default=True)

    class Meta:
        ordering = ["at", "pk"]


class KeyInspection(models.Model):
    """A key-inspection case (重点检查, SUP-2), opened by the rule or an officer; closed by an officer."""

    class Status(models.TextChoices):
        OPEN = "open", _("检查中")
        CLOSED = "closed", _("已结案")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="key_inspections")
    key = models.CharField(max_length=80)
    rule_id = models.CharField(max_length=12, blank=True)
    facts = models.TextField(_("列入事由"))
    parameters = models.JSONField(default=dict, blank=True)
    opened_on = models.DateField()
    opened_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(null=True, blank=True)
    conclusion = models.TextField(_("检查结论"), blank=True)

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("重点检查")
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="inspection_unique_key")]


class Interview(models.Model):
    """An interview (约谈) held under a key inspection."""

    inspection = models.ForeignKey(KeyInspection, on_delete=models.CASCADE, related_name="interviews")
    held_on = models.DateField(_("约谈日期"))
    attendees = models.TextField(_("参加人员"))
    minutes = models.TextField(_("约谈纪要"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["held_on", "pk"]


# --- Engine effects owned by supervision: overdue flags and reminders ------------------------------


class Flag(models.Model):
    """An overdue flag raised by a rule (report overdue, complaint answer overdue …) and cleared by the facts."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="flags")
    key = models.CharField(max_length=80)
    rule_id = models.CharField(max_length=12)
    subject = models.CharField(max_length=200)
    facts = models.TextField()
    parameters = models.JSONField(default=dict, blank=True)
    raised_on = models.DateField()
    cleared_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="flag_unique_key")]
        indexes = [models.Index(fields=["cleared_on", "rule_id"], name="flag_open_idx")]


class Reminder(models.Model):
    """A reminder to the association before something falls due (30, 7, 1 days by default)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="reminders")
    key = models.CharField(max_length=80)
    rule_id = models.CharField(max_length=12)
    subject = models.CharField(max_length=200)
    facts = models.TextField()
    remind_on = models.DateField()
    due_on = models.DateField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-remind_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="reminder_unique_key")]
