"""Norms and the integrity body on the data port /api/v1, over HTTP, for every actor."""

from __future__ import annotations

import datetime as dt

import pytest

from xiehui.core import clock
from xiehui.core.testing import follow_cursor
from xiehui.selfregulation import services_norms
from xiehui.selfregulation.models import Norm, NormKind, NormVersion, Organ

from .test_norms_services import TEXT, adopt, amend, body, draft, make_member, published, repeal, standard, today

pytestmark = pytest.mark.django_db
API = "/api/v1"


def send(c, method: str, url: str, data: dict | None = None):  # type: ignore[no-untyped-def]
    return getattr(c, method)(API + url, data or {}, content_type="application/json")


def problem(response, status: int, code: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.content[:400]
    assert response["Content-Type"].startswith("application/problem+json")
    data = response.json()
    if code is not None:
        assert data["code"] == code, data
    return data


DRAFT_IN = {"kind": "convention", "title": "济南市建筑业行业自律公约", "text": TEXT, "scope": "全体会员"}
ADOPT_IN = {
    "organ": "assembly",
    "meeting": "第三届会员代表大会第二次会议",
    "resolution": "济建协〔2026〕5号",
    "attendance": 60,
    "votes_for": 50,
    "votes_against": 5,
    "votes_abstain": 5,
}


def adopt_in(**kw) -> dict:  # type: ignore[no-untyped-def]
    return {**ADOPT_IN, "meeting_on": (today() - dt.timedelta(days=1)).isoformat(), **kw}


# -- the whole lifecycle ------------------------------------------------------------------------------------------


def test_staff_draft_adopt_publish_amend_and_repeal_through_the_api(world, as_user, client):
    c = as_user(world.staff_a)
    created = send(c, "post", f"/organizations/{world.org_a.uscc}/norms", DRAFT_IN)
    assert created.status_code == 201, created.content
    norm = created.json()
    assert norm["status"] == "draft" and norm["versions"] == [] and norm["pending"]["number"] == 1
    version_id = norm["pending"]["id"]
    patched = send(c, "patch", f"/norms/versions/{version_id}", {"scope": "本会全体会员单位"})
    assert patched.status_code == 200 and patched.json()["pending"]["scope"] == "本会全体会员单位"
    assert patched.json()["pending"]["text"] == TEXT
    adopted = send(c, "post", f"/norms/versions/{version_id}/adopt", adopt_in())
    assert adopted.status_code == 200 and adopted.json()["status"] == "adopted"
    done = send(c, "post", f"/norms/versions/{version_id}/publish")
    assert done.status_code == 200 and done.json()["status"] == "published" and done.json()["version"] == 1
    amended = send(
        c, "post", f"/norms/{norm['id']}/amend", {"reason": "增加禁止低价投标条款", "text": TEXT + "\n第三条"}
    )
    assert amended.status_code == 201
    v2 = amended.json()["pending"]
    assert v2["number"] == 2 and v2["scope"] == "本会全体会员单位" and v2["reason"] == "增加禁止低价投标条款"
    send(c, "post", f"/norms/versions/{v2['id']}/adopt", adopt_in())
    send(c, "post", f"/norms/versions/{v2['id']}/publish")
    public = client.get(f"{API}/organizations/{world.org_a.uscc}/norms/{norm['id']}").json()
    assert [v["number"] for v in public["versions"]] == [2, 1] and public["pending"] is None
    assert public["versions"][0]["reason"] == "增加禁止低价投标条款" and public["versions"][1]["organ"] == "assembly"
    repealed = send(
        c,
        "post",
        f"/norms/{norm['id']}/repeal",
        {"repealed_on": today().isoformat(), "organ": "assembly", "resolution": "济建协〔2026〕9号", "reason": "取代"},
    )
    assert repealed.status_code == 200 and repealed.json()["status"] == "repealed"
    assert repealed.json()["repeal_reason"] == "取代"
    problem(send(c, "post", f"/norms/{norm['id']}/amend", {"reason": "再改", "text": "x"}), 409, "norm_repealed")


# -- SR-1 and conflicts ---------------------------------------------------------------------------------------------


def test_sr1_refusal_names_the_rule_and_the_field(world, as_user):
    version = draft(world)
    c = as_user(world.staff_a)
    data = problem(send(c, "post", f"/norms/versions/{version.pk}/adopt", adopt_in(organ="council")), 400)
    assert data["code"] == "sr1_assembly_required" and data["field"] == "organ" and "SR-1" in data["detail"]
    assert data["errors"][0]["rule"] == "SR-1"
    half = problem(
        send(c, "post", f"/norms/versions/{version.pk}/adopt", adopt_in(votes_for=30, votes_against=25)), 400
    )
    assert half["field"] == "votes_for"
    over = problem(send(c, "post", f"/norms/versions/{version.pk}/adopt", adopt_in(attendance=59)), 400)
    assert over["field"] == "attendance"


def test_patch_on_an_adopted_or_published_version_answers_409(world, as_user):
    version = draft(world)
    adopt(version, world.staff_a)
    c = as_user(world.staff_a)
    problem(send(c, "patch", f"/norms/versions/{version.pk}", {"text": "改"}), 409, "version_adopted")
    services_norms.norm_publish(actor=world.staff_a, version=version, now=clock.now())
    data = problem(send(c, "patch", f"/norms/versions/{version.pk}", {"text": "篡改"}), 409, "version_published")
    assert "已" in data["detail"] and "发布" in data["detail"] and "修订" in data["detail"]
    assert NormVersion.objects.get(pk=version.pk).text == TEXT
    problem(send(c, "delete", f"/norms/versions/{version.pk}"), 409, "version_published")


def test_second_amendment_answers_409_with_a_clear_message(world, as_user):
    norm = published(world)
    amend(norm, world.staff_a)
    data = problem(
        send(as_user(world.staff_a), "post", f"/norms/{norm.pk}/amend", {"reason": "再改", "text": "x"}),
        409,
        "pending_version_exists",
    )
    assert "第 2 版" in data["detail"]


def test_group_standard_number_is_checked_and_unique(world, as_user):
    c = as_user(world.staff_a)
    url = f"/organizations/{world.org_a.uscc}/norms"
    data = {**DRAFT_IN, "kind": "group_standard", "title": "施工质量规范"}
    problem(send(c, "post", url, {**data, "code": "GB 1-2026"}), 400, "invalid_standard_code")
    first = send(c, "post", url, {**data, "code": "T/JNJZ 001-2026"})
    assert first.status_code == 201 and first.json()["code"] == "T/JNJZ 001—2026"
    problem(send(c, "post", url, {**data, "code": "T/JNJZ 001—2026"}), 409, "duplicate_code")


def test_staff_delete_a_draft(world, as_user):
    version = draft(world)
    response = send(as_user(world.staff_a), "delete", f"/norms/versions/{version.pk}")
    assert response.status_code == 204 and not Norm.objects.exists()


# -- who may write ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("member", 403), ("staff_b", 403), ("officer_jinan", 403), ("department", 403)],
)
def test_only_the_associations_staff_draft(world, as_user, who, status):
    c = as_user(None if who == "anonymous" else getattr(world, who))
    problem(send(c, "post", f"/organizations/{world.org_a.uscc}/norms", DRAFT_IN), status)
    assert not Norm.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 401),
        ("member", 404),
        ("staff_b", 404),
        ("officer_qingdao", 404),
        ("officer_jinan", 403),
        ("officer_province", 403),
    ],
)
def test_others_cannot_act_on_a_draft(world, as_user, who, status):
    version = draft(world)
    c = as_user(None if who == "anonymous" else getattr(world, who))
    problem(send(c, "patch", f"/norms/versions/{version.pk}", {"text": "改"}), status)
    problem(send(c, "post", f"/norms/versions/{version.pk}/adopt", adopt_in()), status)
    problem(send(c, "post", f"/norms/versions/{version.pk}/publish"), status)
    problem(send(c, "delete", f"/norms/versions/{version.pk}"), status)
    version.refresh_from_db()
    assert version.text == TEXT and version.adopted_at is None


@pytest.mark.parametrize(("who", "status"), [("anonymous", 401), ("staff_b", 403), ("officer_jinan", 403)])
def test_others_cannot_amend_or_repeal_a_published_norm(world, as_user, who, status):
    norm = published(world)
    c = as_user(None if who == "anonymous" else getattr(world, who))
    problem(send(c, "post", f"/norms/{norm.pk}/amend", {"reason": "改", "text": "x"}), status)
    repeal_in = {"repealed_on": today().isoformat(), "organ": "assembly", "resolution": "文", "reason": "因"}
    problem(send(c, "post", f"/norms/{norm.pk}/repeal", repeal_in), status)
    assert not Norm.objects.get(pk=norm.pk).is_repealed


# -- who may read ---------------------------------------------------------------------------------------------------


VISIBILITY = [
    ("anonymous", False),
    ("member", False),
    ("staff_a", True),
    ("staff_b", False),
    ("officer_jinan", True),
    ("officer_province", True),
    ("officer_qingdao", False),
    ("department", False),
]


@pytest.mark.parametrize(("who", "sees_draft"), VISIBILITY)
def test_drafts_are_404_for_all_but_own_staff_and_officers_in_jurisdiction(world, as_user, who, sees_draft):
    make_member(world)
    hidden = draft(world)
    norm = published(world, kind=NormKind.ETHICS, title="职业道德准则")
    pending = amend(norm, world.staff_a)
    c = as_user(None if who == "anonymous" else getattr(world, who))
    base = f"{API}/organizations/{world.org_a.uscc}/norms"
    assert c.get(f"{base}/{hidden.norm_id}").status_code == (200 if sees_draft else 404)
    shown = c.get(f"{base}/{norm.pk}").json()
    assert [v["number"] for v in shown["versions"]] == [1]
    assert (shown["pending"] is not None and shown["pending"]["id"] == pending.pk) is sees_draft
    listed = {item["id"] for item in c.get(base).json()["items"]}
    assert listed == ({hidden.norm_id, norm.pk} if sees_draft else {norm.pk})


def test_a_norm_is_read_under_its_own_association_only(world, client):
    norm = published(world)
    assert client.get(f"{API}/organizations/{world.org_b.uscc}/norms/{norm.pk}").status_code == 404


def test_public_list_filters_and_counts_queries(world, client, django_assert_max_num_queries):
    for i in range(5):
        published(world, kind=NormKind.INITIATIVE, title=f"倡议{i}")
    version = standard(world)
    adopt(version, world.staff_a, organ=Organ.COUNCIL)
    services_norms.norm_publish(actor=world.staff_a, version=version, now=clock.now())
    draft(world, title="内部草案")
    url = f"{API}/organizations/{world.org_a.uscc}/norms"
    with django_assert_max_num_queries(4):
        response = client.get(url)
    data = response.json()
    assert response.status_code == 200 and data["count"] == 6 and "内部草案" not in str(data)
    [item] = client.get(url, {"kind": "group_standard"}).json()["items"]
    assert item["code"] == "T/JNJZ 001—2026" and item["scope"] and item["effective_on"]
    assert [i["title"] for i in client.get(url, {"q": "T/JNJZ"}).json()["items"]] == ["装配式建筑施工质量验收规范"]
    page = client.get(url, {"limit": 2, "offset": 2}).json()
    assert len(page["items"]) == 2 and page["count"] == 6


def test_unknown_association_answers_404(world, client):
    problem(client.get(f"{API}/organizations/{'X' * 18}/norms"), 404)


# -- integrity body ---------------------------------------------------------------------------------------------------


def test_integrity_body_is_set_by_staff_and_read_by_anyone(world, as_user, client):
    url = f"{API}/organizations/{world.org_a.uscc}/integrity-body"
    problem(client.get(url), 404)
    data = {
        "name": "自律与诚信建设工作委员会",
        "established_on": "2024-03-01",
        "head": "王五",
        "duties": "受理违反自律规范的投诉",
        "contact": "0531-88880000",
    }
    problem(send(as_user(world.staff_b), "put", url.removeprefix(API), data), 403)
    problem(send(client, "put", url.removeprefix(API), data), 401)
    problem(send(as_user(world.staff_a), "put", url.removeprefix(API), {**data, "contact": "13800001111"}), 400)
    saved = send(as_user(world.staff_a), "put", url.removeprefix(API), data)
    assert saved.status_code == 200 and saved.json()["head"] == "王五"
    assert client.get(url).json()["name"] == "自律与诚信建设工作委员会"


def test_integrity_body_helper_matches_the_api(world, client):
    body(world)
    assert client.get(f"{API}/organizations/{world.org_a.uscc}/integrity-body").json()["organization_uscc"] == (
        world.org_a.uscc
    )


# -- input shape ------------------------------------------------------------------------------------------------------


def test_it_refuses_bodies_that_do_not_match_the_schema(world, as_user):
    version = draft(world)
    c = as_user(world.staff_a)
    problem(send(c, "patch", f"/norms/versions/{version.pk}", [None, None]), 422, "validation_error")  # type: ignore[arg-type]
    problem(send(c, "post", f"/norms/versions/{version.pk}/adopt", adopt_in(meeting_on=0)), 422, "validation_error")
    problem(send(c, "post", f"/norms/versions/{version.pk}/adopt", adopt_in(attendance="60")), 422, "validation_error")
    version.refresh_from_db()
    assert version.adopted_at is None and version.text == TEXT


def test_list_follows_next_cursor_to_every_norm_once(world, client):
    for i in range(4):
        published(world, kind=NormKind.INITIATIVE, title=f"倡议{i % 2}")  # titles repeat: the id breaks the tie
    repeal(published(world, title="旧公约"), world.staff_a)
    published(world, title="新公约")
    url = f"{API}/organizations/{world.org_a.uscc}/norms"
    whole = client.get(url, {"limit": 100}).json()
    assert whole["count"] == 6 and whole["next_cursor"] is None and whole["items"][-1]["title"] == "旧公约"
    assert follow_cursor(client, url, {"limit": 2}) == whole["items"]
