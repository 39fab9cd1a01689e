"""Who may do what. One table, checked by every service method that changes or reveals data."""

from __future__ import annotations

from enum import Enum

from fupin_desktop.domain.enums import Role
from fupin_desktop.errors import PermissionDenied


class Permission(Enum):
    EDIT_REGISTER = "修改社会组织、村社、结对等名册"
    EDIT_HOUSEHOLDS = "修改帮扶对象"
    VIEW_PERSONAL_DATA = "查看完整身份证号"
    SET_VILLAGE_FLAGS = "设置村情标识"
    LOAD_DIVISION_TABLE = "载入新年度区划代码表"
    MANAGE_USERS = "管理用户"
    VIEW_AUDIT = "查看操作日志"
    ENTER_MONTHLY = "录入和导入月报"
    REVIEW_MONTHLY = "审核月报"
    HOLD_SEAL = "持有电子印章并盖章报送"
    SET_SEAL_IMAGE = "载入本单位印章图样"
    MANAGE_TRUST = "登记和停用下级单位的印章证书"
    RECEIVE = "接收、验证和汇总下级报送"
    EVALUATE = "年终评估"
    EDIT_INSPECTIONS = "登记年检年报"
    BACKUP = "备份和恢复全部数据"


_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.CLERK: frozenset({
        Permission.EDIT_REGISTER, Permission.EDIT_HOUSEHOLDS, Permission.VIEW_PERSONAL_DATA,
        Permission.SET_VILLAGE_FLAGS, Permission.ENTER_MONTHLY, Permission.RECEIVE, Permission.EDIT_INSPECTIONS,
    }),
    Role.REVIEWER: frozenset({
        Permission.EDIT_REGISTER, Permission.EDIT_HOUSEHOLDS, Permission.VIEW_PERSONAL_DATA,
        Permission.SET_VILLAGE_FLAGS, Permission.VIEW_AUDIT, Permission.ENTER_MONTHLY, Permission.REVIEW_MONTHLY,
        Permission.HOLD_SEAL, Permission.RECEIVE, Permission.EDIT_INSPECTIONS, Permission.EVALUATE,
    }),
    # The administrator keeps the system, not the case files: no household data in full.
    Role.ADMIN: frozenset({
        Permission.EDIT_REGISTER, Permission.SET_VILLAGE_FLAGS, Permission.LOAD_DIVISION_TABLE,
        Permission.MANAGE_USERS, Permission.VIEW_AUDIT, Permission.SET_SEAL_IMAGE, Permission.MANAGE_TRUST,
        Permission.RECEIVE, Permission.EDIT_INSPECTIONS, Permission.BACKUP,
    }),
}


def allowed(role: str, permission: Permission) -> bool:
    return permission in _GRANTS.get(Role(role), frozenset())


def require(role: str, permission: Permission) -> None:
    if not allowed(role, permission):
        raise PermissionDenied(f"“{Role(role).label}”没有“{permission.value}”的权限，请联系管理员。")
