"""Qt's own words in 简体中文: the buttons of message boxes, file and print dialogs, context menus.

Qt ships its translations (qtbase_zh_CN.qm) beside its libraries; without them a Chinese
program shows "Cancel", "Look in:" and "Select All". A frozen build carries the same files.
"""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

__all__ = ["install_chinese"]

_CATALOGUES = ("qtbase", "qt")
# What Qt's own 简体中文 catalogue leaves in English (seen in the file dialog of Qt 6.8–6.11).
_GAPS = {("QFileDialog", "&Look in:"): "查找范围(&L)：", ("QFileDialog", "Files of &type:"): "文件类型(&T)："}


class _Gaps(QTranslator):
    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        return _GAPS.get((context, source))  # None: not ours, the next catalogue answers

    def isEmpty(self) -> bool:  # noqa: N802 (Qt's name)
        return False


def install_chinese(app: QApplication) -> list[str]:
    """Load Qt's 简体中文 catalogues into ``app`` (once); the names of those loaded."""
    chinese = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
    QLocale.setDefault(chinese)  # dates, numbers and the calendar's month names
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    loaded: list[str] = []
    for name in _CATALOGUES:
        if app.property(f"fupin_{name}"):
            loaded.append(name)
            continue
        translator = QTranslator(app)  # parented: lives as long as the application
        if translator.load(chinese, name, "_", folder):
            app.installTranslator(translator)
            app.setProperty(f"fupin_{name}", True)
            loaded.append(name)
    if not app.property("fupin_gaps"):
        app.installTranslator(_Gaps(app))  # installed last, asked first
        app.setProperty("fupin_gaps", True)
    return loaded
