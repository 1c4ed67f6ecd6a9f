"""The data port's own records: department API keys (scopes, limits, expiry) and the query audit.

A key acts through its own account (role 业务部门, the key's department), so every selector and
service that takes an actor treats a keyed request as that department's machine user; the key
adds what an account has not: scopes, limits, an expiry and the query audit.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiehui.core.models import Department


class DataPortKey(models.Model):
    """An API key issued to a department's named system. Only its SM3 digest is stored; shown once."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="dataport_keys")
    system_name = models.CharField(_("接入系统"), max_length=100)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="dataport_key", help_text="acts for the key"
    )
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    scopes = models.JSONField(_("数据范围"), default=list, help_text="domain codes (dataport/scopes.py)")
    personal_data = models.BooleanField(_("可访问个人信息"), default=False)
    rate_per_minute = models.PositiveIntegerField(_("每分钟请求上限"))
    daily_quota = models.PositiveIntegerField(_("每日请求配额"))
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField(_("有效期至"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.CharField(_("吊销原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("数据端口密钥")
        constraints = [
            models.CheckConstraint(condition=models.Q(rate_per_minute__gt=0), name="dataport_key_rate_positive"),
            models.CheckConstraint(condition=models.Q(daily_quota__gt=0), name="dataport_key_quota_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.system_name} ({self.prefix}…)"


class QueryRecord(models.Model):
    """One data-port request made with a key (or with a key the port refused): the query audit.

    Written through the journal (dataport/journal.py) in batches; the random id makes a replayed
    journal file import each record once.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(_("时间"), db_index=True)
    key = models.ForeignKey(DataPortKey, on_delete=models.PROTECT, null=True, blank=True, related_name="queries")
    key_prefix = models.CharField(_("密钥前缀"), max_length=16, blank=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    method = models.CharField(max_length=8)
    endpoint = models.CharField(_("接口"), max_length=120, blank=True, help_text="OpenAPI operation id")
    path = models.CharField(_("路径"), max_length=300)
    params = models.CharField(_("参数"), max_length=1000, blank=True)
    status = models.PositiveSmallIntegerField(_("状态码"))
    outcome = models.CharField(_("结果"), max_length=30, help_text="ok, or the refusal's code")
    result_count = models.PositiveIntegerField(_("返回条数"), default=0)
    duration_ms = models.PositiveIntegerField(_("耗时（毫秒）"), default=0)
    personal = models.BooleanField(_("涉及个人信息"), default=False)
    client_ip = models.CharField(max_length=45, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("数据端口查询记录")
        indexes = [
            models.Index(fields=["department", "at"], name="dataport_query_dept_at"),
            models.Index(fields=["key", "at"], name="dataport_query_key_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.key_prefix} {self.method} {self.path}"


class ExportJob(models.Model):
    """A bulk export requested through the port: written by a background task, downloadable when ready.

    The files and their manifest (row counts, SM3 digests, as-of time, feed cursor) live under
    MEDIA_ROOT/exports/<id>/; the id is random, and only the requester may download them.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("导出中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("导出失败")
        EXPIRED = "expired", _("已过期删除")

    ACTIVE = (Status.PENDING, Status.RUNNING)  # a requester has one at a time

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"
        JSONL = "jsonl", "JSON Lines"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.CharField(_("数据集"), max_length=32)
    format = models.CharField(_("格式"), max_length=8, choices=Format.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    key = models.ForeignKey(DataPortKey, on_delete=models.PROTECT, null=True, blank=True, related_name="exports")
    jurisdiction = models.CharField(max_length=6, blank=True, help_text="region prefix the rows are limited to")
    personal = models.BooleanField(default=False, help_text="the dataset holds personal information")
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(help_text="files are deleted after this time")
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    manifest = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="export_requester_idx")]

    def __str__(self) -> str:
        return f"{self.dataset}.{self.format} ({self.status})"

    @property
    def percent(self) -> int:
        return min(100, int(self.processed_rows * 100 / self.total_rows)) if self.total_rows else 0
