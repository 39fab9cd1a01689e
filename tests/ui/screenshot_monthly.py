"""Screenshots of the monthly statistics on a fresh demo county (not a test).

    xvfb-run -a -s "-screen 0 1366x768x24" env QT_QPA_PLATFORM=xcb \\
        python tests/ui/screenshot_monthly.py /tmp/shots

Writes monthly-*.png: the 首页 dashboard, a month's grid (with flags, then refused cells),
the review state, the assignment dialog and the 汇总分析 page.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).parent))

from screenshot import SIZE, settle, shoot  # noqa: E402

from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period  # noqa: E402
from fupin_desktop.intake.division_table import load_division_table  # noqa: E402
from fupin_desktop.services import monthly_status  # noqa: E402
from fupin_desktop.services.context import Forms, ServiceContext  # noqa: E402
from fupin_desktop.services.demo import build_demo  # noqa: E402
from fupin_desktop.services.monthly_documents import write_township_template  # noqa: E402
from fupin_desktop.services.users import login  # noqa: E402
from fupin_desktop.store.db import Database  # noqa: E402
from fupin_desktop.ui.common.compat import guard_singleton_refcounts
from fupin_desktop.ui.common.fonts import install_fonts
from fupin_desktop.ui.main_window import MainWindow
from fupin_desktop.ui.monthly.monthly_assign_dialog import AssignDialog
from fupin_desktop.ui.monthly.monthly_page import MonthlyPage
from fupin_desktop.ui.monthly.summary_page import SummaryPage


def fill(path: Path, rename_village_of_row: int) -> None:
    """Fill a township template as a clerk would, with one village typed wrong."""
    book = load_workbook(path)
    sheet = book.worksheets[0]
    columns = {}
    for column in range(1, sheet.max_column + 1):
        for row in (3, 4):
            text = str(sheet.cell(row, column).value or "")
            for label in ("村（社区）", "具体帮扶内容", "进展情况", "投入资金", "受益人数"):
                if text.startswith(label):
                    columns[label] = column
    n = 0
    for row in range(5, sheet.max_row + 1):
        if not isinstance(sheet.cell(row, 1).value, int):
            continue
        n += 1
        sheet.cell(row, columns["具体帮扶内容"], f"入户走访 {n} 户，发放助学金")
        sheet.cell(row, columns["进展情况"], "已完成")
        sheet.cell(row, columns["投入资金"], "1.5")
        sheet.cell(row, columns["受益人数"], "20")
        if n == rename_village_of_row:
            sheet.cell(row, columns["村（社区）"], "新建安置小区")
    book.save(path)


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    guard_singleton_refcounts()
    app = QApplication(sys.argv[:1])
    print("fonts:", install_fonts(app))
    data = Path(tempfile.mkdtemp(prefix="fupin-monthly-shots-"))
    db = Database.open(data)
    build_demo(db, load_division_table())
    forms = Forms()

    def ctx_for(username: str) -> ServiceContext:
        return ServiceContext(db, forms, login(db, username, "demo"), data)

    clerk, reviewer = ctx_for("clerk"), ctx_for("reviewer")
    last = Period.of_date(clock.today()).previous()
    board = monthly_status.status_board(clerk, last)

    window = MainWindow(clerk)
    window.setGeometry(0, 0, *SIZE)
    window.show()
    shoot(app, window, out, "monthly-01-home-dashboard")

    page = window.show_page("月度统计")
    assert isinstance(page, MonthlyPage)
    draft = max((b for b in board if b.status == "draft"), key=lambda b: b.pairings)
    page.show_month(draft.township_id, last)
    shoot(app, window, out, "monthly-02-grid-draft")
    grid = page.grid
    funds = grid.model.column_of("funds_fen")
    grid.model.set_cells([(0, funds, "-2"), (1, grid.model.column_of("beneficiaries"), "很多")])
    page.save()
    shoot(app, window, out, "monthly-03-grid-refused")
    grid.model.dirty = False
    window.close()

    review_window = MainWindow(reviewer)
    review_window.setGeometry(0, 0, *SIZE)
    review_window.show()
    review = review_window.show_page("月度统计")
    assert isinstance(review, MonthlyPage)
    submitted = max((b for b in board if b.status == "submitted"), key=lambda b: b.pairings)
    review.show_month(submitted.township_id, last)
    shoot(app, review_window, out, "monthly-04-review-submitted")
    dialog = review.return_month()
    assert dialog is not None
    dialog.text.setPlainText("第 3 行投入资金与凭证不符，请核对后重报")
    settle(app)
    shoot(app, dialog, out, "monthly-05-return-dialog")
    dialog.accept()
    shoot(app, review_window, out, "monthly-06-returned")
    months = monthly_status.recent_periods(months=12)
    returned = next((b, m) for m in months for b in monthly_status.status_board(clerk, m) if b.status == "returned"
                    and m != last)
    review.show_month(returned[0].township_id, returned[1])
    shoot(app, review_window, out, "monthly-07-returned-demo-month")
    approved = monthly_status.status_board(clerk, last.previous())[0]
    review.show_month(approved.township_id, last.previous())
    shoot(app, review_window, out, "monthly-08-approved-read-only")

    future = Period.month(clock.today().year + 1, 6)
    tid = next(b.township_id for b in board if b.pairings >= 6)
    path = write_township_template(clerk, tid, future, data / "templates")
    fill(path, rename_village_of_row=2)
    review.show_month(tid, future)
    flow = review.import_paths([path])
    assert flow is not None
    for _ in range(500):
        settle(app)
        if isinstance(flow.dialog, AssignDialog):
            break
        time.sleep(0.01)
    assign = flow.dialog
    assert isinstance(assign, AssignDialog), flow.outcomes
    shoot(app, assign, out, "monthly-09-assign-dialog")
    assign.reject()

    summary = review_window.show_page("汇总分析")
    assert isinstance(summary, SummaryPage)
    summary.set_period(Period.quarter(last.previous().year, (last.previous().index - 1) // 3 + 1), "township")
    shoot(app, review_window, out, "monthly-10-summary-township")
    summary.set_period(Period.annual(last.previous().year), "organization")
    shoot(app, review_window, out, "monthly-11-summary-organization")
    review_window.close()
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/shots")))
