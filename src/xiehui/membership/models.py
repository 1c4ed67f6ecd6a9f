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
