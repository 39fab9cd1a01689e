"""导入 Excel on the 月度统计 page: several township workbooks, one after the other.

For each file: ``planning`` in a worker (it reads and checks the file, in stages); then
problems → the problems table (nothing stored); rows it could not match → the assignment
dialog; then ``committing`` in a worker. The next file starts when the user has closed what
the previous one showed. ``on_imported(view)`` after each stored file. 取消 in the progress
dialog stops the file before it is stored (nothing of it is kept) and goes on to the next.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialog, QWidget

from fupin_desktop.domain.periods import Period
from fupin_desktop.errors import KnownError, ValidationFailed
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.monthly import MonthView
from fupin_desktop.services.monthly_import import (
    MonthlyImportPlan,
    commit_monthly_import,
    committing,
    planning,
)
from fupin_desktop.ui.common.operations import (
    JobHandle,
    ProblemsDialog,
    inform,
    run_job,
    show_error,
    staged,
)
from fupin_desktop.ui.common.widgets import open_dialog
from fupin_desktop.ui.monthly.monthly_assign_dialog import AssignDialog

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


class MonthlyImportFlow:
    """The files of one 导入 Excel (or one drop), in order; ``outcomes`` says what became of each."""

    def __init__(self, parent: QWidget, ctx: ServiceContext, paths: list[Path], *, township: str | None = None,
                 period: Period | None = None, on_imported: Callable[[MonthView], None] = lambda _v: None,
                 on_finished: Callable[[MonthlyImportFlow], None] = lambda _f: None) -> None:
        self.parent, self.ctx = parent, ctx
        self.queue = [Path(p) for p in paths]
        self.total = len(self.queue)
        self.township, self.period = township, period
        self.on_imported, self.on_finished = on_imported, on_finished
        self.outcomes: list[tuple[Path, str]] = []
        self.imported: list[MonthView] = []
        self.current: Path | None = None
        self.plan: MonthlyImportPlan | None = None
        self.job: JobHandle | None = None
        self.dialog: QDialog | None = None  # what the current file shows, until it is closed
        self.finished = False
        self.worth_telling = self.total > 1  # a summary box at the end (several files, rows missing)

    def start(self) -> MonthlyImportFlow:
        self._next()
        return self

    # --- one file ---------------------------------------------------------------------------------
    def _next(self) -> None:
        self.dialog, self.plan = None, None
        if not self.queue:
            self._finish()
            return
        path = self.current = self.queue.pop(0)
        ctx, township, period = self.ctx, self.township, self.period
        plan = staged(lambda: planning(ctx, path, township=township, period=period))
        self.job = run_job(self.parent, plan, self._planned, f"导入月报（{self.total - len(self.queue)}/{self.total}）",
                           on_cancelled=self._cancelled)

    def _planned(self, result: Any) -> None:
        if isinstance(result, KnownError):
            self._failed(result)
            return
        plan: MonthlyImportPlan = result
        self.plan = plan
        if plan.problems:
            # The service lists every problem (unmatched rows too) and stores nothing.
            try:
                commit_monthly_import(self.ctx, plan, {})
            except KnownError as exc:
                self._failed(exc)
                return
        if plan.unmatched:
            self.dialog = open_dialog(AssignDialog(plan, self._commit, self.parent))
            self.dialog.rejected.connect(lambda: self._skipped("未导入：没有为认不出的行指定结对"))
            return
        self._commit({})

    def _commit(self, assignments: dict[int, int]) -> None:
        plan = self.plan
        assert plan is not None
        ctx = self.ctx
        commit = staged(lambda: committing(ctx, plan, assignments))
        self.job = run_job(self.parent, commit, self._committed, "导入月报", on_cancelled=self._cancelled)

    def _cancelled(self) -> None:
        self.worth_telling = True
        self._skipped("已取消，未导入（没有保存这个文件的任何数据）")

    def _committed(self, result: Any) -> None:
        if isinstance(result, KnownError):
            self._failed(result)
            return
        view: MonthView = result
        plan = self.plan
        note = f"已导入 {view.township} {Period.parse(view.period).label_zh}（第 {view.revision} 版，{len(view.rows)} 行）"
        if plan is not None and plan.not_in_file:
            note += "；文件里没有这些在期结对的行：" + "、".join(plan.not_in_file)
            self.worth_telling = True
        self.outcomes.append((self._path(), note))
        self.imported.append(view)
        self.on_imported(view)
        self._next()

    def _failed(self, exc: KnownError) -> None:
        why = f"有 {len(exc.problems)} 处问题" if isinstance(exc, ValidationFailed) else str(exc)
        self.outcomes.append((self._path(), f"未导入：{why}"))
        title = f"未导入「{self._path().name}」"
        if isinstance(exc, ValidationFailed):
            self.dialog = open_dialog(ProblemsDialog(exc.summary, exc.problems, self.parent, title))
        else:
            self.dialog = show_error(self.parent, exc, title)
        self.dialog.finished.connect(lambda _code: self._next())

    def _skipped(self, note: str) -> None:
        self.outcomes.append((self._path(), note))
        self._next()

    def _path(self) -> Path:
        assert self.current is not None
        return self.current

    def _finish(self) -> None:
        self.finished = True
        self.current = None
        if self.worth_telling:
            self.dialog = inform(self.parent, "导入月报", self.summary())
        self.on_finished(self)

    def summary(self) -> str:
        return "\n".join(f"「{p.name}」：{note}" for p, note in self.outcomes)
