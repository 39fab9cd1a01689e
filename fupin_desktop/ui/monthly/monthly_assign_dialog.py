"""指定结对: rows of a township workbook that matched no pairing (or several) are assigned by hand.

Nothing is guessed: each such row starts at “（请选择）” and the file is imported only when
every one of them has been given one of its candidate pairings. 不导入此文件 leaves the
whole file out.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fupin_desktop.services.monthly_import import MonthlyImportPlan, PlannedRow

CHOOSE = "（请选择）"
HEADERS = ("行", "村（社区）", "社会组织名称", "为什么没对上", "指定为哪个结对")


class AssignDialog(QDialog):
    """One combo per unmatched row; ``on_assigned({sheet row: pairing id})`` when 导入 is pressed."""

    def __init__(self, plan: MonthlyImportPlan, on_assigned: Callable[[dict[int, int]], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan, self.on_assigned = plan, on_assigned
        self.rows: list[PlannedRow] = plan.unmatched
        self.setWindowTitle(f"指定结对 — {plan.file.name}")
        layout = QVBoxLayout(self)
        intro = QLabel(f"文件「{plan.file.name}」（{plan.township} {plan.period.label_zh}，工作表「{plan.sheet}」）"
                       f"有 {len(self.rows)} 行认不出是哪个结对。请为每一行指定结对后再导入；"
                       "有一行不指定，整个文件都不导入。")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        matched = {r.pairing_id: r.source_row for r in plan.rows if r.pairing_id is not None}
        self.table = QTableWidget(len(self.rows), len(HEADERS))
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.combos: dict[int, QComboBox] = {}
        for n, row in enumerate(self.rows):
            for column, text in enumerate((str(row.source_row), row.village, row.organization, row.why)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if column == 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(n, column, item)
            combo = QComboBox()
            combo.addItem(CHOOSE, None)
            # Pairings no other row of the file has taken first: the likely answers.
            ordered = sorted(row.candidates, key=lambda c: c[0] in matched)
            for pairing_id, label in ordered:
                taken = matched.get(pairing_id)
                combo.addItem(label + (f"（已对应文件第{taken}行）" if taken else ""), pairing_id)
            combo.setMaxVisibleItems(20)
            combo.currentIndexChanged.connect(lambda _n: self._update())
            self.combos[row.source_row] = combo
            self.table.setCellWidget(n, 4, combo)
        header = self.table.horizontalHeader()
        for column in range(4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        layout.addWidget(self.table, 1)
        if plan.not_in_file:
            missing = QLabel("本月在期、文件里没有的结对：" + "；".join(plan.not_in_file))
            missing.setWordWrap(True)
            missing.setStyleSheet("color: #555;")
            layout.addWidget(missing)
        self.message = QLabel()
        self.message.setStyleSheet("color: #c62828;")
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.skip_button = QPushButton("不导入此文件")
        self.skip_button.clicked.connect(self.reject)
        self.import_button = QPushButton("导入")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.accept)
        buttons.addStretch(1)
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.import_button)
        layout.addLayout(buttons)
        self._update()
        self.resize(1000, 200 + 40 * min(len(self.rows), 10))

    def assignments(self) -> dict[int, int]:
        return {row: combo.currentData() for row, combo in self.combos.items() if combo.currentData() is not None}

    def choose(self, source_row: int, pairing_id: int) -> None:
        combo = self.combos[source_row]
        combo.setCurrentIndex(combo.findData(pairing_id))

    def _update(self) -> None:
        chosen = self.assignments()
        left = len(self.combos) - len(chosen)
        by_pairing: dict[int, list[int]] = {}
        for row, pairing_id in chosen.items():
            by_pairing.setdefault(pairing_id, []).append(row)
        twice = [rows for rows in by_pairing.values() if len(rows) > 1]
        if left:
            self.message.setText(f"还有 {left} 行没有指定结对。")
        elif twice:
            self.message.setText("第" + "行、第".join(map(str, twice[0])) + "行指定了同一个结对，请改正。")
        else:
            self.message.setText("")
        self.import_button.setEnabled(not left and not twice)

    def accept(self) -> None:
        if not self.import_button.isEnabled():
            return
        assignments = self.assignments()
        super().accept()
        self.on_assigned(assignments)
