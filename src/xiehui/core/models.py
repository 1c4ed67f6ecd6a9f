"""Cross-cutting models: identities and jurisdiction, code tables, persons, the audit log."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import pii


class Level(models.TextChoices):
    """Registration level of an authority (and so of the bodies it registers)."""

    NATIONAL = "national", _("全国性")
    PROVINCIAL = "provincial", _("省级")
    MUNICIPAL = "municipal", _("市级")
    COUNTY = "county", _("县级")


# How many leading digits of a GB/T 2260 code an authority of each level covers.
LEVEL_PREFIX_LENGTH = {Level.NATIONAL: 0, Level.PROVINCIAL: 2, Level.MUNICIPAL: 4, Level.COUNTY: 6}
# USCC characters 3-8 of a national body are 100000 (the Ministry of Civil Affairs).
NATIONAL_REGION_CODE = "100000"


class Region(models.Model):
    """GB/T 2260 administrative division (see core/data/SOURCES.md)."""

    class Kind(models.TextChoices):
        NATION = "nation", _("全国")
        PROVINCE = "province", _("省级")
        CITY = "city", _("地级")
        COUNTY = "county", _("县级")

    code = models.CharField(max_length=6, primary_key=True)
    name = models.CharField(max_length=50)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    full_name = models.CharField(max_length=120, help_text="e.g. 山东省济南市历下区")

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")

    def __str__(self) -> str:
        return self.full_name or self.name

    @property
    def level(self) -> str:
        return {
            self.Kind.NATION: Level.NATIONAL,
            self.Kind.PROVINCE: Level.PROVINCIAL,
            self.Kind.CITY: Level.MUNICIPAL,
            self.Kind.COUNTY: Level.COUNTY,
        }[self.Kind(self.kind)]


class Industry(models.Model):
    """GB/T 4754-2017 section (门类, a letter) or division (大类, two digits)."""

    class Kind(models.TextChoices):
        SECTION = "section", _("门类")
        DIVISION = "division", _("大类")

    code = models.CharField(max_length=2, primary_key=True)
    name = models.CharField(max_length=60)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    section = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="divisions")

    class Meta:
        ordering = ["code"]
        verbose_name = _("国民经济行业")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Department(models.Model):
    """A government department other than the registration authority (发改、工信、市场监管…)."""

    name = models.CharField(_("部门名称"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    industries = models.ManyToManyField(Industry, blank=True, related_name="+")

    class Meta:
        ordering = ["region_id", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="department_unique_name")]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    STAFF = "staff", _("协会工作人员")
    MEMBER = "member", _("会员企业代表")
    OFFICER = "officer", _("登记管理机关工作人员")
    DEPARTMENT = "department", _("业务部门工作人员")
    PARTY = "party", _("党建工作人员")
    EXPERT = "expert", _("评估专家")
    ADMIN = "admin", _("系统管理员")
    PUBLIC = "public", _("社会公众")  # self-registered: follows complaints, rates associations (BL-2)


# Roles that act for a government body: two-factor authentication is mandatory.
TWO_FACTOR_ROLES = frozenset({Role.OFFICER, Role.DEPARTMENT, Role.PARTY, Role.ADMIN})


class User(AbstractUser):
    """A person who logs in. Jurisdiction (officers) is a region and a level."""

    role = models.CharField(_("角色"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    jurisdiction_region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("管辖区域")
    )
    jurisdiction_level = models.CharField(_("登记层级"), max_length=12, choices=Level.choices, blank=True)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="users")

    class Meta:
        verbose_name = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="officer")
                | (models.Q(jurisdiction_region__isnull=False) & ~models.Q(jurisdiction_level="")),
                name="officer_has_jurisdiction",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def requires_two_factor(self) -> bool:
        return self.role in TWO_FACTOR_ROLES or self.is_superuser

    @property
    def is_officer(self) -> bool:
        return self.role == Role.OFFICER

    @property
    def jurisdiction_prefix(self) -> str | None:
        """The region-code prefix an officer reaches ('' = the whole country); None if not an officer."""
        if self.role != Role.OFFICER or self.jurisdiction_region_id is None:
            return None
        return str(self.jurisdiction_region_id)[: LEVEL_PREFIX_LENGTH[Level(self.jurisdiction_level)]]


class Person(models.Model):
    """A natural person named in records (legal representatives, leaders). PII encrypted."""

    name = models.CharField(_("姓名"), max_length=50)
    id_number_encrypted = models.TextField(editable=False)
    id_number_hash = models.CharField(max_length=64, db_index=True, editable=False)
    id_number_masked = models.CharField(max_length=24, editable=False)
    phone_encrypted = models.TextField(blank=True, editable=False)
    phone_masked = models.CharField(max_length=20, blank=True, editable=False)

    class Meta:
        verbose_name = _("自然人")
        constraints = [models.UniqueConstraint(fields=["id_number_hash"], name="person_unique_id_number")]

    def __str__(self) -> str:
        return self.name

    def set_id_number(self, value: str) -> None:
        value = pii.normalize(value)
        self.id_number_encrypted = pii.encrypt(value)
        self.id_number_hash = pii.index_hash(value)
        self.id_number_masked = pii.mask(value)

    def set_phone(self, value: str) -> None:
        value = pii.normalize(value)
        self.phone_encrypted = pii.encrypt(value) if value else ""
        self.phone_masked = pii.mask_phone(value) if value else ""

    @property
    def id_number(self) -> str:
        return pii.decrypt(self.id_number_encrypted)


class AuditEntry(models.Model):
    """One link of the append-only, SM3 hash-chained audit log (core/audit.py)."""

    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"], name="audit_object_idx")]
        verbose_name = _("审计记录")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class AuditHead(models.Model):
    """The chain's tip (a single row, id=1); locking it serialises appends."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)


class ApiToken(models.Model):
    """A personal API token (Bearer). Only its SM3 digest is stored; shown once at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=60)
    prefix = models.CharField(max_length=12, unique=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


def attachment_path(instance: Attachment, filename: str) -> str:
    """A random stored name: the original name (kept in the row) never becomes a guessable path."""
    extension = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}.get(instance.mime, "")
    return f"attachments/{instance.uploaded_at:%Y/%m}/{uuid.uuid4().hex}{extension}"


class Attachment(models.Model):
    """A document attached to any record (evidence, report annexes); type sniffed, size-limited (core/files.py)."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=40)
    owner = GenericForeignKey("content_type", "object_id")
    purpose = models.CharField(max_length=30, blank=True)
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField()
    mime = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="attachment_owner_idx")]
        verbose_name = _("附件")

    def __str__(self) -> str:
        return self.original_name


class Parameter(models.Model):
    """The value in force of a configurable rule parameter (domain.md *(configurable)*).

    Defaults live in the rule catalogue (core/rules.py); a row here overrides one,
    with who changed it and why. Keys are "<rule id>.<name>", e.g. "SUP-1.answer_days".
    """

    key = models.CharField(max_length=60, unique=True)
    value = models.JSONField()
    note = models.CharField(_("调整理由"), max_length=200)
    changed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["key"]
        verbose_name = _("规则参数")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class TickRun(models.Model):
    """One run of `xiehui tick` (dry runs are not recorded): what it did, for the console and operators."""

    as_of = models.DateField()
    started_at = models.DateTimeField()
    seconds = models.FloatField()
    organizations = models.PositiveIntegerField()
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "started_at"

    def __str__(self) -> str:
        return f"tick {self.as_of}"


class NumberSequence(models.Model):
    """Per authority, document prefix and year: the last number issued (decisions, orders)."""

    authority_region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    prefix = models.CharField(max_length=8)  # e.g. 异列, 严移, 责改
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["authority_region", "prefix", "year"], name="number_sequence_unique")
        ]
