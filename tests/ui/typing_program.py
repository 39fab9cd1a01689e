"""A real program process for the kill test: the main window on a data folder, a clerk typing
one figure into a month's grid; prints ``typed`` once the autosaved draft is on disk, then
waits to be killed.  ``python typing_program.py DATA_DIR TOWNSHIP_ID PERIOD TEXT``"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from fupin_desktop.services import drafts  # noqa: E402
from fupin_desktop.services.context import Forms, ServiceContext  # noqa: E402
from fupin_desktop.services.users import login  # noqa: E402
from fupin_desktop.store.db import Database  # noqa: E402
from fupin_desktop.ui.common.compat import guard_singleton_refcounts
from fupin_desktop.ui.main_window import MainWindow


def main() -> None:
    data_dir, township_id, period, text = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
    guard_singleton_refcounts()
    app = QApplication([])
    db = Database.open(data_dir, create=False)
    window = MainWindow(ServiceContext(db, Forms(), login(db, "clerk", "demo"), data_dir))
    window.show()
    page = window.open_month(township_id, period)
    model = page.grid.model
    model.set_cells([(0, model.column_of("funds_fen"), text)])  # as the grid's editor commits a cell

    def written() -> None:
        if drafts.list_drafts(data_dir, "clerk"):
            print("typed", flush=True)
        else:
            QTimer.singleShot(50, written)

    written()
    app.exec()


if __name__ == "__main__":
    main()
