"""The bigram index behind name search (registry/search.py): FTS5 on SQLite, GIN on PostgreSQL."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE registry_organization_fts USING fts5("
    "name_grams, content='registry_organization', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER registry_organization_fts_ai AFTER INSERT ON registry_organization BEGIN "
    "INSERT INTO registry_organization_fts(rowid, name_grams) VALUES (new.id, new.name_grams); END",
    "CREATE TRIGGER registry_organization_fts_ad AFTER DELETE ON registry_organization BEGIN "
    "INSERT INTO registry_organization_fts(registry_organization_fts, rowid, name_grams) "
    "VALUES ('delete', old.id, old.name_grams); END",
    "CREATE TRIGGER registry_organization_fts_au AFTER UPDATE OF name_grams ON registry_organization BEGIN "
    "INSERT INTO registry_organization_fts(registry_organization_fts, rowid, name_grams) "
    "VALUES ('delete', old.id, old.name_grams); "
    "INSERT INTO registry_organization_fts(rowid, name_grams) VALUES (new.id, new.name_grams); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS registry_organization_fts_au",
    "DROP TRIGGER IF EXISTS registry_organization_fts_ad",
    "DROP TRIGGER IF EXISTS registry_organization_fts_ai",
    "DROP TABLE IF EXISTS registry_organization_fts",
]
PG_FORWARD = [
    "CREATE INDEX registry_org_name_grams_gin ON registry_organization "
    "USING gin (string_to_array(name_grams, ' '))",
]
PG_BACKWARD = ["DROP INDEX IF EXISTS registry_org_name_grams_gin"]


def forward(apps, schema_editor):
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": PG_FORWARD}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": PG_BACKWARD}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
