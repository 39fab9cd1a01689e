"""The table model and its proxy, without any window."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from fupin_desktop.services.records import RecordView
from fupin_desktop.ui.common.record_model import (
    ROW_ROLE,
    SORT_ROLE,
    Column,
    RecordFilterProxy,
    RecordTableModel,
)

DISPLAY = Qt.ItemDataRole.DisplayRole


def rows() -> list[RecordView]:
    return [
        RecordView(1, {"name": "晋江市鞋业商会", "credit_code": "51350582MJ0000001A", "kind": "social_group",
                       "status": "active", "rating": "4A"}, {"pairings": 2}),
        RecordView(2, {"name": "晋江市助学基金会", "credit_code": "53350582MJ0000002B", "kind": "foundation",
                       "status": "deregistered", "rating": None}, {"pairings": 10}),
        RecordView(3, {"name": "晋江市青阳养老服务中心", "credit_code": "52350582MJ0000003C",
                       "kind": "social_service_agency", "status": "active", "rating": "none"}, {"pairings": 0}),
    ]


def test_columns_come_from_the_forms_list_fields(ui_forms) -> None:
    spec = ui_forms["organization"]
    model = RecordTableModel(spec, rows(), extra=[("结对数", lambda r: r.extra["pairings"])])
    titles = [model.headerData(n, Qt.Orientation.Horizontal) for n in range(model.columnCount())]
    assert titles == [f.label for f in spec.list_fields] + ["结对数"]
    assert model.rowCount() == 3


def test_display_uses_the_field_display_and_roles_give_raw_values(ui_forms) -> None:
    model = RecordTableModel(ui_forms["organization"], rows(), extra=[("结对数", lambda r: r.extra["pairings"])])
    kind, status = model.column_of("组织类型"), model.column_of("状态")
    assert model.index(0, kind).data(DISPLAY) == "社会团体"
    assert model.index(1, status).data(DISPLAY) == "已注销"
    assert model.index(1, kind).data(SORT_ROLE) == "foundation"
    assert model.index(1, model.column_of("评估等级")).data(DISPLAY) == ""
    assert model.index(2, 0).data(ROW_ROLE).id == 3


def test_money_and_dates_display_and_sort_by_value(ui_forms) -> None:
    budget = Column("预算(万元)", lambda r: r.extra["fen"], ui_forms["project"].field("budget_fen").display, numeric=True)
    data = [RecordView(n, {"signed_on": d}, {"fen": fen}) for n, (d, fen) in
            enumerate([(date(2020, 5, 20), 9_000_000), (date(2020, 5, 3), 150_000), (None, 55_000_000)], start=1)]
    model = RecordTableModel(ui_forms["pairing"], data, fields=["signed_on"], extra=[budget])
    proxy = RecordFilterProxy()
    proxy.setSourceModel(model)
    assert model.index(1, 1).data(DISPLAY) == "0.15"
    assert model.index(0, 0).data(DISPLAY) == "2020-05-20"
    proxy.sort(1, Qt.SortOrder.AscendingOrder)
    assert [proxy.row_at(n).id for n in range(3)] == [2, 1, 3]  # 0.15 < 9.00 < 55.00, not as text
    proxy.sort(0, Qt.SortOrder.AscendingOrder)
    assert [proxy.row_at(n).id for n in range(3)] == [2, 1, 3]  # the empty date last


def test_proxy_filters_on_shown_text_and_on_a_predicate(ui_forms) -> None:
    model = RecordTableModel(ui_forms["organization"], rows())
    proxy = RecordFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_text_filter("基金会")
    assert [proxy.row_at(n).id for n in range(proxy.rowCount())] == [2]
    proxy.set_text_filter("")
    proxy.set_predicate(lambda r: r.values["status"] == "active")
    assert proxy.rowCount() == 2
    proxy.set_text_filter("社会服务")  # the kind's label, not its stored value
    assert [proxy.row_at(n).id for n in range(proxy.rowCount())] == [3]


def test_set_rows_resets_and_finds_rows_by_id(ui_forms) -> None:
    model = RecordTableModel(ui_forms["organization"])
    assert model.rowCount() == 0
    model.set_rows(rows())
    assert model.row_of_id(3) == 2
    assert model.row_of_id(99) == -1
