"""The 首页's counts agree with the registers they count."""

from fupin_desktop.services import organizations, pairings, places
from fupin_desktop.services.overview import register_counts


def test_the_counts_match_the_lists(clerk) -> None:  # type: ignore[no-untyped-def]
    counts = register_counts(clerk)
    orgs = organizations.list_organizations(clerk)
    villages = places.list_villages(clerk)
    agreements = pairings.list_pairings(clerk)
    assert counts.organizations == len(orgs) > 0
    assert counts.organizations_active == sum(1 for o in orgs if o.values.get("status") == "active")
    assert counts.organizations_active < counts.organizations  # the demo has deregistered ones
    assert counts.villages == len(villages)
    assert counts.villages_flagged == sum(1 for v in villages if v.values.get("flags")) > 0
    assert counts.pairings == len(agreements)
    assert counts.pairings_active == sum(1 for p in agreements if p.values.get("status") == "active")
