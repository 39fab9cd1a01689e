"""接收 page, issue 15: a package whose unit has no certificate registered yet can be kept (暂存);
the trust panel counts and lists what waits; registering the certificate receives it."""

from __future__ import annotations

from monthly_helpers import close_boxes
from PySide6.QtWidgets import QLabel
from test_ui_receiving_page import city, package, stick, wait_for  # noqa: F401  (fixtures)

from fupin_desktop.services.pending_packages import WAITING_FOR_CERTIFICATE
from fupin_desktop.ui.sealed.receiving_page import FAILED, RECEIVED_COLUMN, RESULT_COLUMN, ReceivingPage


def test_a_package_before_its_certificate_is_kept_listed_and_received_on_registration(qtbot, city, stick) -> None:  # noqa: F811
    page = ReceivingPage(city)
    qtbot.addWidget(page)
    page.show()
    packages = page.packages
    wait_for(qtbot, packages.add_paths([package(stick), stick / "tampered.zip"]))
    assert [packages.table.item(r, RESULT_COLUMN).text() for r in range(2)] == [FAILED, FAILED]
    packages.table.selectRow(0)
    assert "点“接收”可先暂存" in packages.detail.toPlainText()
    assert packages.receive_button.isEnabled()
    results = packages.receive_passed()  # only the intact one is kept; the tampered one is not offered
    assert [(r.file, r.accepted) for r in results] == [(package(stick).name, False)]
    assert packages.table.item(0, RECEIVED_COLUMN).text().startswith("已暂存：登记该单位（350582）的证书后自动重新验证")
    close_boxes()
    assert packages.history.table.rowCount() == 0

    page.setCurrentWidget(page.trust)
    trust = page.trust
    assert trust.pending_button.text() == "暂存的报送包：1 个…" and trust.pending_button.isEnabled()
    dialog = trust.show_pending()
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 0).text() == "350582"
    assert dialog.table.item(0, 6).text() == WAITING_FOR_CERTIFICATE
    assert package(stick).name in dialog.table.item(0, 0).toolTip()
    dialog.close()

    register = trust.register_certificate(stick / "晋江市民政局印章证书.pem")
    assert register is not None
    register.checked.setChecked(True)
    register.ok_button.click()
    texts = close_boxes()
    assert any("已登记" in t and "1 个已接收" in t for t in texts), texts
    assert trust.pending_button.text() == "暂存的报送包：0 个…" and not trust.pending_button.isEnabled()
    assert packages.history.table.rowCount() == 1  # the 已接收 list, refreshed when the certificate was registered


def test_with_nothing_waiting_the_button_says_0_and_is_disabled(qtbot, city) -> None:  # noqa: F811
    page = ReceivingPage(city)
    qtbot.addWidget(page)
    assert page.trust.pending_button.text() == "暂存的报送包：0 个…" and not page.trust.pending_button.isEnabled()


def test_an_administrator_deletes_a_waiting_package_with_a_reason(qtbot, city, stick) -> None:  # noqa: F811
    page = ReceivingPage(city)
    qtbot.addWidget(page)
    page.show()
    wait_for(qtbot, page.packages.add_paths([package(stick)]))
    page.packages.table.selectRow(0)
    page.packages.receive_passed()
    close_boxes()
    trust = page.trust
    dialog = trust.show_pending()
    assert dialog.discard_button.isVisible() and not dialog.discard_button.isEnabled()  # nothing chosen yet
    dialog.table.selectRow(0)
    assert dialog.discard_button.isEnabled()
    ask = dialog.discard_selected()
    assert ask is not None and package(stick).name in ask.findChild(QLabel).text()
    ask.accept()  # no reason: refused in the dialog, nothing deleted
    assert ask.isVisible() and ask.problem.text() == "请写明删除原因。"
    assert dialog.table.rowCount() == 1
    ask.reason.setText("晋江说这是测试包")
    ask.accept()
    assert not ask.isVisible() and dialog.table.rowCount() == 0
    assert trust.pending_button.text() == "暂存的报送包：0 个…"
    assert page.packages.history.table.rowCount() == 0  # deleted, never received
    dialog.close()
