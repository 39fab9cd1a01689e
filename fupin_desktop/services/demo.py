"""The demo county: 晋江市民政局 with real places and generated, deterministic records.

Everything comes from a seeded random generator, not a hand-typed fixture, so a newcomer
sees a believable register and tests get the same one every time.
"""

from __future__ import annotations

import random
import shutil
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from fupin_desktop.domain import clock
from fupin_desktop.domain.credit_code import make_credit_code
from fupin_desktop.domain.id_number import make_id_number
from fupin_desktop.domain.periods import Period
from fupin_desktop.domain.pinyin import search_key
from fupin_desktop.domain.records import check_record
from fupin_desktop.errors import KnownError
from fupin_desktop.intake.division_table import DivisionTable
from fupin_desktop.services.context import Forms
from fupin_desktop.services.demo_monthly import build_demo_months
from fupin_desktop.services.pairings import CheckedPairing, Resolved, write_pairing
from fupin_desktop.services.setup import initialize, mark_demo
from fupin_desktop.services.users import add_user_unchecked
from fupin_desktop.store import audit
from fupin_desktop.store.db import Database
from fupin_desktop.store.folder import DB_FILE
from fupin_desktop.store.models import (
    Campaign,
    Household,
    Institution,
    Organization,
    Setting,
    Township,
    Village,
)

DEMO_BUREAU, DEMO_DIVISION, DEMO_PASSWORD = "晋江市民政局", "350582", "demo"
DEMO_USERS = (("admin", "admin", "系统管理员"), ("clerk", "clerk", "林晓华"), ("reviewer", "reviewer", "陈志明"))

_TRADES = ["服装", "鞋业", "纺织", "陶瓷", "食品", "建材", "五金", "包装", "物流", "电子商务", "茶叶", "工艺品",
           "餐饮", "汽车", "家具", "印刷", "机械", "卫浴", "体育用品", "伞业"]
_GROUP_SUFFIX = ["商会", "行业协会", "同乡会", "企业家联合会", "青年商会", "志愿者协会", "慈善总会分会", "老年人协会"]
_SERVICE_NAMES = ["社会工作服务中心", "助残服务中心", "养老服务中心", "青少年服务中心", "培训学校", "康复中心", "家庭服务中心"]
_FOUNDATION_NAMES = ["教育基金会", "慈善基金会", "公益基金会", "助学基金会", "乡村振兴基金会"]
_PLACE_WORDS = ["晋江", "青阳", "梅岭", "西园", "罗山", "灵源", "新塘", "陈埭", "池店", "安海", "磁灶", "内坑", "紫帽",
                "东石", "永和", "英林", "金井", "龙湖", "深沪", "西滨", "泉南", "晋南", "闽南", "海峡", "侨乡"]
_SURNAMES = "陈林黄张吴王李蔡许洪施郑苏庄杨刘丁曾谢柯"
_GIVEN = ["建华", "志明", "丽娟", "秀英", "国庆", "晓东", "美玲", "金水", "振华", "少雄", "淑贞", "文彬", "清泉", "燕",
          "伟", "堃", "昇", "燊", "珺", "喆"]
_PROJECTS = [
    ("村级产业帮扶", "industry", "project", "扶持 {n} 户发展种养业"),
    ("助学圆梦", "education", "donation", "资助 {n} 名在校学生"),
    ("健康义诊进村", "health", "volunteer_service", "开展义诊 {n} 场"),
    ("就业技能培训", "employment", "skills_training", "培训 {n} 人次"),
    ("爱心岗位", "employment", "jobs", "提供就业岗位 {n} 个"),
    ("农特产品消费帮扶", "consumption", "consumption", "采购农产品 {n} 万元"),
    ("关爱留守儿童", "volunteer", "volunteer_service", "结对关爱留守儿童 {n} 名"),
    ("村道路灯改造", "infrastructure", "donation", "安装路灯 {n} 盏"),
    ("困难家庭兜底帮扶", "safety_net", "charity_fund", "帮扶困难家庭 {n} 户"),
]


def _org_name(rng: random.Random, kind: str, used: set[str]) -> str:
    suffixes = {"social_group": _GROUP_SUFFIX, "social_service_agency": _SERVICE_NAMES}.get(kind, _FOUNDATION_NAMES)
    for attempt in range(200):
        # Short names first; longer combinations once those run out (the bench asks for 1,000).
        middle = rng.choice(_PLACE_WORDS + _TRADES) if attempt < 50 else rng.choice(_PLACE_WORDS) + rng.choice(_TRADES)
        name = f"晋江市{middle}{rng.choice(suffixes)}"
        if name not in used:
            used.add(name)
            return name
    name = f"晋江市{rng.choice(_PLACE_WORDS)}{len(used) + 1}号{rng.choice(suffixes)}"
    used.add(name)
    return name


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN)


def _organizations(session: Session, forms: Forms, rng: random.Random, count: int) -> list[Organization]:
    spec = forms["organization"]
    used: set[str] = set()
    orgs = []
    kinds = ["social_group"] * 6 + ["social_service_agency"] * 3 + ["foundation"]
    for n in range(count):
        kind = kinds[n % len(kinds)]
        digit = {"social_group": "1", "social_service_agency": "2", "foundation": "3"}[kind]
        code = make_credit_code("5", digit, DEMO_DIVISION, f"MJ{n:04d}{rng.randrange(100):02d}")[:18]  # MJ: 民政-registered; n keeps it unique
        rating = rng.choice(["none", "none", "3A", "4A", "5A", "2A"])
        raw = {
            "name": _org_name(rng, kind, used), "credit_code": code, "kind": kind,
            "registration_authority": DEMO_BUREAU,
            "supervising_unit": rng.choice(["晋江市工商业联合会", "晋江市民政局", "晋江市教育局", "晋江市卫生健康局", ""]),
            "legal_representative": _person(rng), "contact_person": _person(rng),
            "contact_phone": f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
            "address": f"福建省晋江市{rng.choice(_PLACE_WORDS)}路{rng.randrange(1, 300)}号",
            "rating": rating, "rating_year": rng.choice([2017, 2018, 2019]) if rating != "none" else None,
            "party_branch": rng.choice(["established", "established", "joint", "none"]),
            "charity_recognized": kind == "foundation" or rng.random() < 0.1,
            "public_fundraising": kind == "foundation" and rng.random() < 0.4,
            "status": "active" if n < count - 3 else "deregistered",
        }
        checked = check_record(spec, raw)
        assert checked.ok, checked.errors
        org = Organization(**checked.values)
        org.search_key = search_key(org.name)
        session.add(org)
        orgs.append(org)
    session.flush()
    for org in orgs:
        audit.append(session, username="system", action="create", entity="organization", entity_id=org.id,
                     summary=f"演示数据：新增社会组织 {org.name}")
    return orgs


def _households(session: Session, rng: random.Random, villages: list[Village], count: int) -> list[Household]:
    groups = ["student", "serious_illness", "left_behind_child", "child_in_difficulty", "empty_nest_elder",
              "disabled", "minimum_living", "extreme_poverty"]
    households = []
    special = ["王𠮷", "陈堃"]  # names that need GBK/Ext-A and Ext-B glyphs
    for n in range(count):
        village = rng.choice(villages)
        birth = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 50))
        name = special[n] if n < len(special) else _person(rng)
        number = make_id_number(DEMO_DIVISION, birth, f"{n % 1000:03d}")
        h = Household(village_id=village.id, size=rng.randint(1, 7),
                      groups=sorted(rng.sample(groups, rng.choice([0, 1, 1, 2]))), registered_poor=True)
        session.add(h)  # sealed with the key the first admin's slot made
        h.head_name, h.id_number = name, number
        households.append(h)
    session.flush()
    return households


def build_demo(db: Database, table: DivisionTable, *, seed: int = 20200428, organizations: int = 130,
               pairings: int = 112, households: int = 160, forms: Forms | None = None,
               today: date | None = None, monthly: bool = True) -> None:
    """Fill an empty database with the demo county (the bench uses larger counts).

    Dates follow ``today`` so the demo is always alive: pairings signed about 14 months
    ago, and (with ``monthly``) the twelve months up to last month of monthly statistics.
    """
    forms = forms or Forms()
    today = today or clock.today()
    start = Period.of_date(today)
    for _ in range(14):
        start = start.previous()
    rng = random.Random(seed)
    initialize(db, bureau=DEMO_BUREAU, division=DEMO_DIVISION, admin="admin", password=DEMO_PASSWORD, table=table)
    mark_demo(db)
    with db.transaction() as s:
        for key, value in (("recipient", "泉州市民政局"), ("preparer", "林晓华"), ("phone", "0595-85612345"),
                           ("agency_code", "晋民")):
            s.add(Setting(key=key, value=value))
        for username, role, display in DEMO_USERS[1:]:
            add_user_unchecked(s, "system", username, DEMO_PASSWORD, role, display)
        villages = list(s.scalars(select(Village).order_by(Village.code)))
        townships = list(s.scalars(select(Township).order_by(Township.code)))
        for v in rng.sample(villages, min(40, len(villages))):
            v.flags = rng.sample(["relative_poverty", "old_revolutionary", "provincial_poverty"], rng.choice([1, 1, 2]))
        campaigns = [
            Campaign(name="百社解千难", year=2020, target_organizations=100, target_villages=100,
                     description="晋政民〔2020〕28号：动员 100 家社会组织与村（社区）结对共建"),
            Campaign(name="社会组织扶百村", year=2018, target_organizations=100, target_villages=100),
            Campaign(name="牵手行动", year=2018, target_organizations=100, target_villages=0,
                     description="百家社会组织走近留守和困境儿童"),
            Campaign(name="三区三州", year=2018, target_organizations=20, target_villages=0),
        ]
        s.add_all(campaigns)
        orgs = _organizations(s, forms, rng, organizations)
        institutions = [
            Institution(name=f"晋江市{t.name}敬老院", kind="elderly_home", township_id=t.id,
                        capacity=rng.randrange(30, 200))
            for t in rng.sample(townships, min(4, len(townships)))
        ] + [Institution(name="晋江市社会福利院", kind="welfare_home", township_id=townships[0].id, capacity=260)]
        s.add_all(institutions)
        homes = _households(s, rng, villages, households)
        active = [o for o in orgs if o.status == "active"]
        paired_villages = rng.sample(villages, min(pairings, len(villages)))
        for n in range(pairings):
            org = active[n % len(active)]
            kind = "village" if n % 12 not in (5, 11) else ("household" if n % 12 == 5 else "institution")
            target = {"village": paired_villages[n % len(paired_villages)], "household": homes[n % len(homes)],
                      "institution": institutions[n % len(institutions)]}[kind]
            township = target.village.township if kind == "household" else target.township
            signed = start.first_day + timedelta(days=rng.randrange(25))
            projects = []
            for name, domain, method, indicator in rng.sample(_PROJECTS, rng.choice([1, 2, 2])):
                projects.append({"name": name, "domain": domain, "method": method,
                                 "budget_fen": rng.randrange(2, 60) * 500_000,  # 0.5 万元 steps
                                 "indicators": indicator.format(n=rng.randrange(3, 40))})
            campaign = campaigns[0] if n < max(100, pairings - 10) else rng.choice(campaigns[1:])
            values = {"agreement_no": f"JD{signed.year}-{n + 1:04d}", "target_kind": kind, "signed_on": signed,
                      "term_start": signed, "term_end": date(today.year + 1, 12, 31),
                      "commitments": "每季度入村不少于一次，按合作方案落实帮扶资金和物资",
                      "assessment_standard": "按合作方案预期目标逐项考核；年终评估结果报市民政局",
                      "status": "active"}
            cp = CheckedPairing(values, projects, Resolved(org, township, target, campaign))
            write_pairing(s, "system", cp, None)
    if monthly:
        build_demo_months(db, forms, today, seed=seed)


def give_demo_seal(db: Database, data_dir: Path) -> None:
    """The demo reviewer's seal key, passphrase "demo": made fresh each time, never shipped."""
    from fupin_desktop.services.context import ServiceContext
    from fupin_desktop.services.seal import init_seal
    from fupin_desktop.services.users import login

    init_seal(ServiceContext(db, Forms(), login(db, "reviewer", DEMO_PASSWORD), data_dir), DEMO_PASSWORD,
              min_length=len(DEMO_PASSWORD))  # the demo's documented passphrase; real seals need 8


def make_demo_folder(target: Path, *, force: bool = False) -> None:
    """Create the demo county in ``target``; never overwrites a real (non-demo) database."""
    from fupin_desktop.intake.division_table import load_division_table
    from fupin_desktop.services.settings import get_setting

    db_file = target / DB_FILE
    if db_file.exists():
        db = Database.open(target, create=False)
        is_demo = get_setting(db, "demo") == "1"
        db.dispose()
        if not is_demo:
            raise KnownError(f"「{target}」里已有正式数据库，演示数据不会覆盖它。请用 --data-dir 指定另一个文件夹。")
        if not force:
            raise KnownError(f"「{target}」里已有演示数据库；要重新生成请加 --force。")
        for path in target.glob(DB_FILE + "*"):
            path.unlink()
        shutil.rmtree(target / "seal", ignore_errors=True)  # the old demo seal goes with its database
    target.mkdir(parents=True, exist_ok=True)
    db = Database.open(target, create=True)
    build_demo(db, load_division_table())
    give_demo_seal(db, target)
    db.dispose()
