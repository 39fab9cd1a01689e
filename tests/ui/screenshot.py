"""Screenshots of every page and the main dialogs on a fresh demo county (not a test).

    xvfb-run -a -s "-screen 0 1366x768x24" env QT_QPA_PLATFORM=xcb \\
        python tests/ui/screenshot.py /tmp/shots

Look at the PNGs: Chinese must render (no empty boxes), including 王𠮷 and 陈堃.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from fupin_desktop.domain import clock
from fupin_desktop.intake.division_table import load_division_table
from fupin_desktop.services.context import Forms, ServiceContext
from fupin_desktop.services.demo import build_demo
from fupin_desktop.services.households import list_households
from fupin_desktop.services.users import login
from fupin_desktop.store.db import Database
from fupin_desktop.ui.admin.login_dialog import LoginDialog
from fupin_desktop.ui.common import unsaved
from fupin_desktop.ui.common.compat import guard_singleton_refcounts
from fupin_desktop.ui.common.fonts import install_fonts
from fupin_desktop.ui.common.form_dialog import FormDialog
from fupin_desktop.ui.main_window import MainWindow
from fupin_desktop.ui.register.organizations_page import OrganizationsPage
from fupin_desktop.ui.register.pairing_dialog import PairingDialog
from fupin_desktop.ui.register.pairings_page import PairingsPage
from fupin_desktop.ui.register.places_page import PlacesPage

SIZE = (1366, 740)  # 768 less a taskbar


def settle(app: QApplication, rounds: int = 5) -> None:
    for _ in range(rounds):
        app.processEvents()


def shoot(app: QApplication, widget: QWidget, out: Path, name: str) -> None:
    settle(app)
    path = out / f"{name}.png"
    widget.grab().save(str(path))
    print(path)


def main(out: Path) -> int:
    unsaved.ask_discard_typed = lambda _parent: True  # a script: 取消 throws the typing away unasked
    out.mkdir(parents=True, exist_ok=True)
    guard_singleton_refcounts()
    app = QApplication(sys.argv[:1])
    print("fonts:", install_fonts(app))
    data = Path(tempfile.mkdtemp(prefix="fupin-shots-"))
    db = Database.open(data)
    build_demo(db, load_division_table())
    forms = Forms()

    def ctx_for(username: str) -> ServiceContext:
        return ServiceContext(db, forms, login(db, username, "demo"), data)

    login_dialog = LoginDialog(db, "晋江市民政局", "clerk")
    login_dialog.show()
    login_dialog.password.setText("wrong")
    login_dialog.try_login()
    shoot(app, login_dialog, out, "01-login-wrong-password")
    login_dialog.close()

    clerk = ctx_for("clerk")
    window = MainWindow(clerk)
    window.setGeometry(0, 0, *SIZE)
    window.show()
    shoot(app, window, out, "02-home")

    orgs = window.show_page("社会组织")
    assert isinstance(orgs, OrganizationsPage)
    shoot(app, window, out, "03-organizations")
    orgs.search.setText("jjsjjh")
    orgs.search.flush()
    shoot(app, window, out, "04-organizations-pinyin-search")
    orgs.search.setText("")
    orgs.search.flush()

    dialog = orgs.new_record()
    editors = dialog.panel.editors
    editors["name"].set_value("晋江市测试志愿者协会")
    editors["credit_code"].set_value("51350582MJ0T000140")
    editors["contact_phone"].set_value("12345")
    editors["rating"].set_value("4A")
    dialog.save()
    shoot(app, dialog, out, "05-organization-dialog-errors")
    dialog.reject()

    places = window.show_page("村社与帮扶对象")
    assert isinstance(places, PlacesPage)
    places.townships.setCurrentRow(1)
    shoot(app, window, out, "06-places-villages")
    places.townships.setCurrentRow(0)
    places.tabs.setCurrentWidget(places.households)
    special = {h.values["head_name"]: h for h in list_households(clerk) if h.values["head_name"] in ("王𠮷", "陈堃")}
    id_column = places.households.model.column_of("户主身份证号")
    places.households.table.sortByColumn(id_column, Qt.SortOrder.AscendingOrder)  # the first two come first
    shoot(app, window, out, "07-households-masked")
    places.households.open_record(special["王𠮷"])
    household_dialog = places.households.findChild(FormDialog)
    assert household_dialog is not None
    household_dialog.show()
    shoot(app, household_dialog, out, "08-household-dialog-clerk")
    household_dialog.reject()
    places.tabs.setCurrentWidget(places.institutions)
    shoot(app, window, out, "09-institutions")

    pairings = window.show_page("结对帮扶")
    assert isinstance(pairings, PairingsPage)
    shoot(app, window, out, "10-pairings")
    two = next(r for r in pairings.shown_rows() if len(r.extra["projects"]) == 2)
    pairings.open_record(two)
    pairing_dialog = pairings.findChild(PairingDialog)
    assert pairing_dialog is not None
    shoot(app, pairing_dialog, out, "11-pairing-dialog-edit")
    pairing_dialog.reject()
    new = pairings.new_record()
    new.panel.editors["signed_on"].edit.set_date(date(clock.today().year, 6, 1))
    new.save()
    shoot(app, new, out, "12-pairing-dialog-errors")
    new.reject()

    window.show_page("年检年报")
    shoot(app, window, out, "13-placeholder")  # the monthly pages: screenshot_monthly.py
    window.show_page("系统")
    shoot(app, window, out, "14-system-clerk")
    window.close()

    admin_window = MainWindow(ctx_for("admin"))
    admin_window.setGeometry(0, 0, *SIZE)
    admin_window.show()
    system = admin_window.show_page("系统")
    shoot(app, admin_window, out, "15-system-admin-users")
    system.setCurrentIndex(1)
    shoot(app, admin_window, out, "16-system-admin-audit")
    lock = admin_window.lock_screen()  # as after the idle time
    settle(app)
    shoot(app, admin_window, out, "17-locked-window")
    shoot(app, lock, out, "18-unlock-dialog")
    lock.password.setText("demo")
    lock.try_unlock()
    admin_window.close()
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/shots")))
