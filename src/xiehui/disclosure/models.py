"""Disclosed items and their versions (DIS-1 … DIS-4).

A `Disclosure` is one item of one association (its charter; its 2025 financial
report; one trip abroad). Its content lives in `DisclosureVersion`s: a draft is
edited freely; a published version is never changed again (DIS-4), which the
database enforces with a trigger (core/immutable.py). A correction or an update
is a new version with its reason; every published version stays readable.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiehui.registry.models import Organization

from . import catalogue


class ChangeKind(models.TextChoices):
    FIRST = "first", _("首次公开")
    UPDATE = "update", _("事项变更")  # the facts changed (new leaders, a new charter): due within DIS-3.change_days
    CORRECTION = "correction", _("更正")  # the published text was wrong


class Disclosure(models.Model):
    """One disclosed item of one association, of a catalogue type, for a period or an event."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="disclosures")
    item_type = models.CharField(_("公开事项"), max_length=32, choices=[(t.code, t.title) for t in catalogue.TYPES])
    period = models.CharField(
        _("期间"), max_length=8, blank=True, help_text="2025, 2025H1; empty for standing items and events"
    )
    title = models.CharField(_("标题"), max_length=200)
    # Standing and periodic items exist once per association (and period); events have no slot.
    slot = models.CharField(max_length=48, null=True, blank=True, editable=False)
    members_only = models.BooleanField(default=False, editable=False, help_text="copied from the catalogue (DIS-2)")
    current = models.ForeignKey(
        "DisclosureVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="latest published",
    )
    first_published_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, help_text="when the current version was published")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["organization", "item_type", "-period", "-pk"]
        verbose_name = _("公开事项")
        constraints = [models.UniqueConstraint(fields=["organization", "slot"], name="disclosure_unique_slot")]
        indexes = [
            models.Index(fields=["organization", "item_type"], name="disclosure_org_type_idx"),
            models.Index(fields=["published_at"], name="disclosure_published_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def spec(self) -> catalogue.ItemType:
        return catalogue.BY_CODE[self.item_type]

    @property
    def is_published(self) -> bool:
        return self.current_id is not None


class DisclosureVersion(models.Model):
    """One version of an item: a draft until published, then write-once (DIS-4)."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版本"))
    change_kind = models.CharField(_("版本类型"), max_length=12, choices=ChangeKind.choices, default=ChangeKind.FIRST)
    data = models.JSONField(
        default=dict, blank=True, help_text='{"fields": {...}, "rows": [...]}, checked by the catalogue'
    )
    body = models.TextField(_("正文"), blank=True)
    effective_on = models.DateField(
        _("事项发生日期"), null=True, blank=True, help_text="the day the facts arose or changed; DIS-3 counts from it"
    )
    reason = models.TextField(_("更正或变更原因"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["disclosure", "-number"]
        verbose_name = _("公开事项版本")
        constraints = [
            models.UniqueConstraint(fields=["disclosure", "number"], name="disclosure_version_unique_number"),
            models.UniqueConstraint(
                fields=["disclosure"], condition=models.Q(published_at__isnull=True), name="disclosure_one_draft"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.disclosure} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.published_at is None
