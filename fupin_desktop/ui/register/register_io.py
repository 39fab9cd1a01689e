"""导入 Excel / 下载模板 for the organization, pairing and household registers.

The work is ``services.register_import``: ``import_register(ctx, kind, path)`` is a generator
yielding progress and returning ``ImportResult(created, updated, unchanged, warnings)``;
``template_for(ctx, kind, path)`` writes the blank workbook. Here: file dialogs, the job,
and the summary.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from fupin_desktop.services.context import ServiceContext
from fupin_desktop.ui.common import file_dialogs
from fupin_desktop.ui.common.operations import JobHandle, ProblemsDialog, inform, run_job, run_op

TITLES = {"organization": "社会组织名册", "pairing": "结对帮扶名单", "household": "帮扶对象名单"}
_EXCEL_FILTER = "Excel 工作簿 (*.xlsx)"


def _service() -> Any | None:
    try:
        from fupin_desktop.services import register_import
    except ImportError:
        return None
    return register_import


def _missing(parent: QWidget | None) -> None:
    inform(parent, "Excel 导入", "本程序版本还没有 Excel 导入和模板功能。")


def summary_text(result: Any) -> str:
    text = (f"新增 {getattr(result, 'created', 0)} 条，更新 {getattr(result, 'updated', 0)} 条，"
            f"未变 {getattr(result, 'unchanged', 0)} 条。")
    warnings = list(getattr(result, "warnings", None) or [])
    if warnings:
        text += f"\n有 {len(warnings)} 条提醒，请核对。"
    return text


def show_import_result(parent: QWidget | None, kind: str, result: Any) -> None:
    title = f"导入{TITLES[kind]}完成"
    warnings = list(getattr(result, "warnings", None) or [])
    if warnings:
        dialog = ProblemsDialog(summary_text(result), warnings, parent, title, color="#d35400")
        dialog.open()
    else:
        inform(parent, title, summary_text(result))


def start_import(parent: QWidget | None, ctx: ServiceContext, kind: str, path: Path,
                 on_done: Callable[[Any], None]) -> JobHandle | None:
    """Import ``path`` in a worker; ``on_done(result)`` after the summary is shown."""
    service = _service()
    if service is None:
        _missing(parent)
        return None
    import_register = service.import_register

    def done(result: Any) -> None:
        show_import_result(parent, kind, result)
        on_done(result)

    return run_job(parent, lambda: import_register(ctx, kind, path), done, f"导入{TITLES[kind]}")


def import_file(parent: QWidget | None, ctx: ServiceContext, kind: str,
                on_done: Callable[[Any], None]) -> JobHandle | None:
    if _service() is None:
        _missing(parent)
        return None
    path = file_dialogs.open_file(parent, f"import_{kind}", f"选择要导入的{TITLES[kind]}", _EXCEL_FILTER)
    if not path:
        return None
    return start_import(parent, ctx, kind, path, on_done)


def save_template(parent: QWidget | None, ctx: ServiceContext, kind: str) -> None:
    service = _service()
    if service is None:
        _missing(parent)
        return
    path = file_dialogs.save_file(parent, f"template_{kind}", f"保存{TITLES[kind]}模板", f"{TITLES[kind]}模板.xlsx",
                                  _EXCEL_FILTER)
    if not path:
        return
    target = path if path.suffix.lower() == ".xlsx" else path.with_name(f"{path.name}.xlsx")
    run_op(parent, lambda: service.template_for(ctx, kind, target),
           lambda _result: inform(parent, "模板已保存", f"模板已保存到：\n{target}\n填好后用“导入 Excel”读入。"))
