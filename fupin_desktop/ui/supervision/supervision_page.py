"""监督检查 (notice 003, 四、创造条件): the bureau's checks on the register, one tab per kind.

Each tab is a widget of its own module in this package, built the first time it is shown
(its services, and the PDF and Excel code behind them, are imported then) and re-read each time
it is shown again or the page is. A tab is a ``QWidget`` whose class takes ``(ctx, parent)`` and
has ``refresh()``; adding one is a line in ``TABS``.
"""

from __future__ import annotations

import importlib

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from fupin_desktop.services.context import ServiceContext

# (tab text, module in fupin_desktop.ui.supervision, class), in the order shown.
TABS: list[tuple[str, str, str]] = [
    ("信息核对和抽查", "spotcheck_tab", "SpotcheckTab"),
    ("查处线索", "enforcement_tab", "EnforcementTab"),
    ("年初部署·年中检查·年终验收", "visits_tab", "VisitsTab"),
]


class SupervisionPage(QWidget):
    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.built: dict[str, QWidget] = {}
        self._holders: list[QWidget] = []
        for text, _module, _name in TABS:
            holder = QWidget()  # the tab's widget goes in when the tab is first shown
            box = QVBoxLayout(holder)
            box.setContentsMargins(0, 4, 0, 0)
            self._holders.append(holder)
            self.tabs.addTab(holder, text)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.tabs.currentChanged.connect(self._shown)
        self._shown(self.tabs.currentIndex())

    def _build(self, index: int) -> QWidget:
        text, module, name = TABS[index]
        tab: QWidget = getattr(importlib.import_module(f"fupin_desktop.ui.supervision.{module}"), name)(self.ctx)
        layout = self._holders[index].layout()
        assert layout is not None
        layout.addWidget(tab)
        self.built[text] = tab
        return tab

    def _shown(self, index: int) -> None:
        if index < 0:
            return
        text = TABS[index][0]
        if text in self.built:
            self._refresh(self.built[text])
        else:
            self._build(index)  # a new tab reads its data as it is built

    @staticmethod
    def _refresh(tab: QWidget) -> None:
        refresh = getattr(tab, "refresh", None)
        if callable(refresh):
            refresh()

    def tab(self, text: str) -> QWidget:
        """The tab titled ``text`` (built if it was not yet), without showing it."""
        index = next(n for n, (t, _m, _c) in enumerate(TABS) if t == text)
        return self.built.get(text) or self._build(index)

    def show_tab(self, text: str) -> QWidget:
        """Show the tab titled ``text`` (as a click on it would) and return it."""
        index = next(n for n, (t, _m, _c) in enumerate(TABS) if t == text)
        if self.tabs.currentIndex() == index:
            self._shown(index)
        else:
            self.tabs.setCurrentIndex(index)
        return self.built[text]

    def refresh(self) -> None:
        """Shown again (the navigation): the current tab reads its data again."""
        self._shown(self.tabs.currentIndex())
