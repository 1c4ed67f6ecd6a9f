"""The fixed test world (conventions.md "Testing").

Two associations in two cities (济南 and 青岛), an officer of each city, a
provincial officer, staff of each association, a member representative, a
department user, and the anonymous visitor (a plain client). Officers are
two-factor verified by `login()`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from xiehui.core import clock
from xiehui.core.codes import make_uscc
from xiehui.core.models import Department, Industry, Level, Region, Role, User
from xiehui.core.services import user_create
from xiehui.registry import services as registry_services
from xiehui.registry.models import Organization, RegisteredItemChange, RegistrationApplication

PASSWORD = "Xiehui-test-2026!"
# Valid resident identity numbers (GB 11643 check digits) for test persons.
ID_NUMBERS = [
    "37010219900101001X",
    "37020219910202001X",
    "370103199203030015",
    "370104199004040014",
    "37010519930505001X",
    "370112199406060018",
    "370102199207070018",
    "370202199512120013",
    "370102199608080014",
    "370203199709090010",
]
NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=clock.SHANGHAI)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):  # type: ignore[no-untyped-def]
    """Argon2 is deliberately slow; the suite hashes with MD5 (never used outside tests)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def login(client: Client, user: User) -> Client:
    """Log in; for two-factor roles, also mark the session verified with a confirmed TOTP device."""
    client.force_login(user)
    if user.requires_two_factor:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="test", confirmed=True
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def make_org(
    *, uscc_body: str, name: str, authority: str, level: str, region_code: str, rep: int, actor: User | None = None
) -> Organization:
    return registry_services.organization_record(
        actor=actor,
        data=registry_services.OrganizationRecord(
            uscc=make_uscc(region_code=authority, body=uscc_body),
            name=name,
            kind="association",
            level=level,
            authority_region=region(authority),
            region=region(region_code),
            domicile=f"{name}办公楼 1 号",
            industries=list(Industry.objects.filter(code__in=["47", "48"])),
            business_scope="行业自律、行业服务",
            legal_representative=registry_services.PersonInput(f"代表{rep}", ID_NUMBERS[rep]),
            activity_funds=Decimal("300000.00"),
            registered_on=dt.date(2015, 6, 1),
            fulltime_staff=3,
        ),
        now=NOW,
        source=RegisteredItemChange.Source.IMPORT,
    )


def submit_application(
    name: str = "济南市智能制造协会", *, actor: User | None = None, now: dt.datetime = NOW, **overrides
) -> RegistrationApplication:
    """A complete application (REG-1 met) to the 济南市 municipal authority."""
    data: dict[str, Any] = dict(
        name=name,
        kind="association",
        level=Level.MUNICIPAL,
        authority_region=region("370100"),
        region=region("370103"),
        domicile="市中区经十路 1 号",
        industries=list(Industry.objects.filter(code="34")),
        business_scope="行业自律",
        legal_representative=registry_services.PersonInput("张三", ID_NUMBERS[2]),
        activity_funds=Decimal("50000"),
        individual_members=0,
        unit_members=35,
        fulltime_staff=2,
        premises="经十路 1 号 201 室",
        contact_name="李四",
        contact_phone="13800001111",
    )
    data.update(overrides)
    return registry_services.application_submit(
        actor=actor,
        data=registry_services.ApplicationInput(**data),
        now=now,  # type: ignore[arg-type]
    )


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    class World:
        pass

    w = World()
    w.org_a = make_org(
        uscc_body="MJ000001",
        name="济南市建筑业协会",
        authority="370100",
        level=Level.MUNICIPAL,
        region_code="370102",
        rep=0,
    )
    w.org_b = make_org(
        uscc_body="MJ000002",
        name="青岛市软件行业协会",
        authority="370200",
        level=Level.MUNICIPAL,
        region_code="370202",
        rep=1,
    )

    def user(username: str, role: str, **kw):  # type: ignore[no-untyped-def]
        return user_create(actor=None, username=username, password=PASSWORD, role=role, display_name=username, **kw)

    w.officer_jinan = user(
        "officer_jinan", Role.OFFICER, jurisdiction_region=region("370100"), jurisdiction_level=Level.MUNICIPAL
    )
    w.officer_qingdao = user(
        "officer_qingdao", Role.OFFICER, jurisdiction_region=region("370200"), jurisdiction_level=Level.MUNICIPAL
    )
    w.officer_province = user(
        "officer_province", Role.OFFICER, jurisdiction_region=region("370000"), jurisdiction_level=Level.PROVINCIAL
    )
    w.staff_a = user("staff_a", Role.STAFF)
    w.staff_b = user("staff_b", Role.STAFF)
    registry_services.staff_assign(actor=None, user=w.staff_a, organization=w.org_a, title="秘书长")
    registry_services.staff_assign(actor=None, user=w.staff_b, organization=w.org_b, title="秘书长")
    w.member = user("member", Role.MEMBER)
    dept = Department.objects.create(name="济南市工业和信息化局", region=region("370100"))
    w.department = user("department", Role.DEPARTMENT, department=dept)
    return w


@pytest.fixture
def as_user(client):  # type: ignore[no-untyped-def]
    """`as_user(user)` gives a logged-in (and, for officers, verified) client."""

    def make(user: User | None) -> Client:
        c = Client()
        return login(c, user) if user is not None else c

    return make
