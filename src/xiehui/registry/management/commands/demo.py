"""`xiehui demo`: a realistic Shandong register and a login for every role, in a freshly migrated database.

Deterministic (fixed seed). Safe to run twice: when the demo users exist it says so and
does nothing. All demo users share the password `Xiehui-demo-2026`; two-factor roles get a
confirmed TOTP device with a fixed key whose base32 secret is printed at the end.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.oath import TOTP

from xiehui.core import clock, demo, engine
from xiehui.core.models import Industry, Level, Region, Role, User
from xiehui.core.services import department_create, totp_device_confirm, totp_device_enroll, user_create
from xiehui.registry import services
from xiehui.registry.bulk import BulkOrganization, organizations_bulk_load
from xiehui.registry.demo_data import RegisterGenerator, Trade, demo_totp_key, places
from xiehui.registry.models import Organization, OrganizationKind, OrganizationStatus, RegisteredItemChange

DEMO_PASSWORD = "Xiehui-demo-2026"
SEED = 20261123
LEVEL_COUNTS = {Level.PROVINCIAL: 200, Level.MUNICIPAL: 1000, Level.COUNTY: 800}
BATCH = 500

# Named bodies the demo staff work for: (authority, level, name, kind, trade stem, divisions).
FEATURED = [
    ("370000", Level.PROVINCIAL, "山东省物流与采购联合会", OrganizationKind.FEDERATION, "物流与采购", ("58", "59")),
    ("370100", Level.MUNICIPAL, "济南市建筑装饰协会", OrganizationKind.ASSOCIATION, "建筑装饰", ("50",)),
    ("370200", Level.MUNICIPAL, "青岛市软件行业协会", OrganizationKind.ASSOCIATION, "软件行业", ("65",)),
    ("371300", Level.MUNICIPAL, "临沂市温州商会", OrganizationKind.CHAMBER, "温州", ("51", "72")),
    ("370102", Level.COUNTY, "济南市历下区餐饮业协会", OrganizationKind.ASSOCIATION, "餐饮业", ("62",)),
]


@dataclass
class DemoUser:
    username: str
    role: str
    display_name: str
    can: str
    options: dict[str, Any] = field(default_factory=dict)
    works_for: str = ""


USERS = [
    DemoUser("admin", Role.ADMIN, "系统管理员", "管理后台 /django-admin/，全部数据"),
    DemoUser(
        "officer_sd",
        Role.OFFICER,
        "孙立新（山东省民政厅）",
        "省级登记审批、变更核准；全省登记库；导入",
        {"region": "370000", "level": Level.PROVINCIAL},
    ),
    DemoUser(
        "officer_jn",
        Role.OFFICER,
        "王静（济南市民政局）",
        "济南市级登记审批、变更核准；济南全市登记库；导入",
        {"region": "370100", "level": Level.MUNICIPAL},
    ),
    DemoUser(
        "officer_qd",
        Role.OFFICER,
        "刘海（青岛市民政局）",
        "青岛市级登记审批、变更核准；青岛全市登记库；导入",
        {"region": "370200", "level": Level.MUNICIPAL},
    ),
    DemoUser(
        "officer_lx",
        Role.OFFICER,
        "赵敏（济南市历下区民政局）",
        "历下区县级登记审批、变更核准；历下区登记库",
        {"region": "370102", "level": Level.COUNTY},
    ),
    DemoUser(
        "staff_wuliu",
        Role.STAFF,
        "张建国",
        "协会工作台：山东省物流与采购联合会；申请变更登记",
        works_for="山东省物流与采购联合会",
    ),
    DemoUser(
        "staff_jianzhuang",
        Role.STAFF,
        "李娜",
        "协会工作台：济南市建筑装饰协会；申请变更登记",
        works_for="济南市建筑装饰协会",
    ),
    DemoUser(
        "staff_ruanjian",
        Role.STAFF,
        "陈鹏",
        "协会工作台：青岛市软件行业协会；申请变更登记",
        works_for="青岛市软件行业协会",
    ),
    DemoUser("staff_shanghui", Role.STAFF, "周文", "协会工作台：临沂市温州商会", works_for="临沂市温州商会"),
    DemoUser(
        "staff_canyin", Role.STAFF, "吴婷", "协会工作台：济南市历下区餐饮业协会", works_for="济南市历下区餐饮业协会"
    ),
    DemoUser(
        "member",
        Role.MEMBER,
        "马强（会员企业代表）",
        "山东省物流与采购联合会会员代表：查看向会员公开的信息、评价协会；已提交一份成立登记申请（我的申请）",
    ),
    DemoUser(
        "public", Role.PUBLIC, "林晓（社会公众）", "评价协会（社会评价）；投诉举报；也可在 /accounts/signup/ 自行注册"
    ),
    DemoUser(
        "dept",
        Role.DEPARTMENT,
        "郭丽（山东省工业和信息化厅）",
        "业务部门：查询所辖行业协会数据（数据端口）",
        {"department": "山东省工业和信息化厅"},
    ),
    DemoUser("party", Role.PARTY, "孔庆（行业协会商会综合党委）", "党建工作人员：查询名录（党建功能随后续版本提供）"),
    DemoUser("expert", Role.EXPERT, "颜华（评估专家）", "评估专家：查询名录（等级评估功能随后续版本提供）"),
]

# Pending applications: (authority, level, name, kind, divisions, days since submission, filed by the member?).
APPLICATIONS = [
    ("370100", Level.MUNICIPAL, "济南市人工智能产业协会", OrganizationKind.ASSOCIATION, ["65"], 75, False),
    ("370100", Level.MUNICIPAL, "济南市预制菜产业促进会", OrganizationKind.PROMOTION, ["13", "14"], 12, False),
    ("370200", Level.MUNICIPAL, "青岛市低空经济促进会", OrganizationKind.PROMOTION, ["56"], 64, False),
    ("370200", Level.MUNICIPAL, "青岛市跨境电子商务协会", OrganizationKind.ASSOCIATION, ["64", "51"], 5, False),
    ("370000", Level.PROVINCIAL, "山东省工业互联网协会", OrganizationKind.ASSOCIATION, ["64", "65"], 90, False),
    ("370102", Level.COUNTY, "济南市历下区网络直播行业协会", OrganizationKind.ASSOCIATION, ["64"], 20, True),
    ("370102", Level.COUNTY, "济南市历下区宠物行业协会", OrganizationKind.ASSOCIATION, ["80"], 70, False),
]


class Command(BaseCommand):
    help = "Load the demo register (about 2,000 Shandong associations) and demo users; skipped if already loaded."

    def handle(self, *args: Any, **options: Any) -> None:
        existing = User.objects.filter(username__in=[u.username for u in USERS]).values_list("username", flat=True)
        if existing:
            self.stdout.write(f"演示数据已装入（用户 {sorted(existing)[0]} 已存在），跳过。")
            return
        if Organization.objects.exists():
            raise CommandError(
                "数据库中已有登记数据：演示数据只装入刚迁移、尚无数据的数据库（可删除 var/xiehui.sqlite3 后重试）。"
            )
        started = time.perf_counter()
        now = clock.now()
        with transaction.atomic():
            gen = _generator()
            self._load_register(gen, now)
            users = self._users()
            _applications(gen, now)
            _change_filings(gen, users, now)
            summaries = demo.run_all(users, now)
        self.stdout.write(
            f"演示数据已装入：{Organization.objects.count()} 个社会团体，用时 {time.perf_counter() - started:.1f} 秒。"
        )
        for line in summaries:
            self.stdout.write(f"  {line}")
        result = engine.tick(as_of=clock.local_date(now), now=now)
        effects = "，".join(f"{key} {n}" for key, n in sorted(result.counts.items()))
        self.stdout.write(f"规则引擎已按今日评估（xiehui tick）：{effects or '无效果'}。")
        self._print_logins(users)

    def _load_register(self, gen: RegisterGenerator, now: dt.datetime) -> None:
        records = _records(gen)
        for start in range(0, len(records), BATCH):
            organizations_bulk_load(
                actor=None,
                records=records[start : start + BATCH],
                now=now,
                source=RegisteredItemChange.Source.REGISTRATION,
            )
            self.stderr.write(f"\r登记库 {min(start + BATCH, len(records))}/{len(records)}", ending="")
        self.stderr.write("")

    def _users(self) -> dict[str, User]:
        users = {}
        department = department_create(
            actor=None,
            name="山东省工业和信息化厅",
            region=Region.objects.get(code="370000"),
            industry_codes=[f"{c:02d}" for c in range(13, 44)],
        )
        for spec in USERS:
            opts = spec.options
            user = user_create(
                actor=None,
                username=spec.username,
                password=DEMO_PASSWORD,
                role=spec.role,
                display_name=spec.display_name,
                email=f"{spec.username}@demo.xiehui.invalid",
                jurisdiction_region=Region.objects.get(code=opts["region"]) if "region" in opts else None,
                jurisdiction_level=opts.get("level", ""),
                department=department if "department" in opts else None,
            )
            if user.requires_two_factor:
                device = totp_device_enroll(user=user, key_hex=demo_totp_key(user.username))
                token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
                totp_device_confirm(user=user, device=device, token=f"{token:0{device.digits}d}")
            if spec.works_for:
                org = Organization.objects.get(name=spec.works_for)
                services.staff_assign(actor=None, user=user, organization=org, title="秘书长")
            users[spec.username] = user
        return users

    def _print_logins(self, users: dict[str, User]) -> None:
        self.stdout.write(f"\n演示账户（密码均为 {DEMO_PASSWORD}）：\n")
        self.stdout.write("| 用户名 | 角色 | 可以做什么 | TOTP 密钥（base32） |")
        self.stdout.write("|---|---|---|---|")
        for spec in USERS:
            user = users[spec.username]
            secret = (
                base64.b32encode(bytes.fromhex(demo_totp_key(spec.username))).decode()
                if user.requires_two_factor
                else "—"
            )
            self.stdout.write(f"| {spec.username} | {Role(spec.role).label} | {spec.can} | {secret} |")


def _generator() -> RegisterGenerator:
    rows = Region.objects.filter(code__startswith="37").values_list("code", "name", "full_name", "kind", "parent_id")
    sections = dict(Industry.objects.filter(kind=Industry.Kind.DIVISION).values_list("code", "section_id"))
    gen = RegisterGenerator(seed=SEED, places=places(list(rows)), industry_sections=sections)
    for authority, _, name, *_ in APPLICATIONS:
        gen.taken.add(gen.name_key(authority, name))
    return gen


def _records(gen: RegisterGenerator) -> list[BulkOrganization]:
    """The featured bodies first, then the rest by level; each with its own legal representative (REG-4)."""
    serials: dict[str, int] = {}

    def make(level: str, authority: str | None = None, fixed: tuple[str, str, Trade] | None = None) -> BulkOrganization:
        place = gen.places[authority] if authority else gen.authority(level)
        serials[place.code] = serials.get(place.code, 0) + 1
        rep = gen.random_identity(city=place.city if level != Level.PROVINCIAL else "3701")
        return gen.organization(
            level=level, uscc_body=f"MJ{serials[place.code]:06d}", representative=rep, authority=place, fixed_name=fixed
        )

    records = []
    for authority, level, name, kind, stem, divisions in FEATURED:
        record = make(level, authority, (name, kind, Trade(stem, divisions, 1.0)))
        records.append(
            dataclasses.replace(
                record,
                status=OrganizationStatus.REGISTERED,
                status_changed_on=None,
                registered_on=min(record.registered_on, dt.date(2015, 6, 30)),
            )
        )
    for level, count in LEVEL_COUNTS.items():
        already = sum(1 for r in records if r.level == level)
        records.extend(make(level) for _ in range(count - already))
    return records


def _applications(gen: RegisterGenerator, now: dt.datetime) -> None:
    member = User.objects.get(username="member")
    for authority, level, name, kind, divisions, days_ago, by_member in APPLICATIONS:
        place = gen.places[authority]
        rep_name, rep_id = gen.random_identity(city=place.city)
        region = place if level == Level.COUNTY else gen.domicile_region(place, level)
        data = services.ApplicationInput(
            name=name,
            kind=kind,
            level=level,
            authority_region=Region.objects.get(code=authority),
            region=Region.objects.get(code=region.code),
            domicile=gen.address(region),
            industries=list(Industry.objects.filter(code__in=divisions)),
            business_scope=f"开展{_trade_words(name, place.prefix)}领域行业自律、调查研究、培训交流和咨询服务。",
            legal_representative=services.PersonInput(rep_name, rep_id),
            activity_funds=Decimal("100000"),
            individual_members=0,
            unit_members=36,
            fulltime_staff=2,
            premises=f"{gen.address(region)}3层",
            contact_name=gen.person_name(male=True),
            contact_phone=gen.phone(region),
        )
        services.application_submit(
            actor=member if by_member else None, data=data, now=now - dt.timedelta(days=days_ago)
        )


def _change_filings(gen: RegisterGenerator, users: dict[str, User], now: dt.datetime) -> None:
    today = clock.local_date(now)
    filings = [
        (
            "staff_jianzhuang",
            10,
            services.ChangeInput(
                reason="会员大会决议迁址", decided_on=today, domicile="山东省济南市历下区经十路 15982 号"
            ),
        ),
        (
            "staff_ruanjian",
            45,
            services.ChangeInput(
                reason="理事会决议扩大业务范围",
                decided_on=today,
                business_scope="软件和信息技术服务业行业自律、标准制定、人才培养、数据安全合规咨询、展览展示。",
            ),
        ),
        (
            "staff_wuliu",
            5,
            services.ChangeInput(
                reason="换届选举产生新任会长",
                decided_on=today,
                legal_representative=services.PersonInput(*gen.random_identity(city="3701", latest_birth_year=1990)),
            ),
        ),
    ]
    for username, days_ago, data in filings:
        user = users[username]
        data.decided_on = today - dt.timedelta(days=days_ago)
        org = Organization.objects.get(staff__user=user)
        services.change_filing_submit(actor=user, organization=org, data=data, now=now)


def _trade_words(name: str, prefix: str) -> str:
    core = name.removeprefix(prefix)
    for suffix in ("促进会", "联合会", "协会", "商会"):
        core = core.removesuffix(suffix)
    return core
