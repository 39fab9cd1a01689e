"""The built wheel works outside the checkout: its forms, fonts and division table travel inside
the package. Built here with pip, installed into a fresh virtual environment (the dependencies
lent from the test environment, so no download), and run from another folder."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(ROOT), "-w", str(out)],
                   check=True, capture_output=True, timeout=600, cwd=out)
    return next(out.glob("fupin_desktop-*.whl"))


def test_the_wheel_carries_the_forms_fonts_and_division_table(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = [p.relative_to(ROOT).as_posix() for top in ("forms", "resources") for p in (ROOT / top).rglob("*")
               if p.is_file()]
    assert shipped and all(f"fupin_desktop/{name}" in names for name in shipped), shipped
    assert "fupin_desktop/store/migrations/env.py" in names
    assert {"fupin_desktop/resources/manual/index.toml", "fupin_desktop/resources/manual/monthly.md"} <= names  # F1


def test_the_installed_wheel_makes_the_demo_and_a_template_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "env"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)  # a wheel is a zip of the site-packages tree: installed as pip would
    (site / "lent.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")  # the dependencies
    elsewhere = tmp_path / "别处"
    elsewhere.mkdir()
    env = {**os.environ, "FUPIN_PASSWORD": "demo", "PYTHONPATH": ""}

    def fupin(*args: str) -> str:
        done = subprocess.run([python, "-m", "fupin_desktop", *args], cwd=elsewhere, env=env, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        return done.stdout

    where = subprocess.run([python, "-c", "import fupin_desktop, fupin_desktop.paths as p; "
                            "print(fupin_desktop.__file__); print(p.forms_dir()); print(p.resource_dir())"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True).stdout.split("\n")
    assert all(line.startswith(str(site)) for line in where[:3]), where  # not the checkout
    assert "0.1" in fupin("--version")
    fupin("--data-dir", "数据", "demo")
    fupin("--data-dir", "数据", "--user", "clerk", "org", "template", "-o", "名册.xlsx")
    sheet = load_workbook(elsewhere / "名册.xlsx").worksheets[0]
    assert [c.value for c in sheet[1]][:2] == ["组织名称*", "统一社会信用代码*"]  # from the shipped forms/organization.toml
