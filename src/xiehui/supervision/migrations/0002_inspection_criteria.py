"""Seed the default ANN-2 criteria (domain.md "Annual report and inspection"); officers edit them as data."""

from django.db import migrations

# (code, description, check_name, leads_to, position)
CRITERIA = [
    ("reelection_overdue", "未按章程规定按期换届", "reelection_overdue", "basic", 10),
    ("leaders_over_age_or_term", "负责人超龄或超届任职", "leaders_over_age_or_term", "basic", 20),
    ("unapproved_officials", "负责人未经批准或备案即任职", "unapproved_officials", "basic", 30),
    ("report_late", "未按期报送年度工作报告（ANN-1）", "report_late", "basic", 40),
    ("no_fulltime_staff", "未配备专职工作人员（SUP-4）", "no_fulltime_staff", "basic", 50),
    ("open_orders", "整改通知逾期未完成整改", "open_orders", "basic", 60),
    ("serious_listing", "报告年度内被列入严重违法失信名单", "serious_listing", "fail", 70),
    (
        "suspension_or_revocation",
        "报告年度内受到责令停止活动或撤销登记的行政处罚",
        "suspension_or_revocation_in_year",
        "fail",
        80,
    ),
]


def seed(apps, schema_editor):
    Criterion = apps.get_model("supervision", "InspectionCriterion")
    for code, description, check_name, leads_to, position in CRITERIA:
        Criterion.objects.update_or_create(
            code=code,
            defaults={
                "description": description,
                "check_name": check_name,
                "leads_to": leads_to,
                "position": position,
                "active": True,
            },
        )


def unseed(apps, schema_editor):
    Criterion = apps.get_model("supervision", "InspectionCriterion")
    Criterion.objects.filter(code__in=[row[0] for row in CRITERIA]).delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
