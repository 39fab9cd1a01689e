"""``fupin org|pairing|household …``: the register from the command line (campaigns: cli/campaigns.py)."""

from __future__ import annotations

import argparse
from typing import Any

from fupin_desktop.cli.common import context, err, input_file, output_file, print_json, print_table
from fupin_desktop.domain.formspec import FormSpec, load_forms
from fupin_desktop.errors import KnownError, NotFound
from fupin_desktop.paths import forms_dir
from fupin_desktop.services import households, organizations, pairings
from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.records import RecordView, SaveResult


def _add_form_options(parser: argparse.ArgumentParser, spec: FormSpec, *, editing: bool = False) -> None:
    """One option per form field, so a new field in forms/ is a new option here too (editing: each
    one optional, what is not given keeps its stored value)."""
    for f in spec.fields:
        if f.readonly:
            continue
        hint = f" 可选：{'、'.join(f.choice_labels())}" if f.choices else ""
        required = "（必填）" if f.required and not editing else ""
        parser.add_argument(f"--{f.name.replace('_', '-')}", dest=f"field_{f.name}", metavar="值",
                            help=f"{f.label}{required}{hint}")


def _form_values(args: argparse.Namespace, spec: FormSpec) -> dict[str, Any]:
    return {f.name: getattr(args, f"field_{f.name}") for f in spec.fields
            if getattr(args, f"field_{f.name}", None) is not None}


def _report_saved(result: SaveResult, what: str) -> int:
    for w in result.warnings:
        err(f"提醒：「{w.label}」{w.message}")
    print(f"{what}已{'新增' if result.created else '保存'}（编号 {result.id}）")
    return 0


def _rows(views: list[RecordView], spec: FormSpec, extra: list[tuple[str, str]] = ()) -> tuple[list[str], list[list[str]]]:
    fields = spec.list_fields
    headers = [f.label for f in fields] + [title for title, _ in extra]
    rows = [[f.display(v.values.get(f.name)) for f in fields] + [str(v.extra.get(key, "")) for _, key in extra]
            for v in views]
    return headers, rows


def cmd_org_list(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=False)  # the public register of organizations
    views = organizations.list_organizations(ctx, args.search or "")
    if args.json:
        print_json([{"id": v.id, "version": v.version, **v.values, "pairings": v.extra["pairings"]} for v in views])
    else:
        print_table(*_rows(views, ctx.forms["organization"], [("结对数", "pairings")]))
        print(f"共 {len(views)} 个社会组织")
    return 0


def _org_id(ctx: ServiceContext, text: str) -> int:
    """An organization named by its number (``org list --json``) or its 统一社会信用代码."""
    text = text.strip()
    if text.isdigit() and len(text) < 18:
        return int(text)
    code = text.upper()
    for view in organizations.list_organizations(ctx, code):
        if view.values["credit_code"] == code:
            return view.id
    raise NotFound(f"名册里没有编号或统一社会信用代码为“{text}”的社会组织。")


def cmd_org_show(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=False)  # the public register of organizations
    view = organizations.get_organization(ctx, _org_id(ctx, args.org))
    if args.json:
        print_json({"id": view.id, "version": view.version, **view.values, "pairings": view.extra["pairings"]})
        return 0
    for f in ctx.forms["organization"].fields:
        print(f"{f.label}：{f.display(view.values.get(f.name))}")
    print(f"结对数：{view.extra['pairings']}")
    print(f"编号：{view.id}　版本：{view.version}（修改时可用 --expect-version {view.version}）")
    return 0


def cmd_org_edit(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)
    spec = ctx.forms["organization"]
    given = _form_values(args, spec)
    if not given:
        raise KnownError("没有要修改的内容：请用选项给出新的值，如 --contact-person 张三（fupin org edit -h 列出全部选项）。")
    view = organizations.get_organization(ctx, _org_id(ctx, args.org))
    # Without --expect-version the version just read: nobody's save in between is overwritten either.
    expected = view.version if args.expect_version is None else args.expect_version
    result = organizations.save_organization(ctx, {**view.values, **given}, view.id, expected_version=expected)
    return _report_saved(result, "社会组织")


def cmd_org_add(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)
    return _report_saved(organizations.save_organization(ctx, _form_values(args, ctx.forms["organization"])),
                         "社会组织")


def _parse_project(text: str, spec: FormSpec) -> dict[str, Any]:
    parts = [p.strip() for p in text.split("|")]
    names = [f.name for f in spec.fields]
    return dict(zip(names, parts + [""] * (len(names) - len(parts)), strict=False))


def cmd_pairing_add(args: argparse.Namespace) -> int:
    ctx = context(args, signed_in=True)
    projects = [_parse_project(p, ctx.forms["project"]) for p in args.project or []]
    result = pairings.save_pairing(ctx, _form_values(args, ctx.forms["pairing"]), projects)
    return _report_saved(result, "结对协议")


def cmd_pairing_list(args: argparse.Namespace) -> int:
    # Targets include households (names masked): a login, like every list beyond the public register.
    ctx = context(args, signed_in=True)
    views = pairings.list_pairings(ctx, args.search or "")
    if args.json:
        print_json([{"id": v.id, "version": v.version, **v.values, "credit_code": v.extra["credit_code"],
                     "target_code": v.extra["target_code"], "projects": v.extra["projects"]} for v in views])
    else:
        headers, rows = _rows(views, ctx.forms["pairing"], [("项目数", "project_count")])
        rows = [r[:-1] + [str(len(v.extra["projects"]))] for r, v in zip(rows, views, strict=True)]
        print_table(headers, rows)
        print(f"共 {len(views)} 份结对协议")
    return 0


def cmd_household_list(args: argparse.Namespace) -> int:
    # Personal data: only roles that may see it, signed in (--search matches a whole ID number only).
    ctx = context(args, signed_in=True, permission=Permission.VIEW_PERSONAL_DATA)
    views = households.list_households(ctx, args.search or "")
    if args.json:
        print_json([{"id": v.id, **v.values} for v in views])
    else:
        print_table(*_rows(views, ctx.forms["household"]))
    return 0


def _import(kind: str):  # type: ignore[no-untyped-def]
    def run(args: argparse.Namespace) -> int:
        from fupin_desktop.services.register_import import import_register, run_import

        ctx = context(args, signed_in=True)
        result = run_import(import_register(ctx, kind, input_file(args.file)))
        for w in result.warnings:
            err(f"提醒：{w}")
        print(f"导入完成：新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}")
        return 0
    return run


def _template(kind: str):  # type: ignore[no-untyped-def]
    def run(args: argparse.Namespace) -> int:
        from fupin_desktop.services.register_import import PERMISSIONS, template_for

        ctx = context(args, signed_in=True, permission=PERMISSIONS[kind])
        template_for(ctx, kind, output_file(args.output))
        print(f"已生成空白模板：{args.output}")
        return 0
    return run


def _add_excel_commands(group: argparse._SubParsersAction, common: argparse.ArgumentParser, kind: str,
                        what: str) -> None:
    p = group.add_parser("import", parents=[common], help=f"从 Excel 导入{what}（有错则整表不导入）")
    p.add_argument("file")
    p.set_defaults(func=_import(kind))
    p = group.add_parser("template", parents=[common], help=f"下载空白的{what}模板")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=_template(kind))


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    forms = load_forms(forms_dir())
    org = sub.add_parser("org", help="社会组织名册").add_subparsers(dest="action", required=True, metavar="操作")
    p = org.add_parser("list", parents=[common], help="列出社会组织（可按名称、代码、拼音首字母搜索）")
    p.add_argument("--search", "-s", help="名称的一部分、信用代码或拼音首字母，如 jjsmsh")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(func=cmd_org_list)
    p = org.add_parser("add", parents=[common], help="登记一个社会组织")
    _add_form_options(p, forms["organization"])
    p.set_defaults(func=cmd_org_add)
    p = org.add_parser("show", parents=[common], help="显示一个社会组织的全部登记信息及其版本号")
    p.add_argument("org", metavar="编号或信用代码", help="org list --json 中的 id，或统一社会信用代码")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(func=cmd_org_show)
    p = org.add_parser("edit", parents=[common], help="修改一个社会组织（只改给出的项，其余不变）")
    p.add_argument("org", metavar="编号或信用代码", help="org list --json 中的 id，或统一社会信用代码")
    p.add_argument("--expect-version", type=int, metavar="版本号",
                   help="查看时的版本号（org show 显示）；此后已被别人修改则不保存，并说明是谁、何时修改的")
    _add_form_options(p, forms["organization"], editing=True)
    p.set_defaults(func=cmd_org_edit)
    _add_excel_commands(org, common, "organization", "社会组织名册")

    pairing = sub.add_parser("pairing", help="结对帮扶协议").add_subparsers(dest="action", required=True, metavar="操作")
    p = pairing.add_parser("list", parents=[common], help="列出结对协议（含镇街、结对对象、社会组织）")
    p.add_argument("--search", "-s")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_pairing_list)
    p = pairing.add_parser("add", parents=[common], help="新增一份结对协议")
    _add_form_options(p, forms["pairing"])
    p.add_argument("--project", action="append", metavar="名称|领域|方式|预算万元|目标指标",
                   help="合作项目，1–2 个，每个用一次 --project")
    p.set_defaults(func=cmd_pairing_add)
    _add_excel_commands(pairing, common, "pairing", "结对名单")

    household = sub.add_parser("household", help="帮扶对象").add_subparsers(dest="action", required=True, metavar="操作")
    p = household.add_parser("list", parents=[common], help="列出帮扶对象（身份证号脱敏）")
    p.add_argument("--search", "-s")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_household_list)
    _add_excel_commands(household, common, "household", "帮扶对象名单")

