"""Setting up a bureau from the first-run wizard's answers: all of it or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from fupin_desktop.errors import KnownError, ValidationFailed
from fupin_desktop.services import first_run
from fupin_desktop.services.first_run import BureauPlan, division_choices, set_up_bureau


def _plan(**changes: str) -> BureauPlan:
    plan = BureauPlan(bureau_name="石狮市民政局", division="350581", admin="admin", password="pass1",
                      password_again="pass1", reviewer="lin", reviewer_password="pass2")
    for key, value in changes.items():
        setattr(plan, key, value)
    return plan


def test_divisions_are_found_by_name_or_code_at_county_city_and_province_level() -> None:
    assert [c.text for c in division_choices("石狮")] == ["350581  福建省泉州市石狮市（县级）"]
    assert division_choices("350000")[0].bureau_name == "福建省民政厅"
    assert all(len(c.code) == 6 for c in division_choices("3505"))
    assert "市辖区" not in {c.name for c in division_choices("3501")}


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"division": "350581001"}, "division", "不是区划代码表里的县级"),
    ({"bureau_name": " "}, "bureau_name", "请填写单位名称"),
    ({"password_again": "pass9"}, "admin_password_again", "不一样"),
    ({"reviewer": "admin"}, "reviewer", "两个不同"),
    ({"seal_passphrase": "short"}, "seal_passphrase", "至少"),
    ({"admin": "管理员"}, "admin", "只能用字母"),
])
def test_a_wrong_answer_is_refused_by_its_field_and_nothing_is_created(tmp_path: Path, changes: dict[str, str],
                                                                      field: str, words: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        set_up_bureau(tmp_path / "数据", _plan(**changes))
    assert [p.field for p in refused.value.problems] == [field] and words in refused.value.problems[0].message
    assert not (tmp_path / "数据").exists()


def test_a_failure_half_way_leaves_the_folder_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "数据"
    data.mkdir()
    (data / "logs").mkdir()  # the program's log, there before the wizard
    folder = tmp_path / "备份"
    folder.mkdir()

    def disk_full(*_args: object) -> None:
        raise KnownError("磁盘已满")

    monkeypatch.setattr(first_run, "set_automatic", disk_full)
    with pytest.raises(KnownError, match="磁盘已满"):
        set_up_bureau(data, _plan(seal_passphrase="a-long-passphrase", backup_folder=str(folder)))
    assert sorted(p.name for p in data.iterdir()) == ["logs"]  # no database, no seal folder
    set_up_bureau(data, _plan())  # and the wizard can simply be finished again
