"""Realistic, deterministic register data for Shandong: names, legal representatives, addresses.

Used by `xiehui demo` (about 2,000 bodies) and `xiehui synth` (up to millions). Everything
comes from one `random.Random(seed)`, so a seed gives the same register every time.

Names follow the real pattern: region name + (qualifier) + trade words + kind suffix, e.g.
济南市建筑装饰协会, 青岛市软件行业协会, 山东省物流与采购联合会, 临沂市温州商会. The trade
weights keep 2-character terms as dense or sparse as on a real register: 协会 is in
about three names of four, 建筑 in a few per cent.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import itertools
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from stdnum import numdb
from stdnum.cn import ric

from xiehui.core.codes import make_uscc
from xiehui.core.models import Level

from .bulk import BulkOrganization
from .models import DecouplingItem, OrganizationKind, OrganizationStatus


@dataclass(frozen=True)
class Trade:
    stem: str  # the trade words as they stand in a name, before the suffix
    divisions: tuple[str, ...]  # GB/T 4754-2017 divisions (大类) the body serves
    weight: float
    chamber: bool = False  # also found as an industry chamber (…商会)


def _trades(spec: str) -> tuple[Trade, ...]:
    """`stem divisions weight [C]` per line; divisions separated by commas."""
    out = []
    for line in spec.strip().splitlines():
        parts = line.split()
        out.append(Trade(parts[0], tuple(parts[1].split(",")), float(parts[2]), len(parts) > 3))
    return tuple(out)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Associations (…协会). Weights are relative frequencies on a provincial register.
ASSOCIATION_TRADES = _trades("""
蔬菜 01 1.2 C
果品 01 0.6
苹果产业 01 0.3
茶叶 01,15 0.5 C
种子 01,05 0.5
花卉 01 0.4
中药材 01,27 0.4
林业产业 02 0.3
畜牧业 03 0.8
奶业 03,14 0.3
家禽业 03 0.3
渔业 04 0.4
水产 04,13 0.5 C
农业机械化 05,35 0.4
农资 51 0.4 C
农业产业化龙头企业 01,13 0.6
家庭农场 01 0.3
煤炭工业 06 0.3
黄金 09 0.2
石材 10,30 0.3 C
食品工业 13,14 0.8
粮食行业 13 0.5
粮油 13,51 0.3 C
肉类 13 0.3
酒业 15 0.4 C
纺织 17 0.4
服装 18 0.6 C
鞋业 19 0.2 C
木业 20 0.3
家具 21 0.6 C
造纸 22 0.2
印刷行业 23 0.4
包装技术 22,29 0.3
工艺美术 24 0.3
石油化工 25,26 0.3
化工行业 26 0.6
医药行业 27 0.6
医疗器械 35 0.3
橡胶行业 29 0.2
塑料 29 0.2
建材行业 30 0.5 C
水泥 30 0.2
陶瓷 30 0.2
混凝土行业 30 0.3
钢铁 31 0.2 C
有色金属 32 0.2
五金 33 0.3 C
机械工业 34,35 0.6
模具 35 0.2
汽车行业 36 0.4 C
汽车零部件 36 0.2
船舶工业 37 0.1
电动自行车 37 0.2
电器行业 38 0.2 C
太阳能行业 38 0.2
电子信息行业 39 0.4
仪器仪表 40 0.1
再生资源 42 0.3
电力行业 44 0.3
城镇供热 44 0.3
燃气 45 0.3
城镇供水排水 46 0.2
建筑业 47,48 2.0
建筑装饰 50 1.0
建筑节能 50,47 0.3
建筑安全 47 0.2
市政工程 48 0.4
园林绿化 48 0.4
安装行业 49 0.2
建设监理 74 0.3
消防 74 0.2
商业 51,52 0.8
连锁经营 52 0.3
医药商业 51 0.2
汽车流通 52 0.3
珠宝玉石 52,24 0.2 C
电子商务 64,52 0.8
道路运输 54 0.5
出租汽车 54 0.3
物流 58,59 0.8
快递 60 0.3
冷链物流 59 0.2
机动车驾驶员培训 83 0.2
国际货运代理 58 0.1
餐饮业 62 1.0 C
烹饪餐饮行业 62 0.5
饭店 61,62 0.4
旅游饭店 61 0.2
民宿 61 0.2
软件行业 65 0.7
信息化 65 0.3
互联网 64 0.4
大数据产业 65,64 0.2
通信行业 63 0.2
网络安全 65 0.1
动漫游戏 65,88 0.1
银行业 66 0.2
保险行业 68 0.2
证券期货业 67 0.1
小额贷款公司 66 0.2
融资担保 69 0.2
典当行业 66 0.1
房地产业 70 0.6
物业管理 70 0.6
房地产经纪 70 0.2
广告 72 0.4
会展业 72 0.3
人力资源服务 72 0.4
旅游 72 0.6
保安服务 72 0.2
企业家 72 0.3
外商投资企业 72 0.2
中小企业 72 0.3
拍卖行业 72 0.1
汽车租赁 71 0.1
工程咨询 74 0.3
勘察设计 74 0.4
测绘地理信息 74 0.2
检验检测 74 0.3
质量 74 0.2
标准化 74 0.1
计量测试 74 0.1
高新技术企业 75 0.3
环境保护产业 77 0.3
节能 77,74 0.2
城市环境卫生 78 0.2
家政服务 80 0.4
美容美发 80 0.3
洗染行业 80 0.1
婚庆行业 80 0.1
汽车维修 81 0.4
家电维修 81 0.1
民办教育 83 0.4
职业培训 83 0.2
社会办医 84 0.3
医药零售 52 0.2
养老服务 85 0.4
健康产业 84 0.2
文化产业 88 0.3
演出行业 88,90 0.2
体育产业 89 0.2
电影发行放映 87 0.1
互联网上网服务 90 0.1
""")
FEDERATION_TRADES = _trades("""
物流与采购 58,59 1.0
工业经济 34,39 0.6
企业 72 0.6
商业 51,52 0.6
纺织服装 17,18 0.4
农民专业合作社 01,05 0.4
旅游饭店业 61 0.2
建筑业企业 47,48 0.2
""")
PROMOTION_TRADES = _trades("""
民营经济发展 72 0.8
中小企业发展 72 0.6
品牌建设 72 0.5
电子商务 64,52 0.5
跨境电商 64,51 0.3
智能制造 34,35 0.4
新能源汽车产业 36 0.2
数字经济 64,65 0.4
绿色建筑 47,50 0.2
乡村旅游 72,61 0.3
预制菜产业 13,14 0.2
""")
SOCIETY_TRADES = _trades("""
银行同业公会 66 1.0
保险同业公会 68 0.8
典当同业公会 66 0.3
钱币同业公会 52 0.1
""")
# Home places of chambers of out-of-town merchants (异地商会).
PROVINCE_ORIGINS = _words(
    "浙江 江苏 福建 广东 河南 河北 安徽 江西 湖南 湖北 四川 重庆 山西 陕西 辽宁 吉林 黑龙江 "
    "内蒙古 云南 贵州 广西 甘肃 新疆 天津 北京 上海 香港"
)
CITY_ORIGINS = _words("温州 台州 宁波 义乌 晋江 泉州 莆田 福清 潮汕 苏州 徐州 阜阳 信阳 东北")
KIND_WEIGHTS = {
    OrganizationKind.ASSOCIATION: 0.72,
    OrganizationKind.CHAMBER: 0.15,
    OrganizationKind.PROMOTION: 0.06,
    OrganizationKind.FEDERATION: 0.05,
    OrganizationKind.SOCIETY: 0.02,
}
# Qualifiers that make names distinct on very large synthetic registers (synth only).
SPECIALTIES = _words(
    "质量 安全 标准化 信息化 科技 人才 品牌 诚信 文化 技术 企业家 青年企业家 女企业家 供应链 产业链 "
    "专家 国际合作 投资 金融服务 设计 职业经理人 节能 电子商务 人力资源 法律服务"
)
SUBAREAS = _words("高新区 经济开发区 综合保税区 临空经济区 新区 工业园区 自贸片区 港区 城区 北部 南部 东部 西部")

SURNAMES = _words(
    "王 张 李 刘 孙 杨 赵 陈 徐 高 马 郭 于 董 孟 朱 宋 吕 崔 王 张 李 刘 韩 田 周 吴 曹 姜 袁 魏 许 胡 "
    "郑 何 林 杜 邢 任 程 秦 丁 贾 薛 冯 邵 范 尹 石 孔 颜 曲 隋 宫 毕 单 庞 鞠 卢 梁 侯 潘"
)
GIVEN_MALE = _words(
    "伟 强 磊 军 勇 杰 涛 明 超 刚 平 辉 鹏 华 飞 鑫 波 斌 宇 浩 凯 健 俊 帆 旭 宁 龙 林 阳 建 国 峰 文 东 海 亮 庆"
)
GIVEN_FEMALE = _words("芳 娜 敏 静 丽 艳 娟 霞 燕 玲 婷 雪 慧 颖 琳 晶 洁 红 梅 莉 萍 倩 丹 蕾 岩 英 华 秀 艳 霞")
ROADS = _words(
    "人民路 解放路 建设路 文化路 和平路 胜利路 新华路 中山路 长江路 黄河路 泰山路 北京路 青年路 工业路 府前街 "
    "东风路 光明路 振兴路 幸福街 迎宾路 开发区大道 学府路 滨河路 科技路"
)
CITY_ROADS = {
    "3701": "经十路 泉城路 山大路 历山路 舜华路 工业南路 二环东路",
    "3702": "香港中路 东海西路 山东路 延安三路 海尔路 深圳路",
    "3706": "南大街 长江路 港城大街",
    "3707": "胜利街 东风街 北海路",
    "3713": "沂蒙路 通达路 北京路",
}
AREA_CODES = {
    "3701": "0531",
    "3702": "0532",
    "3703": "0533",
    "3714": "0534",
    "3706": "0535",
    "3707": "0536",
    "3708": "0537",
    "3709": "0538",
    "3713": "0539",
    "3717": "0530",
    "3716": "0543",
    "3705": "0546",
    "3710": "0631",
    "3704": "0632",
    "3711": "0633",
    "3715": "0635",
}
# Former supervising units by industry section, for decoupling evidence (REG-7).
SUPERVISORS = {
    "A": "农业农村",
    "B": "自然资源",
    "C": "工业和信息化",
    "D": "发展和改革",
    "E": "住房和城乡建设",
    "F": "商务",
    "G": "交通运输",
    "H": "商务",
    "I": "工业和信息化",
    "J": "地方金融监督管理",
    "K": "住房和城乡建设",
    "L": "商务",
    "M": "科学技术",
    "N": "生态环境",
    "O": "商务",
    "P": "教育",
    "Q": "卫生健康",
    "R": "文化和旅游",
}
DECOUPLING_EVIDENCE: dict[str, str] = {
    DecouplingItem.Item.ORGANS: "已与原业务主管单位（{unit}）在机构上分离，独立设置办事机构，独立办公。",
    DecouplingItem.Item.FUNCTIONS: "原承担的行政职能已交还{unit}，章程中涉及行政职能的条款已删除。",
    DecouplingItem.Item.ASSETS: "已开设独立银行账户，执行《民间非营利组织会计制度》，资产清查和产权界定报告已备案。",
    DecouplingItem.Item.PERSONNEL: "在职公务员已全部退出兼职，工作人员实行劳动合同制，人事档案交人才服务机构管理。",
    DecouplingItem.Item.PARTY: "党建工作由行业协会商会综合党委领导，外事工作按规定归口管理。",
}
DIRECT_EVIDENCE = "直接登记成立，无业务主管单位。"
DIRECT_REGISTRATION_FROM = dt.date(2016, 1, 1)
FIRST_REGISTRATION, LAST_REGISTRATION = dt.date(1995, 1, 1), dt.date(2025, 12, 31)


@dataclass(frozen=True)
class Place:
    """A Shandong region as it appears in names: `prefix` leads the name, `city` is its 4-digit prefix."""

    code: str
    name: str
    full_name: str
    kind: str
    city: str
    prefix: str


def places(regions: Sequence[tuple[str, str, str, str, str | None]]) -> dict[str, Place]:
    """Places from (code, name, full_name, kind, parent) rows of core.Region with codes 37…."""
    names = {code: name for code, name, _, _, _ in regions}
    out: dict[str, Place] = {}
    for code, name, full_name, kind, parent in regions:
        if kind == "county" and name.endswith("区") and parent:
            prefix = names[parent] + name  # districts go with their city: 济南市历城区
        else:
            prefix = name
        out[code] = Place(code, name, full_name, kind, code[:4], prefix)
    return out


@lru_cache(maxsize=1)
def birthplace_codes() -> dict[int, tuple[str, ...]]:
    """Shandong address codes valid in each birth year 1975-1999 (GB 11643, python-stdnum's code history).

    ric.validate() refuses a number whose address code did not exist in the birth year;
    python-stdnum keeps each county as `[start-end]name` entries.
    """
    db = numdb.get("cn/loc")
    by_year: dict[int, list[str]] = {year: [] for year in range(1975, 2000)}
    for n in range(100, 1800):
        code = f"37{n:04d}"
        info = {k: v for _, props in db.info(code) for k, v in props.items()}
        if "county" not in info:
            continue
        spans = []
        for county in info["county"].split(","):
            if not county.startswith("["):
                spans.append((0, 9999))
                continue
            start, end = county[1:].split("]")[0].split("-")
            spans.append((int(start or 0), int(end or 9999)))
        for year in by_year:
            if any(a <= year <= b for a, b in spans):
                by_year[year].append(code)
    return {year: tuple(codes) for year, codes in by_year.items()}


def id_number(code: str, birth: dt.date, seq: int) -> str:
    """A resident identity number with its GB 11643 check digit."""
    n17 = f"{code}{birth:%Y%m%d}{seq:03d}"
    return n17 + ric.calc_check_digit(n17 + "0")


class SyntheticIdentities:
    """Distinct valid identity numbers by index (sequence codes 500-999, so never a demo person's).

    Index g is scrambled by a multiplicative permutation of the whole space, then read
    as (birth year, birthplace, day, sequence): injective, so no two indexes collide.
    """

    MULTIPLIER = 1_000_003

    def __init__(self) -> None:
        codes = birthplace_codes()
        self.years = sorted(codes)
        self.codes = codes
        sizes = [500 * 365 * len(codes[y]) for y in self.years]
        self.offsets = [0, *itertools.accumulate(sizes)]
        self.space = self.offsets[-1]
        self.multiplier = self.MULTIPLIER
        while math.gcd(self.multiplier, self.space) != 1:
            self.multiplier += 2

    def number(self, index: int) -> tuple[str, int]:
        """(identity number, sequence code) for index g."""
        slot = (index * self.multiplier + 7919) % self.space
        y = bisect.bisect_right(self.offsets, slot) - 1
        rest = slot - self.offsets[y]
        year = self.years[y]
        seq, rest = 500 + rest % 500, rest // 500
        day, code_index = rest % 365, rest // 365
        birth = dt.date(year, 1, 1) + dt.timedelta(days=day)
        return id_number(self.codes[year][code_index], birth, seq), seq


class RegisterGenerator:
    """Builds BulkOrganization records for Shandong from one seeded random source."""

    def __init__(
        self,
        *,
        seed: int,
        places: dict[str, Place],
        industry_sections: dict[str, str],
        taken_names: set[int] | None = None,
        specialties: float = 0.0,
        plain_attempts: int = 4,
    ) -> None:
        self.rng = random.Random(seed)
        self.places = places
        self.sections = industry_sections
        self.taken = taken_names if taken_names is not None else set()
        self.specialties = specialties
        self.plain_attempts = plain_attempts
        self.people: set[str] = set()  # identity numbers handed out (REG-4: one body per person)
        self.cities = [p for p in places.values() if p.kind == "city"]
        self.counties = [p for p in places.values() if p.kind == "county"]
        self.province = next(p for p in places.values() if p.kind == "province")
        self._county_of_city = {c.city: [p for p in self.counties if p.city == c.city] for c in self.cities}
        # cumulative weights, computed once: random.choices() would re-add plain weights on every draw
        self._kinds, self._kind_cum = list(KIND_WEIGHTS), _cumulative(KIND_WEIGHTS.values())
        self._city_cum = _cumulative(CITY_WEIGHTS.get(c.city, 0.6) for c in self.cities)
        self._county_cum = _cumulative(1.3 if c.city in ("3701", "3702") else 1.0 for c in self.counties)
        self._district_cum = {
            city: _cumulative(3 if i < 3 else 1 for i in range(len(counties)))
            for city, counties in self._county_of_city.items()
        }
        self._years = list(range(FIRST_REGISTRATION.year, LAST_REGISTRATION.year + 1))
        self._year_cum = _cumulative(1 + (y - self._years[0]) * 0.15 for y in self._years)

    # -- names ---------------------------------------------------------------

    def name_key(self, authority: str, name: str) -> int:
        return hash((authority, name))

    def name(self, authority: Place, level: str) -> tuple[str, str, Trade, str]:
        """(name, kind, trade, chamber origin) unique within the authority."""
        for attempt in range(400):
            kind = self.rng.choices(self._kinds, cum_weights=self._kind_cum)[0]
            trade, stem, origin = self._stem(kind, authority, level)
            qualifier = ""
            # After a few clashes the authority is crowded: qualify the name (synth does so sooner).
            if attempt >= self.plain_attempts or self.rng.random() < self.specialties:
                if kind != OrganizationKind.CHAMBER or not origin:
                    stem = stem + self.rng.choice(SPECIALTIES)
                if attempt >= 4 * self.plain_attempts and self.rng.random() < 0.5:
                    qualifier = self.rng.choice(SUBAREAS)
            name = authority.prefix + qualifier + stem + _suffix(kind, stem)
            key = self.name_key(authority.code, name)
            if key not in self.taken:
                self.taken.add(key)
                return name, kind, trade, origin
        raise RuntimeError(f"no free name left at authority {authority.code}")

    def _stem(self, kind: str, authority: Place, level: str) -> tuple[Trade, str, str]:
        if kind == OrganizationKind.CHAMBER:
            if level != Level.COUNTY and self.rng.random() < 0.6:
                origin = self._origin(authority, level)
                return Trade(origin, ("51", "72"), 1.0), origin, origin
            trade = _pick(self.rng, CHAMBER_TRADES)
            return trade, _chamber_stem(trade.stem), ""
        trade = _pick(self.rng, KIND_TRADES.get(kind, ASSOCIATION_TRADES))
        return trade, trade.stem, ""

    def _origin(self, authority: Place, level: str) -> str:
        if level == Level.PROVINCIAL or self.rng.random() < 0.55:
            return self.rng.choice(PROVINCE_ORIGINS)
        others = [c.name.removesuffix("市") for c in self.cities if c.city != authority.city]
        return self.rng.choice([*CITY_ORIGINS, *others])

    # -- one organisation ----------------------------------------------------

    def authority(self, level: str) -> Place:
        if level == Level.PROVINCIAL:
            return self.province
        if level == Level.MUNICIPAL:
            return self.rng.choices(self.cities, cum_weights=self._city_cum)[0]
        return self.rng.choices(self.counties, cum_weights=self._county_cum)[0]

    def domicile_region(self, authority: Place, level: str) -> Place:
        if level == Level.COUNTY:
            return authority
        city = authority.city
        if level == Level.PROVINCIAL:  # provincial bodies sit mostly in the capital
            city = "3701" if self.rng.random() < 0.8 else self.rng.choice(self.cities).city
        return self.rng.choices(self._county_of_city[city], cum_weights=self._district_cum[city])[0]

    def organization(
        self,
        *,
        level: str,
        uscc_body: str,
        representative: tuple[str, str],
        authority: Place | None = None,
        fixed_name: tuple[str, str, Trade] | None = None,
    ) -> BulkOrganization:
        authority = authority or self.authority(level)
        if fixed_name is not None:
            name, kind, trade = fixed_name
            origin = ""
            self.taken.add(self.name_key(authority.code, name))
        else:
            name, kind, trade, origin = self.name(authority, level)
        region = self.domicile_region(authority, level)
        registered_on = self.registration_date()
        status, changed_on = self.status(registered_on)
        rng = self.rng
        domicile = self.address(region)
        return BulkOrganization(
            uscc=make_uscc(region_code=authority.code, body=uscc_body),
            name=name,
            kind=kind,
            level=level,
            authority_region_id=authority.code,
            region_id=region.code,
            domicile=domicile,
            industry_codes=trade.divisions,
            business_scope=business_scope(trade, kind, origin, authority),
            representative_name=representative[0],
            representative_id_number=representative[1],
            activity_funds=Decimal(rng.choice(FUNDS[level])),
            registered_on=registered_on,
            fulltime_staff=rng.randint(*STAFF[level]),
            status=status,
            status_changed_on=changed_on,
            premises=f"{domicile}{rng.randint(2, 22)}层",
            contact_phone=self.phone(region),
            decoupling=self.decoupling(registered_on, trade, authority, level),
        )

    def registration_date(self) -> dt.date:
        year = self.rng.choices(self._years, cum_weights=self._year_cum)[0]
        return dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randrange(365))

    def status(self, registered_on: dt.date) -> tuple[str, dt.date | None]:
        roll = self.rng.random()
        if roll >= 0.02 or registered_on.year >= LAST_REGISTRATION.year:
            return OrganizationStatus.REGISTERED, None
        span = (LAST_REGISTRATION - registered_on).days
        changed = registered_on + dt.timedelta(days=self.rng.randint(min(365, span), span))
        return (OrganizationStatus.DEREGISTERED if roll < 0.012 else OrganizationStatus.REVOKED), changed

    def address(self, region: Place) -> str:
        roads = CITY_ROADS.get(region.city, "").split() or ROADS
        road = self.rng.choice(roads if self.rng.random() < 0.6 else ROADS)
        return f"{region.full_name}{road}{self.rng.randint(1, 1999)}号"

    def phone(self, region: Place) -> str:
        return f"{AREA_CODES.get(region.city, '0531')}-{self.rng.randint(55000000, 89999999)}"

    def decoupling(
        self, registered_on: dt.date, trade: Trade, authority: Place, level: str
    ) -> dict[str, tuple[dt.date, str]]:
        items = DECOUPLING_ITEMS
        if registered_on >= DIRECT_REGISTRATION_FROM:
            return dict.fromkeys(items, (registered_on, DIRECT_EVIDENCE))
        roll = self.rng.random()
        done = items if roll < 0.8 else self.rng.sample(list(items), self.rng.randint(2, 4)) if roll < 0.92 else []
        unit = supervising_unit(self.sections.get(trade.divisions[0], ""), authority, level)
        out = {}
        for item in done:
            on = dt.date(2016, 6, 1) + dt.timedelta(days=self.rng.randrange(365 * 4))
            out[item] = (on, DECOUPLING_EVIDENCE[item].format(unit=unit))
        return out

    # -- people --------------------------------------------------------------

    def person_name(self, male: bool) -> str:
        given = GIVEN_MALE if male else GIVEN_FEMALE
        tail = self.rng.choice(given) + (self.rng.choice(given) if self.rng.random() < 0.6 else "")
        return self.rng.choice(SURNAMES) + tail

    def random_identity(self, *, city: str, latest_birth_year: int = 1999) -> tuple[str, str]:
        """(name, identity number) of a new person born 1975-1999, preferably in `city`; valid and unused."""
        codes = birthplace_codes()
        while True:
            year = self.rng.randint(1975, max(1975, min(1999, latest_birth_year)))
            local = [c for c in codes[year] if c.startswith(city)] or list(codes[year])
            birth = dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randrange(365))
            seq = self.rng.randrange(500)
            number = id_number(self.rng.choice(local), birth, seq)
            try:
                ric.validate(number)
            except Exception:  # noqa: S112  (retry with another draw, as GB 11643 data demands)
                continue
            if number not in self.people:
                self.people.add(number)
                return self.person_name(male=seq % 2 == 1), number


CITY_WEIGHTS = {
    "3701": 1.6,
    "3702": 1.8,
    "3706": 1.2,
    "3707": 1.3,
    "3713": 1.2,
    "3708": 1.0,
    "3703": 0.9,
    "3717": 0.9,
    "3714": 0.8,
    "3715": 0.8,
    "3709": 0.7,
    "3716": 0.6,
    "3705": 0.6,
    "3710": 0.6,
    "3711": 0.5,
    "3704": 0.5,
}
FUNDS: dict[str, tuple[str, ...]] = {
    Level.PROVINCIAL: ("100000", "200000", "300000", "500000", "1000000", "2000000"),
    Level.MUNICIPAL: ("30000", "50000", "100000", "200000", "300000", "500000"),
    Level.COUNTY: ("30000", "50000", "80000", "100000", "200000"),
}
STAFF: dict[str, tuple[int, int]] = {Level.PROVINCIAL: (3, 15), Level.MUNICIPAL: (1, 8), Level.COUNTY: (1, 5)}
CHAMBER_TRADES = tuple(t for t in ASSOCIATION_TRADES if t.chamber)
KIND_TRADES: dict[str, tuple[Trade, ...]] = {
    OrganizationKind.FEDERATION: FEDERATION_TRADES,
    OrganizationKind.PROMOTION: PROMOTION_TRADES,
    OrganizationKind.SOCIETY: SOCIETY_TRADES,
}
_TRADE_CUM = {
    id(table): list(itertools.accumulate(t.weight for t in table))
    for table in (ASSOCIATION_TRADES, FEDERATION_TRADES, PROMOTION_TRADES, SOCIETY_TRADES, CHAMBER_TRADES)
}
DECOUPLING_ITEMS = tuple(DecouplingItem.Item.values)


def _pick(rng: random.Random, trades: tuple[Trade, ...]) -> Trade:
    return rng.choices(trades, cum_weights=_TRADE_CUM[id(trades)])[0]


def _cumulative(weights: Iterable[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def _chamber_stem(stem: str) -> str:
    """建材行业 -> 建材商会, 餐饮业 -> 餐饮商会; two-character stems (酒业, 鞋业) stay whole."""
    for tail in ("行业", "工业", "业"):
        if stem.endswith(tail) and len(stem) > len(tail) + 1:
            return stem[: -len(tail)]
    return stem


def _suffix(kind: str, stem: str) -> str:
    if kind == OrganizationKind.SOCIETY:
        return "" if stem.endswith("同业公会") else "同业公会"
    return {
        OrganizationKind.ASSOCIATION: "协会",
        OrganizationKind.CHAMBER: "商会",
        OrganizationKind.FEDERATION: "联合会",
        OrganizationKind.PROMOTION: "促进会",
    }[OrganizationKind(kind)]


def supervising_unit(section: str, authority: Place, level: str) -> str:
    words = SUPERVISORS.get(section, "发展和改革")
    if level == Level.PROVINCIAL:
        office = "委员会" if words in ("发展和改革", "卫生健康") else "局" if words == "地方金融监督管理" else "厅"
        return f"山东省{words}{office}"
    office = "委员会" if words in ("发展和改革", "卫生健康") else "局"
    return f"{authority.prefix}{words}{office}"


def business_scope(trade: Trade, kind: str, origin: str, authority: Place) -> str:
    if kind == OrganizationKind.CHAMBER and origin:
        return f"联系在{authority.prefix}投资兴业的{origin}籍企业，开展经贸交流、招商引资、法律咨询和会员服务。"
    topic = trade.stem.removesuffix("行业")
    return f"行业自律、{topic}调查研究、标准制定、技术交流、业务培训、展览展示、咨询服务，承办政府部门委托事项。"


def demo_totp_key(username: str) -> str:
    """A fixed TOTP key (hex, 20 bytes) per demo user, so the README can list the secrets."""
    return hashlib.sha1(f"xiehui-demo-totp:{username}".encode(), usedforsecurity=False).hexdigest()
