"""Every form definition loads strictly; the code and the migrations agree with the forms."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from fupin_desktop.domain.formspec import FormDefinitionError, parse_form
from fupin_desktop.services.context import Forms
from fupin_desktop.store.models import Campaign, Household, Institution, Organization, Project, Village

MODEL_OF = {"organization": Organization, "household": Household, "campaign": Campaign, "project": Project,
            "institution": Institution, "village": Village}


def test_every_form_loads_with_labels_and_valid_choices() -> None:
    forms = list(Forms())
    assert {f.name for f in forms} >= {"organization", "pairing", "project", "household", "campaign", "village"}
    for spec in forms:
        for field in spec.fields:
            assert field.label
            if field.choices:
                assert field.choice_labels()


@pytest.mark.parametrize("form", sorted(MODEL_OF))
def test_every_plain_field_is_a_column(form: str) -> None:
    """Adding a field to a form needs its column (a migration) — this test says which one is missing."""
    columns = {c.key for c in inspect(MODEL_OF[form]).columns}
    spec = Forms()[form]
    missing = [f.name for f in spec.fields if f.type != "ref" and f.name not in columns]
    assert missing == []


def test_loader_rejects_unknown_keys_and_missing_labels() -> None:
    with pytest.raises(FormDefinitionError, match="unknown keys"):
        parse_form('[form]\nname="x"\ntitle="X"\n[[fields]]\nname="a"\nlabel="A"\ntype="text"\nlenght=3\n')
    with pytest.raises(FormDefinitionError, match="missing 'label'"):
        parse_form('[form]\nname="x"\ntitle="X"\n[[fields]]\nname="a"\ntype="text"\n')
    with pytest.raises(FormDefinitionError, match="choices"):
        parse_form('[form]\nname="x"\ntitle="X"\n[[fields]]\nname="a"\nlabel="A"\ntype="choice"\nchoices="Nope"\n')
