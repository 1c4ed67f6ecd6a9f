"""The association register (REG-1 … REG-8): organisations, applications, change filings, imports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiehui.core.models import Industry, Level, Person, Region

# Registered items a change filing may change (条例 art. 18), with their labels.
REGISTERED_ITEM_LABELS = {
    "name": "名称",
    "domicile": "住所",
    "business_scope": "业务范围",
    "activity_funds": "活动资金",
    "legal_representative": "法定代表人",
}


class OrganizationKind(models.TextChoices):
    ASSOCIATION = "association", _("行业协会")
    CHAMBER = "chamber", _("商会")
    FEDERATION = "federation", _("联合会")
    PROMOTION = "promotion", _("促进会")
    SOCIETY = "society", _("同业公会")


class OrganizationStatus(models.TextChoices):
    REGISTERED = "registered", _("正常登记")
    REVOKED = "revoked", _("撤销登记")
    DEREGISTERED = "deregistered", _("注销登记")


class Organization(models.Model):
    """An industry association or chamber of commerce on the register."""

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("名称"), max_length=100, db_index=True)
    name_grams = models.TextField(editable=False, default="", help_text="space-separated bigrams for search")
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("类型"), max_length=12, choices=OrganizationKind.choices)
    level = models.CharField(_("登记层级"), max_length=12, choices=Level.choices)
    authority_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记管理机关所在区划")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("住所所在区划"))
    domicile = models.CharField(_("住所"), max_length=200)
    industries = models.ManyToManyField(Industry, related_name="+", verbose_name=_("所属行业"))
    business_scope = models.TextField(_("业务范围"))
    legal_representative = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="represented_organizations", verbose_name=_("法定代表人")
    )
    activity_funds = models.DecimalField(_("活动资金（元）"), max_digits=14, decimal_places=2)
    registered_on = models.DateField(_("成立登记日期"))
    fulltime_staff = models.PositiveIntegerField(_("专职工作人员数"), default=0)
    premises = models.CharField(_("办公场所"), max_length=200, blank=True)
    website = models.URLField(_("网站"), blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    status = models.CharField(
        _("登记状态"), max_length=14, choices=OrganizationStatus.choices, default=OrganizationStatus.REGISTERED
    )
    status_changed_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["uscc"]
        verbose_name = _("社会团体")
        indexes = [
            models.Index(fields=["authority_region", "status"], name="org_authority_status_idx"),
            models.Index(fields=["region", "status"], name="org_region_status_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class StaffAssignment(models.Model):
    """Binds an association-staff user to the one association they work for."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_assignment")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="staff")
    title = models.CharField(_("职务"), max_length=50, blank=True)

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization}"


class DecouplingItem(models.Model):
    """One of the five separations (五分离, REG-7) with its evidence."""

    class Item(models.TextChoices):
        ORGANS = "organs", _("机构分离")
        FUNCTIONS = "functions", _("职能分离")
        ASSETS = "assets", _("资产财务分离")
        PERSONNEL = "personnel", _("人员管理分离")
        PARTY = "party", _("党建外事分离")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="decoupling_items")
    item = models.CharField(max_length=12, choices=Item.choices)
    completed = models.BooleanField(default=False)
    completed_on = models.DateField(null=True, blank=True)
    evidence = models.TextField(blank=True)

    class Meta:
        ordering = ["organization_id", "item"]
        constraints = [models.UniqueConstraint(fields=["organization", "item"], name="decoupling_unique_item")]


class RegisteredItemChange(models.Model):
    """The history of every registered item: one row per item change, with its effective date."""

    class Source(models.TextChoices):
        REGISTRATION = "registration", _("成立登记")
        CHANGE = "change", _("变更登记")
        IMPORT = "import", _("数据导入")
        STATUS = "status", _("状态变更")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="item_history")
    field = models.CharField(max_length=40)
    label = models.CharField(max_length=40)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    effective_on = models.DateField()
    recorded_at = models.DateTimeField()
    source = models.CharField(max_length=14, choices=Source.choices)

    class Meta:
        ordering = ["organization_id", "-effective_on", "-id"]
        indexes = [models.Index(fields=["organization", "effective_on"], name="item_history_org_idx")]


class AuthoritySequence(models.Model):
    """The last serial used when an authority assigns a USCC (REG-8)."""

    authority_region = models.OneToOneField(Region, on_delete=models.PROTECT, primary_key=True, related_name="+")
    last = models.PositiveIntegerField(default=0)


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审查")
    INCOMPLETE = "incomplete", _("待补正")
    APPROVED = "approved", _("准予登记")
    REFUSED = "refused", _("不予登记")
    WITHDRAWN = "withdrawn", _("已撤回")


class RegistrationApplication(models.Model):
    """Founders' application for direct registration (004 §2; REG-1, REG-2, REG-3)."""

    tracking_code = models.CharField(max_length=16, unique=True)
    status = models.CharField(max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED)
    name = models.CharField(_("拟定名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=12, choices=OrganizationKind.choices)
    level = models.CharField(_("登记层级"), max_length=12, choices=Level.choices)
    authority_region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    domicile = models.CharField(_("住所"), max_length=200)
    industries = models.ManyToManyField(Industry, related_name="+")
    business_scope = models.TextField(_("业务范围"))
    legal_representative = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    activity_funds = models.DecimalField(_("活动资金（元）"), max_digits=14, decimal_places=2)
    individual_members = models.PositiveIntegerField(_("个人会员数"), default=0)
    unit_members = models.PositiveIntegerField(_("单位会员数"), default=0)
    fulltime_staff = models.PositiveIntegerField(_("专职工作人员数"), default=0)
    premises = models.CharField(_("办公场所"), max_length=200)
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_phone_encrypted = models.TextField(editable=False)
    contact_phone_masked = models.CharField(max_length=20, editable=False)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField()
    complete_on = models.DateField(help_text="the day the application became complete; REG-3 counts from here")
    due_on = models.DateField(help_text="complete_on + 60 days (REG-3)")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField(blank=True)
    organization = models.OneToOneField(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="application"
    )

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["authority_region", "status", "due_on"], name="application_queue_idx")]

    def __str__(self) -> str:
        return f"{self.name}（{self.tracking_code}）"


class ApplicationDocument(models.Model):
    class Kind(models.TextChoices):
        APPLICATION = "application", _("登记申请书")
        CHARTER = "charter", _("章程草案")
        PREMISES = "premises", _("住所使用证明")
        FUNDS = "funds", _("验资报告")
        FOUNDERS = "founders", _("发起人和拟任负责人情况")
        OTHER = "other", _("其他材料")

    application = models.ForeignKey(RegistrationApplication, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    file = models.FileField(upload_to="applications/%Y/%m/")
    original_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)


class FilingStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审查")
    APPROVED = "approved", _("已核准")
    REJECTED = "rejected", _("不予核准")


class ChangeFiling(models.Model):
    """A change of registered items filed by the association (REG-5: within 30 days)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="change_filings")
    changes = models.JSONField(help_text="{field: new value} for scalar registered items")
    new_legal_representative = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("变更理由"))
    decided_on = models.DateField(_("内部决议日期"), help_text="the day the association decided the change")
    filing_due_on = models.DateField(help_text="decided_on + 30 days (REG-5)")
    filed_at = models.DateTimeField()
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=FilingStatus.choices, default=FilingStatus.SUBMITTED)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-filed_at"]

    def __str__(self) -> str:
        return f"{self.organization} 变更 {self.filed_at:%Y-%m-%d}"

    @property
    def item_labels(self) -> list[str]:
        keys = [*self.changes, *(["legal_representative"] if self.new_legal_representative_id else [])]
        return [REGISTERED_ITEM_LABELS[k] for k in keys]

    @property
    def filed_late(self) -> bool:
        """REG-5: filed after the 30th day from the decision to change."""
        from xiehui.core.clock import local_date

        return local_date(self.filed_at) > self.filing_due_on


class ImportJob(models.Model):
    """A bulk import of the register from CSV or XLSX: validated whole, applied all or nothing."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        VALIDATING = "validating", _("校验中")
        FAILED = "failed", _("校验未通过")
        SUCCEEDED = "succeeded", _("已导入")
        ERROR = "error", _("处理出错")

    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=200)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, help_text="[{row, column, message}]")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        return int(self.processed_rows * 100 / self.total_rows) if self.total_rows else 0
