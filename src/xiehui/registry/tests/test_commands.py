"""Console commands of the register: `demo`, `synth` and `import` (and `audit verify` after them)."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import replace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from xiehui.conftest import ID_NUMBERS, NOW
from xiehui.core import audit, clock
from xiehui.core.codes import clean_uscc
from xiehui.core.errors import ApplicationError
from xiehui.core.models import TWO_FACTOR_ROLES, AuditEntry, Person, Role, User
from xiehui.registry import importer, selectors
from xiehui.registry.bulk import organizations_bulk_load
from xiehui.registry.models import (
    AuthoritySequence,
    ChangeFiling,
    DecouplingItem,
    Organization,
    RegisteredItemChange,
    RegistrationApplication,
    StaffAssignment,
)
from xiehui.registry.tests.test_importer import csv_bytes, row
from xiehui.registry.validators import clean_id_number

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def demo():  # type: ignore[no-untyped-def]
    return run("demo")


def search(q: str) -> int:
    return selectors.organization_search(actor=None, filters=selectors.OrganizationFilters(q=q)).count()


# -- demo -------------------------------------------------------------------------------------------


def test_demo_loads_about_two_thousand_valid_organisations(demo):
    orgs = Organization.objects.all()
    assert 1900 <= orgs.count() <= 2100
    for uscc in orgs.values_list("uscc", flat=True):
        clean_uscc(uscc)
    levels = Counter(orgs.values_list("level", flat=True))
    assert levels == {"provincial": 200, "municipal": 1000, "county": 800}
    assert all(code.startswith("37") for code in orgs.values_list("authority_region_id", flat=True).distinct())
    assert 0.005 < orgs.exclude(status="registered").count() / orgs.count() < 0.05
    assert orgs.filter(registered_on__year__lt=1995).count() == 0


def test_demo_organisations_are_complete(demo):
    n = Organization.objects.count()
    assert Organization.objects.filter(name_grams="").count() == 0
    assert Organization.objects.filter(industries__isnull=True).count() == 0
    assert RegisteredItemChange.objects.filter(field="name").count() == n
    assert DecouplingItem.objects.count() == 5 * n
    assert 0.5 < DecouplingItem.objects.filter(completed=True).count() / (5 * n) < 1
    assert DecouplingItem.objects.filter(completed=True, evidence="").count() == 0


def test_demo_gives_each_legal_representative_one_body_with_a_valid_identity_number(demo):
    reps = Counter(Organization.objects.filter(status="registered").values_list("legal_representative", flat=True))
    assert max(reps.values()) == 1
    for person in Person.objects.all()[:300]:
        clean_id_number(person.id_number)


def test_demo_names_are_unique_per_authority_and_realistic(demo):
    pairs = Counter(Organization.objects.values_list("authority_region_id", "name"))
    assert max(pairs.values()) == 1
    n = Organization.objects.count()
    assert Organization.objects.filter(name="济南市建筑装饰协会", authority_region_id="370100").exists()
    assert 0.6 < Organization.objects.filter(name__contains="协会").count() / n < 0.85
    assert 0.01 < Organization.objects.filter(name__contains="建筑").count() / n < 0.08
    assert search("协会") > 1000 and 20 < search("建筑") < 200


def test_demo_creates_a_user_for_every_role_with_totp_for_government_roles(demo):
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    # A data port key's account never logs in (no usable password): it acts only through its key.
    for user in User.objects.filter(role__in=TWO_FACTOR_ROLES, dataport_key__isnull=True):
        assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert not any(u.has_usable_password() for u in User.objects.filter(dataport_key__isnull=False))
    officer = User.objects.get(username="officer_jn")
    assert officer.check_password("Xiehui-demo-2026") and officer.jurisdiction_prefix == "3701"
    assert StaffAssignment.objects.count() >= 3
    assert "| officer_jn |" in demo and "Xiehui-demo-2026" in demo


def test_demo_has_pending_applications_some_overdue_and_pending_change_filings(demo):
    pending = RegistrationApplication.objects.filter(status="submitted")
    assert pending.count() >= 5
    overdue = pending.filter(due_on__lt=clock.today()).count()  # REG-3: more than 60 days ago
    assert 0 < overdue < pending.count()
    assert RegistrationApplication.objects.filter(applicant__username="member").exists()
    assert ChangeFiling.objects.filter(status="submitted").count() >= 3


def test_demo_leaves_a_verifiable_audit_log_and_runs_twice(demo):
    assert audit.verify().ok
    assert AuditEntry.objects.filter(action="registry.organization.bulk_loaded").count() >= 4
    assert "OK" in run("audit", "verify")
    again = run("demo")
    assert "跳过" in again
    assert Organization.objects.count() < 2100


# -- synth ------------------------------------------------------------------------------------------


def test_synth_appends_searchable_organisations(db):
    run("synth", "--orgs", "2000", "--batch", "700")
    assert Organization.objects.count() == 2000
    assert search("协会") > 1000
    assert 0 < search("建筑") < 300
    for uscc in Organization.objects.values_list("uscc", flat=True)[:500]:
        assert clean_uscc(uscc)[8:10] == "HC"
    assert audit.verify().ok


def test_synth_runs_append_without_collisions_next_to_the_demo(demo):
    run("synth", "--orgs", "1500", "--seed", "3")
    run("synth", "--orgs", "1500", "--seed", "3")
    orgs = Organization.objects.all()
    assert orgs.count() == 5000
    assert max(Counter(orgs.values_list("authority_region_id", "name")).values()) == 1
    assert max(Counter(orgs.values_list("legal_representative", flat=True)).values()) == 1


# -- import -----------------------------------------------------------------------------------------


def test_import_dry_run_saves_nothing(db, tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(csv_bytes([row(1), row(2)]))
    out = run("import", str(path), "--dry-run")
    assert "2 行全部有效" in out
    assert Organization.objects.count() == 0
    assert "已导入 2 个" in run("import", str(path))
    assert Organization.objects.count() == 2


def test_import_prints_errors_and_saves_nothing(db, tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(csv_bytes([row(1), row(2, 活动资金="1")]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="校验未通过"):
        call_command("import", str(path), stdout=io.StringIO(), stderr=err)
    assert "第 3 行「活动资金」" in err.getvalue()
    assert Organization.objects.count() == 0


# -- the shared bulk path -------------------------------------------------------------------------


def _records(world, *rows):  # type: ignore[no-untyped-def]
    return importer.validate_file(csv_bytes(list(rows)), "r.csv", actor=None, today=NOW.date()).records


def test_bulk_load_refuses_a_person_who_already_represents_a_body(world):
    record = replace(_records(world, row(1))[0], representative_id_number=ID_NUMBERS[0], representative_name="代表0")
    before = Organization.objects.count()
    with pytest.raises(ApplicationError, match="REG-4"):
        organizations_bulk_load(actor=None, records=[record], now=NOW, source="import")
    twice = [_records(world, row(1))[0], replace(_records(world, row(2))[0], representative_id_number=row(1)[
        "法定代表人身份证号码"], representative_name=row(1)["法定代表人"])]  # fmt: skip
    with pytest.raises(ApplicationError, match="REG-4"):
        organizations_bulk_load(actor=None, records=twice, now=NOW, source="import")
    assert Organization.objects.count() == before


def test_bulk_load_moves_the_authoritys_uscc_serial_past_loaded_codes(world):
    organizations_bulk_load(actor=None, records=_records(world, row(7)), now=NOW, source="import")
    assert AuthoritySequence.objects.get(authority_region_id="370100").last == 800007
