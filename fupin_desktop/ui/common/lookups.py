"""Suggestions for reference fields, each from the service that owns the records.

Every function returns ``Choice(text shown, key)``; the key is what the saving service
accepts for that reference (credit code, 12-digit village code, ID number, name).
"""

from __future__ import annotations

from collections.abc import Callable

from fupin_desktop.domain.formspec import FieldSpec
from fupin_desktop.services.campaigns import list_campaigns
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.households import get_household, list_households
from fupin_desktop.services.organizations import list_organizations
from fupin_desktop.services.places import list_institutions, list_townships, list_villages, remote_places
from fupin_desktop.ui.common.fields import Choice, ChoiceEditor, RefEditor

Search = Callable[[str], list[Choice]]


def organization_choices(ctx: ServiceContext) -> Search:
    """By name part, credit code or pinyin initials; registered (not deregistered) ones only."""
    def search(text: str) -> list[Choice]:
        return [Choice(f"{r.values['name']}（{r.values['credit_code']}）", r.values["credit_code"])
                for r in list_organizations(ctx, text, include_deregistered=False)]
    return search


def village_choices(ctx: ServiceContext, township_id: Callable[[], int | None] = lambda: None) -> Search:
    """“镇名 村名 (code)” by name part, code or township name; within the chosen township if any."""
    def search(text: str) -> list[Choice]:
        return [Choice(f"{r.extra['township']} {r.values['name']} ({r.values['code']})", r.values["code"])
                for r in list_villages(ctx, township_id(), text)]
    return search


def remote_choices(ctx: ServiceContext) -> Search:
    """对口支援: “四川省甘孜藏族自治州色达县 (513333)” from the national division table."""
    def search(text: str) -> list[Choice]:
        return [Choice(f"{name} ({code})", code) for name, code in remote_places(ctx, text)]
    return search


def household_choices(ctx: ServiceContext) -> Search:
    """By head's name, village or the whole ID number; the list stays masked."""
    def search(text: str) -> list[Choice]:
        return [Choice(f"{r.values['head_name']}（{r.extra['township']}{r.values['village']}，{r.values['id_number']}）",
                       r.id) for r in list_households(ctx, text)]
    return search


def household_id_number(ctx: ServiceContext) -> Callable[[int], str]:
    """The reference a household pairing needs: the head's ID number, as this role may see it."""
    def resolve(household_id: int) -> str:
        return str(get_household(ctx, household_id, why="结对表单填入结对对象").values["id_number"])
    return resolve


def institution_choices(ctx: ServiceContext) -> Search:
    def search(text: str) -> list[Choice]:
        return [Choice(str(r.values["name"]), r.values["name"]) for r in list_institutions(ctx)
                if text in str(r.values["name"]) or text in str(r.values.get("township", ""))]
    return search


def township_editor(ctx: ServiceContext, spec: FieldSpec) -> tuple[ChoiceEditor, dict[str, int]]:
    """A combo of the county's townships (by name, as the services accept) and name → id."""
    townships = list_townships(ctx)
    editor = ChoiceEditor(spec, [(t.values["name"], t.values["name"]) for t in townships])
    return editor, {t.values["name"]: t.id for t in townships}


def campaign_editor(ctx: ServiceContext, spec: FieldSpec) -> ChoiceEditor:
    return ChoiceEditor(spec, [(f"{c.values['name']}（{c.values['year']}）", c.values["name"])
                               for c in list_campaigns(ctx)])


def village_editor(ctx: ServiceContext, spec: FieldSpec) -> RefEditor:
    editor = RefEditor(spec, village_choices(ctx))
    editor.edit.setPlaceholderText("输入村（社区）名称中的字或区划代码，从列表中选择")
    return editor
