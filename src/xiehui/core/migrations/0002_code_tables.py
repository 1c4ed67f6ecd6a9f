"""Load GB/T 2260 regions and GB/T 4754-2017 industries; start the audit chain."""

from django.db import migrations


def load(apps, schema_editor):
    from xiehui.core.codetables import read_industries, read_regions

    Region = apps.get_model("core", "Region")
    Industry = apps.get_model("core", "Industry")
    AuditHead = apps.get_model("core", "AuditHead")
    Region.objects.bulk_create(
        [Region(code=r["code"], name=r["name"], kind=r["kind"], parent_id=r["parent"], full_name=r["full_name"])
         for r in read_regions()],
        batch_size=500,
    )
    Industry.objects.bulk_create(
        [Industry(code=i["code"], name=i["name"], kind=i["kind"], section_id=i["section"]) for i in read_industries()]
    )
    AuditHead.objects.create(pk=1, seq=0, hash="0" * 64)


def unload(apps, schema_editor):
    apps.get_model("core", "AuditHead").objects.all().delete()
    apps.get_model("core", "Industry").objects.filter(kind="division").delete()
    apps.get_model("core", "Industry").objects.all().delete()
    Region = apps.get_model("core", "Region")
    for kind in ("county", "city", "province", "nation"):
        Region.objects.filter(kind=kind).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
