"""What the bureau's letters carry besides the figures: the 机关代字 of the 发文字号, the 主送机关,
the 填表人 and the telephone on the tables. Set once by an administrator; every change audited."""

from __future__ import annotations

import re

from fupin_desktop.domain.text import clean_text
from fupin_desktop.errors import KnownError
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.settings import AGENCY_CODE, get_settings, put_settings
from fupin_desktop.store import audit

LABELS = {AGENCY_CODE: "机关代字", "recipient": "主送机关", "copy_to": "抄送机关", "printed_by": "印发机关",
          "preparer": "填表人", "phone": "联系电话"}
_AGENCY = re.compile(r"^[\u4e00-\u9fff]{1,8}$")


def letter_settings(ctx: ServiceContext) -> dict[str, str]:
    values = get_settings(ctx.db, "")
    return {key: values.get(key, "") for key in LABELS}


def set_letter_settings(ctx: ServiceContext, changes: dict[str, str]) -> dict[str, str]:
    """Set the given keys (an empty value clears one); returns all of them afterwards."""
    ctx.require(Permission.MANAGE_USERS)
    cleaned = {key: clean_text(value) for key, value in changes.items() if key in LABELS}
    agency = cleaned.get(AGENCY_CODE)
    if agency and not _AGENCY.match(agency):
        raise KnownError(f"机关代字应为 1 到 8 个汉字（如“晋民”），而不是“{agency}”：年份和序号由程序加上。")
    if not cleaned:
        raise KnownError("没有要修改的项目。")
    with ctx.db.transaction() as s:
        before = put_settings(s, {key: value or None for key, value in cleaned.items()})
        audit.append(s, username=ctx.user.username, action="update", entity="setting", entity_id="letter",
                     summary="修改公文设置：" + "、".join(f"{LABELS[k]}“{v or '（清空）'}”" for k, v in cleaned.items()),
                     before=before, after=cleaned)
    return letter_settings(ctx)
