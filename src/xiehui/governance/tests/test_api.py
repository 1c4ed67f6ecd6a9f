"""Governance on the data port: the same permissions as the web; identity numbers only masked."""

from __future__ import annotations

import pytest

from xiehui.conftest import NOW
from xiehui.core import clock, engine
from xiehui.core.testing import follow_cursor
from xiehui.governance import services
from xiehui.governance.models import Appointment, OrganKind, Post
from xiehui.supervision.models import Flag

from .builders import D, audit, idn, nominate, organs, resolution, serve, term

pytestmark = pytest.mark.django_db
API = "/api/v1"


def setup(world):  # type: ignore[no-untyped-def]
    o = organs(world.org_a)
    t = term(world.org_a, D(2020, 6, 30), D(2025, 6, 30))
    a = serve(world.org_a, t, name="王会长")
    engine.tick(as_of=clock.today(), org_ids=[world.org_a.pk], now=NOW)
    return o, t, a


def test_public_reads_show_names_never_identity_numbers(world, as_user):
    _, _, a = setup(world)
    uscc = world.org_a.uscc
    client = as_user(None)
    organs_ = client.get(f"{API}/organizations/{uscc}/organs").json()
    assert {o["kind"] for o in organs_} >= {"assembly", "council"}
    terms = client.get(f"{API}/organizations/{uscc}/terms").json()
    assert terms[0]["overdue"] is True and "届满" in terms[0]["status_facts"]
    leaders = client.get(f"{API}/organizations/{uscc}/leaders")
    assert leaders.json()[0]["name"] == "王会长"
    assert (
        a.person.id_number_masked not in leaders.content.decode() and a.person.id_number not in leaders.content.decode()
    )


@pytest.mark.parametrize(
    "path", ["appointments", "audits", "meetings", "resolutions", "charter-versions", "cooperation-matters"]
)
@pytest.mark.parametrize(
    "who,status",
    [
        ("staff_a", 200),
        ("officer_jinan", 200),
        ("officer_province", 200),
        ("staff_b", 404),
        ("officer_qingdao", 404),
        ("member", 404),
        ("department", 404),
        (None, 401),
    ],
)
def test_internal_reads_access_matrix(world, as_user, path, who, status):
    setup(world)
    client = as_user(getattr(world, who) if who else None)
    assert client.get(f"{API}/organizations/{world.org_a.uscc}/{path}").status_code == status


def test_appointments_list_masks_the_identity_number(world, as_user, django_assert_max_num_queries):
    _, t, a = setup(world)
    for i in range(5):
        serve(world.org_a, t, name=f"理事{i}", seq=10 + i, post=Post.COUNCIL_MEMBER)
    client = as_user(world.officer_jinan)
    with django_assert_max_num_queries(12):
        response = client.get(f"{API}/organizations/{world.org_a.uscc}/appointments")
    body = response.json()
    assert body["count"] == 6 and body["items"][0]["id_number_masked"]
    assert a.person.id_number not in response.content.decode()


@pytest.mark.parametrize("who,status", [("staff_b", 404), ("officer_jinan", 403), ("member", 404), (None, 401)])
def test_writes_refused_for_everyone_but_the_staff(world, as_user, who, status):
    setup(world)
    client = as_user(getattr(world, who) if who else None)
    url = f"{API}/organizations/{world.org_a.uscc}/audits"
    payload = {
        "occasion": "reelection",
        "auditor": "所",
        "report_number": "1",
        "period_start": "2024-01-01",
        "period_end": "2024-12-31",
        "reported_on": "2025-03-01",
    }
    assert client.post(url, payload, content_type="application/json").status_code == status


def test_nominate_refused_with_the_rule_id_and_then_accepted(world, as_user):
    _, t, _ = setup(world)
    client = as_user(world.staff_a)
    url = f"{API}/organizations/{world.org_a.uscc}/appointments"
    payload = {
        "term_id": t.pk,
        "post": "vice_president",
        "name": "现职",
        "id_number": idn(D(1975, 1, 1), 7),
        "official_status": "serving",
        "on": "2020-06-30",
    }
    response = client.post(url, payload, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "GOV-2"
    payload["official_status"] = "none"
    response = client.post(url, payload, content_type="application/json")
    assert response.status_code == 201
    out = response.json()
    assert (
        out["status"] == "nominated" and out["id_number_masked"].startswith("3701") and "*" in out["id_number_masked"]
    )
    assert payload["id_number"] not in response.content.decode()
    confirm = client.post(f"{url}/{out['id']}/confirm", {"starts_on": "2020-07-01"}, content_type="application/json")
    assert confirm.status_code == 200 and confirm.json()["status"] == "serving"
    end = client.post(
        f"{url}/{out['id']}/end", {"ends_on": "2024-07-01", "reason": "辞职"}, content_type="application/json"
    )
    assert end.status_code == 200 and end.json()["status"] == "ended"


def test_terms_extension_resolutions_charter_and_cooperation_through_the_api(world, as_user):
    o, t, _ = setup(world)
    client = as_user(world.staff_a)
    base = f"{API}/organizations/{world.org_a.uscc}"
    r = client.post(
        f"{base}/resolutions",
        {
            "organ_id": o[OrganKind.ASSEMBLY].pk,
            "matter": "term_extension",
            "title": "延期",
            "decision": "延期半年",
            "votes_for": 59,
            "present": 90,
            "entitled": 90,
            "passed": True,
            "adopted_on": "2025-06-01",
        },
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["number"] == "2025-1"
    ext = {
        "extended_to": "2025-12-31",
        "reason": "换届筹备",
        "resolution_id": r.json()["id"],
        "approval_document": "济民函〔2025〕9号",
        "approved_on": "2025-06-20",
    }
    refused = client.post(f"{base}/terms/{t.pk}/extension", ext, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "GOV-3" and "赞成59票" in refused.json()["detail"]
    gov6 = client.post(
        f"{base}/resolutions",
        {
            "organ_id": o[OrganKind.COUNCIL].pk,
            "title": "分配",
            "decision": "分配结余",
            "votes_for": 20,
            "present": 20,
            "entitled": 30,
            "passed": True,
            "adopted_on": "2025-06-01",
            "distributes_income": True,
        },
        content_type="application/json",
    )
    assert gov6.status_code == 400 and gov6.json()["code"] == "GOV-6"
    charter = resolution(world.org_a, o[OrganKind.ASSEMBLY], matter="charter")
    cv = client.post(
        f"{base}/charter-versions",
        {
            "text": "章程",
            "resolution_id": charter.pk,
            "effective_on": "2026-03-01",
            "parameters": {"GOV-5.important": "standing_council"},
        },
        content_type="application/json",
    )
    assert cv.status_code == 201 and cv.json()["version"] == 1
    coop = client.post(
        f"{base}/cooperation-matters",
        {"title": "共建", "partner": "大学", "importance": "important", "on": "2026-03-02", "routed_to": "council"},
        content_type="application/json",
    )
    assert coop.status_code == 400 and coop.json()["code"] == "GOV-5"
    coop = client.post(
        f"{base}/cooperation-matters",
        {"title": "共建", "partner": "大学", "importance": "important", "on": "2026-03-02"},
        content_type="application/json",
    )
    assert coop.status_code == 201 and coop.json()["routed_to"] == "standing_council"
    organ = client.put(f"{base}/organs/supervisors", {"size": 3}, content_type="application/json")
    assert organ.status_code == 200 and organ.json()["size"] == 3
    new_term = client.post(
        f"{base}/terms", {"starts_on": "2025-07-01", "ends_on": "2030-07-02"}, content_type="application/json"
    )
    assert new_term.status_code == 400 and new_term.json()["code"] == "GOV-1"


def test_console_flags_for_officers_only_within_jurisdiction(world, as_user, django_assert_max_num_queries):
    setup(world)
    url = f"{API}/console/governance/flags"
    client = as_user(world.officer_jinan)
    with django_assert_max_num_queries(10):
        jinan = client.get(url).json()
    assert jinan["count"] >= 1 and {i["rule_id"] for i in jinan["items"]} >= {"GOV-3"}
    assert as_user(world.officer_qingdao).get(url).json()["count"] == 0
    assert as_user(world.officer_province).get(url + "?region=370100&rule_id=GOV-3").json()["count"] == 1
    assert as_user(world.staff_a).get(url).status_code == 403
    assert as_user(None).get(url).status_code == 401
    assert Appointment.objects.count() == 1


def test_confirming_a_second_president_of_the_term_is_a_409_problem(world, as_user):
    _, t, a = setup(world)
    client = as_user(world.staff_a)
    url = f"{API}/organizations/{world.org_a.uscc}/appointments"
    payload = {
        "term_id": t.pk,
        "post": "president",
        "name": "李",
        "id_number": idn(D(1970, 1, 1), 8),
        "on": "2021-01-01",
    }
    created = client.post(url, payload, content_type="application/json")
    assert created.status_code == 201
    response = client.post(
        f"{url}/{created.json()['id']}/confirm", {"starts_on": "2021-01-01"}, content_type="application/json"
    )
    assert response.status_code == 409 and response.json()["code"] == "post_occupied"
    assert Appointment.objects.get(pk=created.json()["id"]).status == "nominated"


def test_nominating_a_leader_of_another_association_with_other_facts_is_refused(world, as_user):
    setup(world)  # 王会长 (seq 1, born 1965-03-01) serves in org_a
    t_b = term(world.org_b, D(2020, 6, 30), D(2025, 6, 30))
    payload = {
        "term_id": t_b.pk,
        "post": "council_member",
        "name": "王会长",
        "id_number": idn(D(1965, 3, 1), 1),
        "official_status": "retired",
        "retired_on": "2019-01-01",
        "approval_document": "文号",
        "approved_on": "2020-01-01",
        "on": "2020-06-30",
    }
    response = as_user(world.staff_b).post(
        f"{API}/organizations/{world.org_b.uscc}/appointments", payload, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "leader_facts_locked"
    assert payload["id_number"] not in response.content.decode()


def test_every_list_follows_next_cursor_to_every_row_once(world, as_user):
    o, t, _ = setup(world)
    org = world.org_a
    for n in range(3):
        nominate(org, t, name=f"副会长{n}", seq=10 + n, post=Post.VICE_PRESIDENT)
        audit(org, D(2024, 3, 1 + n % 2), occasion="annual")  # two reports on one day: the id breaks the tie
        resolution(org, o[OrganKind.COUNCIL], title=f"议题{n}", adopted_on=D(2026, 3, 1))
        services.meeting_record(
            actor=world.staff_a,
            organization=org,
            organ=o[OrganKind.COUNCIL],
            title=f"理事会{n}",
            held_on=D(2026, 2, n + 1),
            now=NOW,
        )
        services.cooperation_matter_record(
            actor=world.staff_a,
            organization=org,
            title=f"共建{n}",
            partner="大学",
            importance="ordinary",
            on=D(2026, 3, 2),
            now=NOW,
        )
        Flag.objects.create(
            organization=org,
            key=f"GOV-1:test-{n}",
            rule_id="GOV-1",
            subject="任职",
            facts="超龄",
            raised_on=D(2026, 1, 1),
        )
    staff, base = as_user(world.staff_a), f"{API}/organizations/{org.uscc}"
    for path in ("appointments", "audits", "meetings", "resolutions", "cooperation-matters"):
        whole = staff.get(f"{base}/{path}", {"limit": 100}).json()
        assert whole["count"] >= 3 and whole["next_cursor"] is None
        assert follow_cursor(staff, f"{base}/{path}", {"limit": 2}) == whole["items"], path
    officer = as_user(world.officer_jinan)
    whole = officer.get(f"{API}/console/governance/flags", {"limit": 100}).json()
    assert (
        whole["count"] >= 4
        and follow_cursor(officer, f"{API}/console/governance/flags", {"limit": 2}) == whole["items"]
    )
