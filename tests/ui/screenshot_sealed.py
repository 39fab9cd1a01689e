"""Screenshots of 报送 and 接收 on a fresh demo county and a receiving city bureau (not a test).

    xvfb-run -a -s "-screen 0 1366x768x24" env QT_QPA_PLATFORM=xcb \\
        python tests/ui/screenshot_sealed.py /tmp/shots

Writes sealed-*.png: the 报送 page with its history and seal, the passphrase dialog, the
incomplete-months confirmation, the certificate registration, the 接收 page with a passed
and a refused package, and the 汇总 result.
"""

from __future__ import annotations

import sys
import tempfile
import time
import zipfile
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

sys.path.insert(0, str(Path(__file__).parent))

from screenshot import SIZE, settle, shoot  # noqa: E402

from fupin_desktop.documents.seal_key import cert_fingerprint, create_seal_key, load_certificate  # noqa: E402
from fupin_desktop.domain import clock
from fupin_desktop.domain.periods import Period  # noqa: E402
from fupin_desktop.intake.division_table import load_division_table  # noqa: E402
from fupin_desktop.services.context import Forms, ServiceContext  # noqa: E402
from fupin_desktop.services.demo import build_demo, give_demo_seal  # noqa: E402
from fupin_desktop.services.receiving import trust_add  # noqa: E402
from fupin_desktop.services.setup import initialize  # noqa: E402
from fupin_desktop.services.users import login  # noqa: E402
from fupin_desktop.store.db import Database  # noqa: E402
from fupin_desktop.ui.common.compat import guard_singleton_refcounts
from fupin_desktop.ui.common.fonts import install_fonts
from fupin_desktop.ui.common.operations import JobHandle
from fupin_desktop.ui.main_window import MainWindow
from fupin_desktop.ui.sealed.receiving_page import ReceivingPage
from fupin_desktop.ui.sealed.submission_page import SubmissionPage


def wait(app: QApplication, job: JobHandle | None, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while job is not None and not job.finished and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)
    settle(app)


def close_boxes(app: QApplication) -> None:
    settle(app)
    for w in QApplication.topLevelWidgets():
        if isinstance(w, QMessageBox) and w.isVisible():
            w.close()
    settle(app)


def tampered(path: Path, out: Path) -> Path:
    """The package with one byte of report.xlsx flipped, zipped again."""
    with zipfile.ZipFile(path) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    data = bytearray(files["report.xlsx"])
    data[len(data) // 2] ^= 0x01
    files["report.xlsx"] = bytes(data)
    with zipfile.ZipFile(out, "w") as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return out


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    guard_singleton_refcounts()
    app = QApplication(sys.argv[:1])
    print("fonts:", install_fonts(app))
    root = Path(tempfile.mkdtemp(prefix="fupin-sealed-shots-"))
    data, usb = root / "county", root / "usb"
    usb.mkdir()
    db = Database.open(data)
    build_demo(db, load_division_table())
    give_demo_seal(db, data)
    forms = Forms()
    reviewer = ServiceContext(db, forms, login(db, "reviewer", "demo"), data)
    approved = Period.of_date(clock.today()).previous().previous()

    window = MainWindow(reviewer)
    window.setGeometry(0, 0, *SIZE)
    window.show()
    page = window.show_page("报送")
    assert isinstance(page, SubmissionPage)
    page.out.set_folder(usb)
    page.picker.set_choice("monthly", approved)
    wait(app, page.submit_with("demo"))
    close_boxes(app)
    wait(app, page.submit_with("demo"))  # a correction: version 2
    close_boxes(app)
    page.picker.set_choice("monthly", approved.next())
    wait(app, page.submit_with("demo"))
    box = page.confirm_box
    assert box is not None
    settle(app)
    shoot(app, box, out, "sealed-03-incomplete-confirmation")
    box.button(QMessageBox.StandardButton.Yes).click()
    wait(app, page.job)
    close_boxes(app)
    page.picker.set_choice("quarter", Period.quarter(approved.year, (approved.index + 2) // 3))
    page.table.selectRow(1)
    shoot(app, window, out, "sealed-01-submission")
    dialog = page.seal_and_submit()
    assert dialog is not None
    dialog.edit.setText("demo")
    shoot(app, dialog, out, "sealed-02-passphrase-dialog")
    dialog.reject()
    certificate = page.seal_panel.export_to(root)
    close_boxes(app)
    assert certificate is not None
    window.close()

    clerk_window = MainWindow(ServiceContext(db, forms, login(db, "clerk", "demo"), data))
    clerk_window.setGeometry(0, 0, *SIZE)
    clerk_window.show()
    clerk_window.show_page("报送")
    shoot(app, clerk_window, out, "sealed-07-submission-clerk")
    clerk_window.close()
    admin_window = MainWindow(ServiceContext(db, forms, login(db, "admin", "demo"), data))
    admin_window.setGeometry(0, 0, *SIZE)
    admin_window.show()
    admin_window.show_page("报送")
    shoot(app, admin_window, out, "sealed-08-submission-admin")
    admin_window.close()

    city_dir = root / "city"
    city_db = Database.open(city_dir)
    initialize(city_db, bureau="泉州市民政局", division="350500", admin="admin", password="demo")
    city = ServiceContext(city_db, forms, login(city_db, "admin", "demo"), city_dir)
    city_window = MainWindow(city)
    city_window.setGeometry(0, 0, *SIZE)
    city_window.show()
    receiving = city_window.show_page("接收")
    assert isinstance(receiving, ReceivingPage)
    receiving.setCurrentWidget(receiving.trust)
    register = receiving.trust.register_certificate(certificate[0])
    assert register is not None
    register.checked.setChecked(True)
    settle(app)
    shoot(app, register, out, "sealed-04-register-certificate")
    register.accept()
    close_boxes(app)
    nanan = create_seal_key("南安市民政局", "350583", "某人", "secret-passphrase")
    (root / "nanan.pem").write_bytes(nanan.cert_pem)
    trust_add(city, root / "nanan.pem", "350583",
              confirmed_fingerprint=cert_fingerprint(load_certificate(nanan.cert_pem)))  # has not sent anything
    receiving.refresh()
    shoot(app, city_window, out, "sealed-09-trust-list")
    good = sorted(usb.glob("*_v1.zip"))[0]
    bad = tampered(good, root / "被改动的报送包.zip")
    wait(app, receiving.add_paths([good, bad]))
    receiving.packages.table.selectRow(1)
    shoot(app, city_window, out, "sealed-05-receiving")
    receiving.packages.receive_passed()
    close_boxes(app)
    receiving.setCurrentWidget(receiving.aggregate)
    receiving.aggregate.picker.set_choice("monthly", approved)
    wait(app, receiving.aggregate.run_to(root / "out"))
    shoot(app, city_window, out, "sealed-06-aggregate")
    city_window.close()
    city_db.dispose()
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/shots")))
