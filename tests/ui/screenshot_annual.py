"""Screenshots of the year's work: 首页 with the deadline calendar, 年检年报 (checklist filter on),
the inspection dialog with attachments, 年终评估 and a campaign's year (not a test).

    xvfb-run -a -s "-screen 0 1366x768x24" env QT_QPA_PLATFORM=xcb \\
        python tests/ui/screenshot_annual.py /tmp/shots
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QScrollArea

from fupin_desktop.domain import clock
from fupin_desktop.intake.division_table import load_division_table
from fupin_desktop.services import evaluations, inspections
from fupin_desktop.services.campaigns import list_campaigns
from fupin_desktop.services.context import Forms, ServiceContext
from fupin_desktop.services.demo import build_demo
from fupin_desktop.services.users import login
from fupin_desktop.store.db import Database
from fupin_desktop.ui.annual.inspections_page import InspectionsPage
from fupin_desktop.ui.common.compat import guard_singleton_refcounts
from fupin_desktop.ui.common.fonts import install_fonts
from fupin_desktop.ui.home_page import HomePage
from fupin_desktop.ui.main_window import MainWindow
from fupin_desktop.ui.register.pairings_page import PairingsPage

SIZE = (1366, 740)
sys.path.insert(0, str(Path(__file__).parent))
from screenshot import settle, shoot  # noqa: E402


def files(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    made = {}
    for name in ("2025年度参与脱贫攻坚工作情况.pdf", "2026年度工作计划.pdf", "帮扶协议扫描件.pdf"):
        made[name] = folder / name
        made[name].write_bytes(b"%PDF-1.4\n% " + name.encode() + b"\n%%EOF\n")
    image = QImage(320, 200, QImage.Format.Format_RGB32)
    image.fill(QColor("#4a90d9"))
    made["入户走访照片.png"] = folder / "入户走访照片.png"
    image.save(str(made["入户走访照片.png"]))
    made["x.pdf"] = folder / "x.pdf"
    made["x.pdf"].write_bytes(b"MZ" + bytes(4096))
    return made


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    guard_singleton_refcounts()
    app = QApplication(sys.argv[:1])
    print("fonts:", install_fonts(app))
    data = Path(tempfile.mkdtemp(prefix="fupin-annual-shots-"))
    db = Database.open(data)
    build_demo(db, load_division_table())
    forms = Forms()

    def ctx_for(username: str) -> ServiceContext:
        return ServiceContext(db, forms, login(db, username, "demo"), data)

    clerk = ctx_for("clerk")
    year = clock.today().year - 1
    made = files(data.parent / f"{data.name}-in")
    # A few inspections already in, so the table shows every state.
    rows = inspections.checklist(clerk, year)
    for n, row in enumerate(rows[:6]):
        view = inspections.save_inspection(clerk, row.organization_id, year, result="合格" if n % 3 else "基本合格",
                                           received_on=date(clock.today().year, 3, 10 + n))
        inspections.add_attachment(clerk, view.id, made["2025年度参与脱贫攻坚工作情况.pdf"], "上一年度参与脱贫攻坚工作情况")
        if n % 2 == 0:
            inspections.add_attachment(clerk, view.id, made["2026年度工作计划.pdf"], "年度工作计划")
        if n == 0:
            inspections.add_attachment(clerk, view.id, made["入户走访照片.png"], "照片")

    window = MainWindow(clerk)
    window.setGeometry(0, 0, *SIZE)
    window.show()
    home = window.pages["首页"]
    assert isinstance(home, HomePage)
    scroll = home.findChild(QScrollArea)
    settle(app)
    scroll.verticalScrollBar().setValue(home.calendar.y() - 8)
    shoot(app, window, out, "annual-01-home-calendar")

    page = window.show_page("年检年报")
    assert isinstance(page, InspectionsPage)
    shoot(app, window, out, "annual-02-inspections")
    page.only_missing.setChecked(True)
    shoot(app, window, out, "annual-03-inspections-checklist")
    page.only_missing.setChecked(False)
    page.select_org(rows[1].organization_id)
    dialog = page.open_selected()
    assert dialog is not None
    dialog.add_files([made["帮扶协议扫描件.pdf"], made["入户走访照片.png"]], "协议")
    dialog.add_files([made["x.pdf"]])
    dialog.table.selectRow(0)
    shoot(app, dialog, out, "annual-04-inspection-dialog")
    dialog.reject()
    new = page.new_inspection()
    assert new is not None and new.org_editor is not None
    new.org_editor.edit.setText("晋江市")
    new.org_editor._refresh("晋江市")
    shoot(app, new, out, "annual-08-new-inspection")
    new.reject()
    window.close()

    reviewer = ctx_for("reviewer")
    rwindow = MainWindow(reviewer)
    rwindow.setGeometry(0, 0, *SIZE)
    rwindow.show()
    pairings = rwindow.show_page("结对帮扶")
    assert isinstance(pairings, PairingsPage)
    pairings.table.selectRow(0)
    shoot(app, rwindow, out, "annual-05-pairings-reviewer")
    evaluation = pairings.evaluate_button
    evaluation.click()
    from fupin_desktop.ui.register.evaluation_dialog import EvaluationDialog

    dialog_e = pairings.findChild(EvaluationDialog)
    assert dialog_e is not None
    dialog_e.grade.setCurrentIndex(0)
    dialog_e.remarks.setPlainText("按协议完成产业帮扶和助学任务，受益户反映良好。")
    shoot(app, dialog_e, out, "annual-06-evaluation-dialog")
    dialog_e.save()
    campaign = next(c for c in list_campaigns(reviewer) if c.values["name"] == "百社解千难")
    for p in pairings.shown_rows()[1:4]:
        if p.values.get("campaign") == "百社解千难":
            evaluations.evaluate(reviewer, p.id, clock.today().year, "优秀", "")
    rhome = rwindow.show_page("首页")
    assert isinstance(rhome, HomePage)
    campaign_dialog = rhome.open_campaign(campaign.id, campaign.values["name"])
    shoot(app, campaign_dialog, out, "annual-07-campaign-year")
    campaign_dialog.accept()
    rwindow.close()
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/shots")))
