"""Norm lifecycle services: drafting, adoption (SR-1), publication, amendment, repeal; the integrity body."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import DatabaseError, IntegrityError, transaction

from xiehui.core import clock
from xiehui.core.codes import make_uscc
from xiehui.core.errors import ApplicationError, PermissionDenied
from xiehui.core.models import AuditEntry
from xiehui.membership import services as membership
from xiehui.selfregulation import services_norms as services
from xiehui.selfregulation.models import IntegrityBody, Norm, NormKind, NormVersion, Organ

pytestmark = pytest.mark.django_db

TEXT = "第一条 为规范本行业经营行为，维护公平竞争秩序，制定本公约。\n第二条 会员单位应诚信经营。"


def today() -> dt.date:
    return clock.today()


def draft(world: Any, *, org: Any = None, actor: Any = None, **kw: Any) -> NormVersion:
    fields: dict[str, Any] = {
        "kind": NormKind.CONVENTION,
        "title": "济南市建筑业行业自律公约",
        "code": "",
        "text": TEXT,
        "scope": "本会全体会员单位",
    }
    fields.update(kw)
    return services.norm_draft(actor=actor or world.staff_a, organization=org or world.org_a, now=clock.now(), **fields)


def adopt(version: NormVersion, actor: Any, **kw: Any) -> NormVersion:
    fields: dict[str, Any] = {
        "organ": Organ.ASSEMBLY,
        "meeting": "第三届会员代表大会第二次会议",
        "meeting_on": today() - dt.timedelta(days=3),
        "resolution": "济建协〔2026〕5号",
        "attendance": 60,
        "votes_for": 50,
        "votes_against": 5,
        "votes_abstain": 5,
    }
    fields.update(kw)
    return services.norm_adopt(actor=actor, version=version, now=clock.now(), **fields)


def published(world: Any, *, org: Any = None, actor: Any = None, **kw: Any) -> Norm:
    actor = actor or world.staff_a
    version = draft(world, org=org, actor=actor, **kw)
    adopt(version, actor)
    services.norm_publish(actor=actor, version=version, now=clock.now())
    return Norm.objects.get(pk=version.norm_id)


def standard(world: Any, code: str = "T/JNJZ 001—2026", **kw: Any) -> NormVersion:
    fields: dict[str, Any] = {
        "kind": NormKind.GROUP_STANDARD,
        "title": "装配式建筑施工质量验收规范",
        "code": code,
        "scope": "本市装配式混凝土结构工程",
        "effective_on": today() + dt.timedelta(days=30),
    }
    fields.update(kw)
    return draft(world, **fields)


def amend(norm: Norm, actor: Any, **kw: Any) -> NormVersion:
    fields: dict[str, Any] = {
        "text": TEXT + "\n第三条 会员单位不得低于成本价投标。",
        "scope": "本会全体会员单位",
        "issued_on": None,
        "effective_on": None,
        "reason": "增加禁止低于成本价投标的条款",
    }
    fields.update(kw)
    return services.norm_amend(actor=actor, norm=norm, now=clock.now(), **fields)


def make_member(world: Any, org: Any = None) -> None:
    """world.member becomes the representative of a current member enterprise of org (default org_a)."""
    member = membership.member_record(
        actor=None,
        organization=org or world.org_a,
        kind="enterprise",
        name="山东某建设集团有限公司",
        uscc=make_uscc(region_code="370100", body="MA000001", category="91"),
        joined_on=dt.date(2020, 1, 1),
        now=clock.now(),
    )
    membership.representative_add(
        actor=None, member=member, user=world.member, since=dt.date(2020, 1, 1), now=clock.now()
    )


def refused(exc: pytest.ExceptionInfo[ApplicationError], code: str, field: str | None = None) -> ApplicationError:
    assert exc.value.code == code, (exc.value.code, exc.value.message)
    if field is not None:
        assert exc.value.field == field
    return exc.value


# -- drafting ---------------------------------------------------------------------------------------------


def test_it_drafts_version_one_and_audits_it(world):
    version = draft(world)
    assert version.number == 1 and version.state == "draft" and version.norm.current is None
    assert AuditEntry.objects.filter(action="selfregulation.norm.drafted", object_id=str(version.norm_id)).exists()


@pytest.mark.parametrize("who", ["staff_b", "officer_jinan", "member", "department"])
def test_it_lets_only_the_associations_staff_draft(world, who):
    with pytest.raises(PermissionDenied):
        draft(world, actor=getattr(world, who))


@pytest.mark.parametrize(
    ("given", "normal"),
    [
        ("T/JNJZ 001—2026", "T/JNJZ 001—2026"),
        ("T/JNJZ 001-2026", "T/JNJZ 001—2026"),
        ("t/jnjz001–2026", "T/JNJZ 001—2026"),
        ("T/ JNJZ 12.1 — 2026", "T/JNJZ 12.1—2026"),
    ],
)
def test_it_accepts_group_standard_numbers_leniently_and_normalises_them(world, given, normal):
    version = standard(world, code=given)
    assert version.norm.code == normal


@pytest.mark.parametrize("bad", ["JNJZ 001—2026", "T/JNJZ—2026", "T/001—2026", "T/JNJZ 001", "GB/T 50300—2013"])
def test_it_refuses_a_malformed_group_standard_number_in_chinese(world, bad):
    with pytest.raises(ApplicationError) as exc:
        standard(world, code=bad)
    assert "T/" in refused(exc, "invalid_standard_code", "code").message


def test_it_requires_a_number_for_group_standards_and_none_for_other_kinds(world):
    with pytest.raises(ApplicationError) as exc:
        standard(world, code="")
    refused(exc, "required", "code")
    with pytest.raises(ApplicationError) as exc:
        draft(world, code="T/JNJZ 001—2026")
    refused(exc, "code_not_allowed", "code")


def test_it_refuses_a_group_standard_number_already_used_by_the_association(world):
    standard(world)
    with pytest.raises(ApplicationError) as exc:
        standard(world, code="T/JNJZ 001-2026", title="另一标准")
    assert refused(exc, "duplicate_code", "code").status == 409
    other = services.norm_draft(
        actor=world.staff_b,
        organization=world.org_b,
        kind=NormKind.GROUP_STANDARD,
        title="同号标准",
        code="T/JNJZ 001—2026",
        text=TEXT,
        now=clock.now(),
    )
    assert other.norm.code == "T/JNJZ 001—2026"


def test_it_refuses_an_effective_date_before_the_issue_date(world):
    with pytest.raises(ApplicationError) as exc:
        draft(world, issued_on=today(), effective_on=today() - dt.timedelta(days=1))
    refused(exc, "effective_before_issued", "effective_on")


def test_it_edits_a_draft_with_a_diff_in_the_audit(world):
    version = draft(world)
    services.norm_draft_edit(
        actor=world.staff_a,
        version=version,
        kind=NormKind.CONVENTION,
        title="济南市建筑业行业自律公约（修改稿）",
        code="",
        text=TEXT,
        scope="全体会员",
        issued_on=None,
        effective_on=None,
        now=clock.now(),
    )
    version.refresh_from_db()
    assert version.scope == "全体会员" and version.norm.title.endswith("（修改稿）")
    entry = AuditEntry.objects.get(action="selfregulation.norm.edited")
    assert entry.changes["scope"] == {"before": "本会全体会员单位", "after": "全体会员"}


def test_it_discards_a_never_published_draft_with_its_norm(world):
    version = draft(world)
    assert services.norm_discard(actor=world.staff_a, version=version, now=clock.now()) is None
    assert not Norm.objects.exists() and not NormVersion.objects.exists()
    assert AuditEntry.objects.filter(action="selfregulation.norm.discarded").exists()


# -- adoption: SR-1 -----------------------------------------------------------------------------------------


def test_sr1_refuses_a_convention_adopted_by_the_council(world):
    version = draft(world)
    with pytest.raises(ApplicationError) as exc:
        adopt(version, world.staff_a, organ=Organ.COUNCIL)
    error = refused(exc, "sr1_assembly_required", "organ")
    assert "SR-1" in error.message and "会员（代表）大会" in error.message
    assert error.extra["rule_id"] == "SR-1" and error.extra["findings"][0]["field"] == "organ"
    version.refresh_from_db()
    assert version.adopted_at is None


def test_sr1_lets_the_council_adopt_other_kinds(world):
    version = draft(world, kind=NormKind.ETHICS, title="从业人员职业道德准则")
    adopt(version, world.staff_a, organ=Organ.COUNCIL)
    version.refresh_from_db()
    assert version.state == "adopted" and version.organ == Organ.COUNCIL


def test_sr1_refuses_votes_for_exactly_half(world):
    version = draft(world)
    with pytest.raises(ApplicationError) as exc:
        adopt(version, world.staff_a, attendance=60, votes_for=30, votes_against=20, votes_abstain=10)
    assert "SR-1" in refused(exc, "sr1_majority_required", "votes_for").message


def test_sr1_passes_with_half_plus_one(world):
    version = draft(world)
    adopt(version, world.staff_a, attendance=61, votes_for=31, votes_against=20, votes_abstain=10)
    version.refresh_from_db()
    assert version.state == "adopted" and version.votes_for == 31


def test_sr1_refuses_votes_exceeding_attendance(world):
    version = draft(world)
    with pytest.raises(ApplicationError) as exc:
        adopt(version, world.staff_a, attendance=50, votes_for=40, votes_against=6, votes_abstain=5)
    refused(exc, "votes_exceed_attendance", "attendance")


def test_sr1_accepts_votes_equal_to_attendance(world):
    version = draft(world)
    adopt(version, world.staff_a, attendance=51, votes_for=40, votes_against=6, votes_abstain=5)


def test_it_refuses_a_meeting_in_the_future(world):
    version = draft(world)
    with pytest.raises(ApplicationError) as exc:
        adopt(version, world.staff_a, meeting_on=today() + dt.timedelta(days=1))
    refused(exc, "date_in_future", "meeting_on")


@pytest.mark.parametrize(("field", "value"), [("meeting", " "), ("resolution", "")])
def test_it_names_the_missing_adoption_field(world, field, value):
    version = draft(world)
    with pytest.raises(ApplicationError) as exc:
        adopt(version, world.staff_a, **{field: value})
    refused(exc, "required", field)


def test_it_refuses_to_edit_a_draft_once_adopted(world):
    version = draft(world)
    adopt(version, world.staff_a)
    with pytest.raises(ApplicationError) as exc:
        services.norm_draft_edit(
            actor=world.staff_a,
            version=version,
            kind=NormKind.CONVENTION,
            title="改",
            code="",
            text="改",
            scope="",
            issued_on=None,
            effective_on=None,
            now=clock.now(),
        )
    assert refused(exc, "version_adopted").status == 409


# -- publication ---------------------------------------------------------------------------------------------


def test_it_publishes_only_adopted_versions(world):
    version = draft(world)
    with pytest.raises(ApplicationError) as exc:
        services.norm_publish(actor=world.staff_a, version=version, now=clock.now())
    assert "SR-1" in refused(exc, "sr1_not_adopted").message


def test_it_publishes_an_adopted_version_as_the_current_text(world):
    now = clock.now()
    version = draft(world)
    adopt(version, world.staff_a)
    services.norm_publish(actor=world.staff_a, version=version, now=now)
    norm = Norm.objects.get(pk=version.norm_id)
    version.refresh_from_db()
    assert norm.current == version and norm.published_at == now
    assert version.published_at == now and version.published_by == world.staff_a
    assert version.issued_on == clock.local_date(now)
    assert AuditEntry.objects.filter(action="selfregulation.norm.published", object_id=str(norm.pk)).exists()


def test_it_requires_scope_and_effective_date_to_publish_a_group_standard(world):
    version = standard(world, effective_on=None)
    adopt(version, world.staff_a, organ=Organ.COUNCIL)
    with pytest.raises(ApplicationError) as exc:
        services.norm_publish(actor=world.staff_a, version=version, now=clock.now())
    refused(exc, "required", "effective_on")


# -- amendment: a published version is never changed -------------------------------------------------------------


def test_it_refuses_to_amend_a_published_version_in_place(world):
    norm = published(world)
    with pytest.raises(ApplicationError) as exc:
        services.norm_draft_edit(
            actor=world.staff_a,
            version=norm.current,
            kind=norm.kind,
            title=norm.title,
            code="",
            text="篡改后的正文",
            scope="",
            issued_on=None,
            effective_on=None,
            now=clock.now(),
        )
    error = refused(exc, "version_published")
    assert error.status == 409 and error.extra["rule_id"] == "DIS-4"
    with pytest.raises(ApplicationError) as exc:
        services.norm_discard(actor=world.staff_a, version=norm.current, now=clock.now())
    refused(exc, "version_published")
    assert NormVersion.objects.get(pk=norm.current_id).text == TEXT


def test_the_database_refuses_to_update_a_published_version(world):
    norm = published(world)
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        NormVersion.objects.filter(pk=norm.current_id).update(text="x")
    assert NormVersion.objects.get(pk=norm.current_id).text == TEXT


def test_it_amends_by_a_new_version_and_keeps_the_old_one(world):
    norm = published(world)
    first = norm.current
    v2 = amend(norm, world.staff_a)
    assert v2.number == 2 and v2.state == "draft" and v2.reason.startswith("增加")
    adopt(v2, world.staff_a)
    services.norm_publish(actor=world.staff_a, version=v2, now=clock.now())
    norm.refresh_from_db()
    assert norm.current == v2
    first.refresh_from_db()
    assert first.published_at is not None and first.text == TEXT
    assert list(norm.versions.values_list("number", flat=True)) == [2, 1]
    assert AuditEntry.objects.filter(action="selfregulation.norm.amended", object_id=str(norm.pk)).exists()


def test_it_requires_a_reason_to_amend(world):
    norm = published(world)
    with pytest.raises(ApplicationError) as exc:
        amend(norm, world.staff_a, reason="  ")
    refused(exc, "required", "reason")


def test_it_allows_one_unpublished_version_at_a_time(world):
    norm = published(world)
    amend(norm, world.staff_a)
    with pytest.raises(ApplicationError) as exc:
        amend(norm, world.staff_a, reason="再次修订")
    assert refused(exc, "pending_version_exists").status == 409


def test_it_refuses_to_amend_a_norm_never_published(world):
    version = draft(world)
    with pytest.raises(ApplicationError) as exc:
        amend(version.norm, world.staff_a)
    refused(exc, "norm_not_published")


def test_it_keeps_a_published_norms_name_in_an_amendment_draft(world):
    norm = published(world)
    v2 = amend(norm, world.staff_a)
    with pytest.raises(ApplicationError) as exc:
        services.norm_draft_edit(
            actor=world.staff_a,
            version=v2,
            kind=norm.kind,
            title="改名",
            code="",
            text="新正文",
            scope="",
            issued_on=None,
            effective_on=None,
            reason="理由",
            now=clock.now(),
        )
    refused(exc, "heading_frozen", "title")


def test_it_discards_an_amendment_draft_and_keeps_the_norm(world):
    norm = published(world)
    v2 = amend(norm, world.staff_a)
    assert services.norm_discard(actor=world.staff_a, version=v2, now=clock.now()) == norm
    assert list(norm.versions.values_list("number", flat=True)) == [1]


# -- repeal -----------------------------------------------------------------------------------------------------


def repeal(norm: Norm, actor: Any, **kw: Any) -> Norm:
    fields: dict[str, Any] = {
        "repealed_on": today(),
        "organ": Organ.ASSEMBLY,
        "resolution": "济建协〔2026〕9号",
        "reason": "已被新版公约取代",
    }
    fields.update(kw)
    return services.norm_repeal(actor=actor, norm=norm, now=clock.now(), **fields)


def test_it_repeals_a_norm_which_stays_with_date_and_reason(world):
    norm = published(world)
    repeal(norm, world.staff_a)
    norm.refresh_from_db()
    assert norm.is_repealed and norm.repealed_on == today() and norm.repeal_reason == "已被新版公约取代"
    assert norm.current is not None
    assert AuditEntry.objects.filter(action="selfregulation.norm.repealed", object_id=str(norm.pk)).exists()


def test_sr1_refuses_to_repeal_a_convention_by_the_council(world):
    norm = published(world)
    with pytest.raises(ApplicationError) as exc:
        repeal(norm, world.staff_a, organ=Organ.COUNCIL)
    assert "SR-1" in refused(exc, "sr1_assembly_required", "organ").message


def test_it_cannot_amend_or_repeal_again_after_repeal(world):
    norm = published(world)
    repeal(norm, world.staff_a)
    with pytest.raises(ApplicationError) as exc:
        amend(norm, world.staff_a)
    refused(exc, "norm_repealed")
    with pytest.raises(ApplicationError) as exc:
        repeal(norm, world.staff_a)
    refused(exc, "norm_repealed")


def test_it_refuses_a_repeal_in_the_future_or_without_reason(world):
    norm = published(world)
    with pytest.raises(ApplicationError) as exc:
        repeal(norm, world.staff_a, repealed_on=today() + dt.timedelta(days=1))
    refused(exc, "date_in_future", "repealed_on")
    with pytest.raises(ApplicationError) as exc:
        repeal(norm, world.staff_a, reason="")
    refused(exc, "required", "reason")


def test_it_refuses_to_repeal_while_an_amendment_is_pending(world):
    norm = published(world)
    amend(norm, world.staff_a)
    with pytest.raises(ApplicationError) as exc:
        repeal(norm, world.staff_a)
    refused(exc, "pending_version_exists")


def test_staff_of_another_association_cannot_act_on_a_norm(world):
    norm = published(world)
    with pytest.raises(PermissionDenied):
        amend(norm, world.staff_b)
    with pytest.raises(PermissionDenied):
        repeal(norm, world.officer_jinan)


# -- integrity body --------------------------------------------------------------------------------------------


def body(world: Any, actor: Any = None, **kw: Any) -> IntegrityBody:
    fields: dict[str, Any] = {
        "name": "自律与诚信建设工作委员会",
        "established_on": dt.date(2024, 3, 1),
        "head": "王五",
        "members": "王五（副会长）、赵六（秘书长）",
        "duties": "组织制定行规行约，受理违反自律规范的投诉",
        "contact": "0531-88880000",
    }
    fields.update(kw)
    return services.integrity_body_set(
        actor=actor or world.staff_a, organization=world.org_a, now=clock.now(), **fields
    )


def test_it_records_and_updates_the_integrity_body_with_a_diff(world):
    created = body(world)
    updated = body(world, head="钱七")
    assert created.pk == updated.pk and updated.head == "钱七"
    entries = list(AuditEntry.objects.filter(action="selfregulation.integrity_body.set").order_by("seq"))
    assert len(entries) == 2
    assert entries[1].changes == {"head": {"before": "王五", "after": "钱七"}}


def test_it_refuses_a_personal_mobile_as_the_public_contact(world):
    with pytest.raises(ApplicationError) as exc:
        body(world, contact="13800001111")
    refused(exc, "personal_contact", "contact")


def test_only_the_associations_staff_record_its_integrity_body(world):
    with pytest.raises(PermissionDenied):
        body(world, actor=world.staff_b)
