"""The cover letter a reviewer seals: its 发文字号 and 签发人, and the parts the reviewer may edit
before sealing (主送机关, the body drafted from the figures, the 附件 lines)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from fupin_desktop.domain import clock
from fupin_desktop.domain.doc_number import next_doc_number
from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import KnownError
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.report_kinds import ReportContent, report_kind
from fupin_desktop.services.settings import AGENCY_CODE, get_setting
from fupin_desktop.store.models_submission import Submission


@dataclass
class LetterText:
    recipient: str  # 主送机关
    body: str  # the paragraphs, one per line (特此报告。 included)
    attachments: str  # the 附件 names, one per line ("" for none)


def number_the_letter(ctx: ServiceContext, content: ReportContent) -> str | None:
    """Give the cover letter its 发文字号 (the next of its year) and 签发人 (the reviewer who
    seals), and say which letter a correction corrects. None when no 机关代字 is set."""
    agency = (get_setting(ctx.db, AGENCY_CODE) or "").strip()
    year = content.cover.signed_on.year
    with ctx.db.reading() as s:
        taken = list(s.scalars(select(Submission.doc_number).where(Submission.doc_number.like(f"{agency}〔{year}〕%"))))
        previous = s.execute(select(Submission.doc_number, Submission.version)
                             .where(Submission.report == content.kind, Submission.period == str(content.period))
                             .order_by(Submission.version.desc()).limit(1)).first()
    number = next_doc_number(agency, year, [t for t in taken if t]) if agency else None
    content.cover.doc_number, content.cover.signer = number or "", ctx.user.display_name
    if previous is not None:
        which = previous[0] or f"此前报送的第 {previous[1]} 版"
        content.cover.paragraphs.insert(max(len(content.cover.paragraphs) - 1, 0),
                                        f"本报告更正{which}，请以本报告为准。")
    return number



def draft_letter(ctx: ServiceContext, report: str, period: Period, today: date | None = None) -> LetterText:
    """The letter as the program writes it from the figures: the reviewer's starting draft."""
    ctx.require(Permission.HOLD_SEAL)
    content = report_kind(report).build(ctx, period, today or clock.today())
    number_the_letter(ctx, content)
    cover = content.cover
    return LetterText(cover.recipient, "\n".join(cover.paragraphs), "\n".join(cover.attachments))


def apply_letter(content: ReportContent, letter: LetterText) -> None:
    """Put the reviewer's text into the letter; an empty 主送机关 or body is refused."""
    recipient = letter.recipient.strip().rstrip("：:")
    paragraphs = [p.strip() for p in letter.body.splitlines() if p.strip()]
    if not recipient:
        raise KnownError("主送机关不能为空（如“泉州市民政局”）。")
    if not paragraphs:
        raise KnownError("公文正文不能为空。")
    content.cover.recipient, content.cover.paragraphs = recipient, paragraphs
    content.cover.attachments = [a.strip() for a in letter.attachments.splitlines() if a.strip()]
