"""The window on a county whose register holds the pairings the notices describe beyond the
township villages (对口支援, organization-to-organization): every page opens and lists them."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from fupin_desktop.services.campaigns import list_campaigns
from fupin_desktop.services.organizations import list_organizations
from fupin_desktop.services.pairings import list_pairings, save_pairing
from fupin_desktop.ui.main_window import PAGES, MainWindow
from fupin_desktop.ui.register.campaign_dialog import CampaignDialog

PROJECT = [{"name": "助学", "domain": "education", "method": "donation", "budget_fen": "2"}]


def _pair(ctx, year: int, org: str, kind: str, target: str, **more: str) -> None:  # type: ignore[no-untyped-def]
    save_pairing(ctx, {"organization": org, "target_kind": kind, "target": target, "signed_on": f"{year}-01-02",
                       "term_start": f"{year}-01-02", "term_end": f"{year}-12-31", **more}, PROJECT)


def test_every_page_opens_with_remote_and_partner_pairings(qtbot, clerk_ctx, today) -> None:  # type: ignore[no-untyped-def]
    year = today.year
    org = next(r for r in list_organizations(clerk_ctx) if r.values["status"] == "active")
    code = org.values["credit_code"]
    campaign = next(c for c in list_campaigns(clerk_ctx) if c.values["name"] == "百社解千难")
    before = CampaignDialog(clerk_ctx, campaign.id, "百社解千难", year=year)
    qtbot.addWidget(before)
    assert before.progress is not None
    _pair(clerk_ctx, year, code, "remote", "513333", campaign="三区三州", more_campaigns="百社解千难")
    _pair(clerk_ctx, year, code, "organization", "色达县格萨尔公益协会")
    kinds = {v.values["target_kind"] for v in list_pairings(clerk_ctx)}
    assert {"remote", "organization"} <= kinds

    window = MainWindow(clerk_ctx)
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    for text, _icon, _factory in PAGES:
        window.show_page(text)
        QApplication.processEvents()
    pairings = window.show_page("结对帮扶")
    QApplication.processEvents()
    shown = {pairings.model.data(pairings.model.index(r, c)) for r in range(pairings.model.rowCount())
             for c in range(pairings.model.columnCount())}
    assert "四川省甘孜藏族自治州色达县" in shown and "对口支援（县外）" in shown

    both = {c.values["name"]: c.extra for c in list_campaigns(clerk_ctx)}
    assert both["三区三州"]["remote"] == 1 and both["百社解千难"]["remote"] == 1  # counted in each it joined
    dialog = CampaignDialog(clerk_ctx, campaign.id, "百社解千难", window, year=year)
    qtbot.addWidget(dialog)
    assert dialog.progress is not None
    assert dialog.progress.pairings == before.progress.pairings + 1  # the one that also joined it
