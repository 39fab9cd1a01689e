"""What a hand save changed: cells that differ from the version before, nothing for new rows."""

from fupin_desktop.domain.monthly_changes import cell_changes


def test_changed_figures_and_texts_are_listed_and_unchanged_ones_are_not() -> None:
    before = {1: {"funds_fen": 12500, "content": "走访", "jobs": 0}, 2: {"funds_fen": 100}}
    after = [(1, {"funds_fen": 18000, "content": " 走访 ", "jobs": None}), (2, {"funds_fen": 100}),
             (3, {"funds_fen": 5})]
    changes = cell_changes(before, after)
    assert [(c.pairing_id, c.field, c.old, c.new) for c in changes] == [(1, "funds_fen", 12500, 18000)]


def test_a_text_emptied_is_a_change() -> None:
    changes = cell_changes({7: {"progress": "已完成"}}, [(7, {"progress": ""})])
    assert [c.as_dict() for c in changes] == [{"pairing_id": 7, "field": "progress", "from": "已完成", "to": ""}]
