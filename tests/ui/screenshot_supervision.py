"""Screenshots of 监督检查 at 1024 × 768 (an old office screen): 信息核对和抽查 with a sample and
a few checks, the draw and the check dialogs (one refusal shown under its field), a clerk's view,
and 查处线索 with a planted fundraising case marked handled (not a test).

    QT_QPA_PLATFORM=offscreen python tests/ui/screenshot_supervision.py /tmp/shots

Look at the PNGs: no text cut off, no Chinese shown as boxes.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from fupin_desktop.domain import clock
from fupin_desktop.intake.division_table import load_division_table
from fupin_desktop.services import enforcement, spotcheck
from fupin_desktop.services.context import Forms, ServiceContext
from fupin_desktop.services.demo import build_demo
from fupin_desktop.services.enforcement import EnforcementKind
from fupin_desktop.services.users import login
from fupin_desktop.store.db import Database
from fupin_desktop.store.models import Organization, Pairing
from fupin_desktop.ui.common import unsaved
from fupin_desktop.ui.common.compat import guard_singleton_refcounts
from fupin_desktop.ui.common.fonts import install_fonts
from fupin_desktop.ui.main_window import MainWindow
from fupin_desktop.ui.supervision.enforcement_tab import EnforcementTab
from fupin_desktop.ui.supervision.spotcheck_tab import SpotcheckTab
from fupin_desktop.ui.supervision.supervision_page import SupervisionPage

SIZE = (1024, 768)
sys.path.insert(0, str(Path(__file__).parent))
from screenshot import settle, shoot  # noqa: E402


def plant(ctx: ServiceContext) -> int:
    """A case for the 无资格募捐 list: a pairing in term whose project plans a public 众筹."""
    today = clock.today()
    with ctx.db.transaction() as s:
        p = s.scalars(select(Pairing).where(Pairing.status == "active", Pairing.term_end >= today)
                      .order_by(Pairing.id)).first()
        assert p is not None and p.projects
        p.projects[0].indicators = "通过腾讯公益平台众筹 10 万元建设村道路灯"
        s.get(Organization, p.organization_id).public_fundraising = None
        return p.organization_id


def main(out: Path) -> int:
    unsaved.ask_discard_typed = lambda _parent: True  # a script: 取消 throws the typing away unasked
    out.mkdir(parents=True, exist_ok=True)
    guard_singleton_refcounts()
    app = QApplication(sys.argv[:1])
    print("fonts:", install_fonts(app))
    data = Path(tempfile.mkdtemp(prefix="fupin-supervision-shots-"))
    db = Database.open(data)
    build_demo(db, load_division_table())
    forms = Forms()

    def ctx_for(username: str) -> ServiceContext:
        return ServiceContext(db, forms, login(db, username, "demo"), data)

    reviewer, clerk = ctx_for("reviewer"), ctx_for("clerk")
    today = clock.today()
    view = spotcheck.draw(reviewer, today.year, 24, f"{today:%Y%m%d}")
    checks = view.checks
    spotcheck.record(reviewer, view.summary.id, checks[0].agreement_no, checked_on=today, method="实地",
                     findings="走访村委会和受助户，帮扶资金已到位，物资发放台账缺受助户签字", truthful=False,
                     rectification="补齐物资发放签收表，更正月报", rectify_by=today + timedelta(days=30))
    spotcheck.record(reviewer, view.summary.id, checks[1].agreement_no, checked_on=today, method="电话",
                     findings="与村委会主任电话核实，情况属实", truthful=True)
    spotcheck.record(reviewer, view.summary.id, checks[2].agreement_no, checked_on=today, method="材料",
                     findings="核对拨付凭证和受助名单")
    org_id = plant(reviewer)
    enforcement.mark_handled(clerk, EnforcementKind.FUNDRAISING, org_id, today.year,
                             "已约谈负责人，责令停止众筹，改由有公开募捐资格的基金会开展")

    window = MainWindow(reviewer)
    window.setGeometry(0, 0, *SIZE)
    window.show()
    page = window.show_page("监督检查")
    assert isinstance(page, SupervisionPage)
    tab = page.show_tab("信息核对和抽查")
    assert isinstance(tab, SpotcheckTab)
    tab.table.selectRow(0)
    shoot(app, window, out, "supervision-01-spotcheck-reviewer")
    draw = tab.open_draw()
    assert draw is not None
    shoot(app, draw, out, "supervision-02-draw-dialog")
    draw.reject()
    dialog = tab.open_selected()
    assert dialog is not None
    dialog.rectify_by.set_date(today - timedelta(days=2))
    dialog.save()  # refused: 整改期限 before the check, said under the field
    shoot(app, dialog, out, "supervision-03-check-dialog-refusal")
    dialog.reject()
    leads = page.show_tab("查处线索")
    assert isinstance(leads, EnforcementTab)
    leads.kind.setCurrentIndex(leads.kind.findData(EnforcementKind.FUNDRAISING.value))
    leads.table.selectRow(0)
    shoot(app, window, out, "supervision-04-enforcement-fundraising")
    leads.kind.setCurrentIndex(0)
    leads.table.selectRow(0)
    shoot(app, window, out, "supervision-05-enforcement-all")
    mark = leads.open_selected()
    assert mark is not None
    shoot(app, mark, out, "supervision-06-mark-dialog")
    mark.reject()
    window.close()

    cwindow = MainWindow(clerk)
    cwindow.setGeometry(0, 0, *SIZE)
    cwindow.show()
    cpage = cwindow.show_page("监督检查")
    assert isinstance(cpage, SupervisionPage)
    settle(app)
    shoot(app, cwindow, out, "supervision-07-spotcheck-clerk")
    cwindow.close()
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/shots")))
