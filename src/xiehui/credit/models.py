"""The two credit lists (民政部令第60号): listings, removal applications, objections, numbered decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiehui.core.models import Region
from xiehui.registry.models import Organization

USER = settings.AUTH_USER_MODEL


class ListKind(models.TextChoices):
    ABNORMAL = "abnormal", _("活动异常名录")
    SERIOUS = "serious", _("严重违法失信名单")


class Ground(models.TextChoices):
    """Inclusion grounds (CR-A1 … CR-A6, CR-S1 … CR-S8); the value is the rule id's suffix."""

    A1 = "A1", _("未按规定报送年度工作报告")
    A2 = "A2", _("未按规定建立党组织")
    A3 = "A3", _("未按登记管理机关整改要求完成整改")
    A4 = "A4", _("受到警告或者不满5万元罚款处罚")
    A5 = "A5", _("通过登记的住所无法与社会组织取得联系")
    A6 = "A6", _("法律、行政法规规定应当列入的其他情形（活动异常）")
    S1 = "S1", _("被列入活动异常名录满2年")
    S2 = "S2", _("弄虚作假办理变更登记，被撤销变更登记")
    S3 = "S3", _("受到限期停止活动行政处罚")
    S4 = "S4", _("受到5万元以上罚款处罚")
    S5 = "S5", _("3年内2次以上受到警告或者不满5万元罚款处罚")
    S6 = "S6", _("被人民法院列入失信被执行人名单")
    S7 = "S7", _("受到吊销登记证书、撤销登记处罚或被撤销成立登记")
    S8 = "S8", _("法律、行政法规规定应当列入的其他情形（严重失信）")


class EndReason(models.TextChoices):
    REMOVAL_APPROVED = "removal_approved", _("申请移出，经核实准予移出")
    AUTOMATIC = "automatic", _("期满自动移出")
    TRANSFERRED = "transferred", _("转入严重违法失信名单")
    OBJECTION_UPHELD = "objection_upheld", _("异议成立，予以更正")
    DEREGISTERED = "deregistered", _("注销登记完成")
    SOURCE_ENDED = "source_ended", _("列入事由消除")


class Listing(models.Model):
    """One inclusion of an association on one of the two lists, with the rule, basis and facts that put it there."""

    class Source(models.TextChoices):
        RULE = "rule", _("规则自动")
        OFFICER = "officer", _("监管人员决定")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="listings")
    authority_region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    list_kind = models.CharField(_("名录"), max_length=8, choices=ListKind.choices)
    ground = models.CharField(_("列入事由"), max_length=2, choices=Ground.choices)
    rule_id = models.CharField(max_length=12)
    key = models.CharField(max_length=80, help_text="natural key, e.g. CR-A1:2025; unique per organisation")
    source = models.CharField(max_length=8, choices=Source.choices)
    basis = models.CharField(_("依据"), max_length=300)
    facts = models.TextField(_("事实"))
    parameters = models.JSONField(default=dict, blank=True)
    rectifiable = models.BooleanField(default=True, help_text="False: nothing to rectify; removed automatically")
    start_on = models.DateField(_("列入日期"))
    earliest_removal_on = models.DateField(_("最早可移出日期"), null=True, blank=True)
    auto_removal_on = models.DateField(_("自动移出日期"), null=True, blank=True)
    ended_on = models.DateField(_("移出日期"), null=True, blank=True)
    end_reason = models.CharField(_("移出原因"), max_length=18, choices=EndReason.choices, blank=True)
    end_note = models.TextField(blank=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-start_on", "-pk"]
        verbose_name = _("名录记录")
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="listing_unique_key")]
        indexes = [
            models.Index(fields=["list_kind", "ended_on", "start_on"], name="listing_current_idx"),
            models.Index(fields=["authority_region", "list_kind", "ended_on"], name="listing_authority_idx"),
            models.Index(fields=["updated_at", "id"], name="listing_events_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organization}·{self.get_list_kind_display()}·{self.ground}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class Decision(models.Model):
    """A numbered decision (列入/移出决定书) on a listing; the PDF is rendered from this row (credit/documents.py)."""

    class Kind(models.TextChoices):
        INCLUSION = "inclusion", _("列入决定")
        REMOVAL = "removal", _("移出决定")

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    number = models.CharField(_("文号"), max_length=60, unique=True)
    issued_on = models.DateField()
    authority_region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    text = models.JSONField(default=dict, help_text="grounds, basis, facts, route as issued")

    class Meta:
        ordering = ["issued_on", "pk"]
        verbose_name = _("决定书")

    def __str__(self) -> str:
        return self.number


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待核实")
    VERIFIED = "verified", _("已核实，待决定")
    APPROVED = "approved", _("准予")
    REJECTED = "rejected", _("不予")


class RemovalApplication(models.Model):
    """An association's application to be removed from a list (CR-A/CR-S removal), verified then decided."""

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="removal_applications")
    statement = models.TextField(_("申请理由及整改情况"))
    filed_on = models.DateField()
    filed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED)
    verified_on = models.DateField(null=True, blank=True)
    verified_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    verification_note = models.TextField(_("核实情况"), blank=True)
    decision_due_on = models.DateField(null=True, blank=True, help_text="verified_on + 5 working days")
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("决定理由"), blank=True)

    class Meta:
        ordering = ["-filed_on", "-pk"]
        verbose_name = _("移出申请")


class Objection(models.Model):
    """An objection to a listing (CR-O): statement and defence with evidence, decided within the limit."""

    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="objections")
    statement = models.TextField(_("陈述"))
    defence = models.TextField(_("申辩"), blank=True)
    filed_on = models.DateField()
    filed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(help_text="filed_on + CR-O.decide_working_days working days")
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("核查意见"), blank=True)

    class Meta:
        ordering = ["-filed_on", "-pk"]
        verbose_name = _("异议")
