"""What every use case needs: the database, the form definitions and who is acting."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from fupin_desktop.domain.formspec import FormSpec, load_forms
from fupin_desktop.paths import forms_dir
from fupin_desktop.services.permissions import Permission, allowed, require
from fupin_desktop.store.db import Database


@dataclass(frozen=True)
class CurrentUser:
    id: int
    username: str
    display_name: str
    role: str


SYSTEM_USER = CurrentUser(id=0, username="system", display_name="系统", role="admin")


class Forms:
    """The loaded ``forms/`` folder (loaded once per process, strictly)."""

    def __init__(self, folder: Path | None = None) -> None:
        self._specs = load_forms(folder or forms_dir())

    def __getitem__(self, name: str) -> FormSpec:
        return self._specs[name]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._specs.values())


@dataclass
class ServiceContext:
    db: Database
    forms: Forms
    user: CurrentUser
    data_dir: Path | None = None

    def require(self, permission: Permission) -> None:
        require(self.user.role, permission)

    def can(self, permission: Permission) -> bool:
        return allowed(self.user.role, permission)

    def as_user(self, user: CurrentUser) -> ServiceContext:
        return ServiceContext(self.db, self.forms, user, self.data_dir)

    @cached_property
    def is_demo(self) -> bool:
        from fupin_desktop.services.settings import get_setting

        return get_setting(self.db, "demo") == "1"
