"""The glossary's closed lists: stored value (English), Chinese label, accepted aliases.

Forms refer to these by class name (``choices = "OrganizationKind"``), so a choice list
exists once: here.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class LabeledEnum(StrEnum):
    """A StrEnum whose members carry a Chinese label and older names that mean the same."""

    label: str
    aliases: tuple[str, ...]

    def __new__(cls, value: str, label: str, *aliases: str) -> LabeledEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.aliases = aliases
        return member

    @classmethod
    def of(cls, value: str) -> Self:
        """The member stored as ``value`` (ValueError otherwise); ``cls(value)`` in the type checker's terms."""
        for member in cls:
            if member.value == value:
                return member
        raise ValueError(f"{value!r} is not a {cls.__name__}")

    @classmethod
    def from_text(cls, text: str) -> LabeledEnum | None:
        """The member whose value, label or alias is ``text`` (already normalized), else None."""
        for member in cls:
            if text in (member.value, member.label, *member.aliases):
                return member
        return None


class OrganizationKind(LabeledEnum):
    SOCIAL_GROUP = "social_group", "社会团体", "社团"
    SOCIAL_SERVICE_AGENCY = "social_service_agency", "社会服务机构", "民办非企业单位", "民非"
    FOUNDATION = "foundation", "基金会"

    @property
    def credit_type_digit(self) -> str:
        """GB 32100 position 2 under 民政 (position 1 = 5)."""
        return {"social_group": "1", "social_service_agency": "2", "foundation": "3"}[self.value]


class OrganizationStatus(LabeledEnum):
    ACTIVE = "active", "正常", "存续", "活跃"
    DEREGISTERED = "deregistered", "已注销", "注销", "撤销"


class Rating(LabeledEnum):
    NONE = "none", "未评估", "无"
    A1 = "1A", "1A", "A", "1A级"
    A2 = "2A", "2A", "AA", "2A级"
    A3 = "3A", "3A", "AAA", "3A级"
    A4 = "4A", "4A", "AAAA", "4A级"
    A5 = "5A", "5A", "AAAAA", "5A级"


class PartyBranch(LabeledEnum):
    ESTABLISHED = "established", "已建", "已建立", "单独党支部"
    NONE = "none", "未建", "无"
    JOINT = "joint", "联合党支部", "联合"


class VillageFlag(LabeledEnum):
    DEEP_POVERTY = "deep_poverty", "深度贫困村"
    PROVINCIAL_POVERTY = "provincial_poverty", "省定贫困村"
    OLD_REVOLUTIONARY = "old_revolutionary", "老区村"
    RELATIVE_POVERTY = "relative_poverty", "相对贫困村"


class BeneficiaryGroup(LabeledEnum):
    STUDENT = "student", "在校学生"
    SERIOUS_ILLNESS = "serious_illness", "重病患者"
    LEFT_BEHIND_CHILD = "left_behind_child", "留守儿童"
    CHILD_IN_DIFFICULTY = "child_in_difficulty", "困境儿童"
    EMPTY_NEST_ELDER = "empty_nest_elder", "空巢老人"
    DISABLED = "disabled", "残疾人"
    MINIMUM_LIVING = "minimum_living", "低保", "低保户"
    EXTREME_POVERTY = "extreme_poverty", "特困", "特困人员", "特困供养"


class InstitutionKind(LabeledEnum):
    WELFARE_HOME = "welfare_home", "福利院", "社会福利院"
    ELDERLY_HOME = "elderly_home", "敬老院", "养老院"
    CHILD_WELFARE = "child_welfare", "儿童福利机构", "儿童福利院"
    OTHER = "other", "其他机构"


class TargetKind(LabeledEnum):
    VILLAGE = "village", "村（社区）", "村", "社区", "村社", "村(社区)"
    HOUSEHOLD = "household", "帮扶对象（户）", "户", "贫困户", "帮扶对象", "帮扶对象(户)"
    INSTITUTION = "institution", "福利机构", "机构", "福利院", "敬老院"
    # 对口支援 (000: 三区三州, 扶百村): a village, township or county outside the county.
    REMOTE = "remote", "对口支援（县外）", "县外", "对口支援", "三区三州", "县外村（社区）"
    # 001: 省级社会组织与贫困地区社会组织结对.
    ORGANIZATION = "organization", "社会组织（组织结对）", "社会组织", "组织结对"


class AidDomain(LabeledEnum):
    INDUSTRY = "industry", "产业", "产业扶贫"
    EDUCATION = "education", "教育", "教育扶贫"
    HEALTH = "health", "健康", "健康扶贫", "医疗"
    RELOCATION = "relocation", "易地扶贫搬迁", "易地搬迁"
    EMPLOYMENT = "employment", "就业", "就业扶贫"
    CONSUMPTION = "consumption", "消费", "消费扶贫"
    VOLUNTEER = "volunteer", "志愿/能力建设", "志愿", "能力建设", "志愿扶贫"
    INFRASTRUCTURE = "infrastructure", "基础设施"
    ECOLOGY = "ecology", "生态", "生态扶贫"
    SAFETY_NET = "safety_net", "兜底保障", "兜底"
    OTHER = "other", "其他"


class AidMethod(LabeledEnum):
    DONATION = "donation", "直接捐赠", "捐赠", "捐款", "捐物"
    CHARITY_FUND = "charity_fund", "设立公益基金", "公益基金"
    CHARITABLE_TRUST = "charitable_trust", "慈善信托"
    CONSUMPTION = "consumption", "消费扶贫"
    VOLUNTEER_SERVICE = "volunteer_service", "志愿服务"
    SKILLS_TRAINING = "skills_training", "技能培训", "培训"
    JOBS = "jobs", "提供岗位", "就业岗位"
    PROJECT = "project", "项目合作", "合作项目"


class PairingStatus(LabeledEnum):
    ACTIVE = "active", "执行中", "进行中"
    ENDED = "ended", "已结束", "结束", "终止"


class InspectionResult(LabeledEnum):
    QUALIFIED = "qualified", "合格"
    BASICALLY_QUALIFIED = "basically_qualified", "基本合格"
    UNQUALIFIED = "unqualified", "不合格"


class AttachmentRole(LabeledEnum):
    """年检年报附件: the two the notices require, and the optional others."""

    WORK_REPORT = "work_report", "上一年度参与脱贫攻坚工作情况", "工作情况", "工作报告"
    WORK_PLAN = "work_plan", "年度工作计划", "工作计划", "计划"
    PHOTO = "photo", "照片"
    AGREEMENT = "agreement", "协议"
    RECEIPT = "receipt", "票据", "收据", "凭证"
    OTHER = "other", "其他"


class EvaluationGrade(LabeledEnum):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    QUALIFIED = "qualified", "合格"
    UNQUALIFIED = "unqualified", "不合格"


class Role(LabeledEnum):
    CLERK = "clerk", "填报员"
    REVIEWER = "reviewer", "审核人"
    ADMIN = "admin", "管理员"


ENUMS: dict[str, type[LabeledEnum]] = {
    cls.__name__: cls
    for cls in (
        OrganizationKind, OrganizationStatus, Rating, PartyBranch, VillageFlag, BeneficiaryGroup,
        InstitutionKind, TargetKind, AidDomain, AidMethod, PairingStatus, Role, InspectionResult, AttachmentRole,
        EvaluationGrade,
    )
}
