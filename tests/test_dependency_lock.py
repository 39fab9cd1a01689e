"""The dependency locks (scripts/lock.sh) cover pyproject.toml: every dependency it names, runtime and
the test extra, is pinned with == and sha256 hashes, at a version its specifier allows, and the two
locks agree on the versions they share. Reads files only: no network."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_LOCK = ROOT / "requirements.txt"
DEV_LOCK = ROOT / "requirements-dev.txt"  # runtime + test extra + PyInstaller
HASH = re.compile(r"--hash=sha256:([0-9a-f]{64})\b")


def pins(lock: Path) -> dict[str, list[tuple[Version, list[str]]]]:
    """Normalised name → every (pinned version, sha256 hashes) the lock gives it (one per marker fork)."""
    text = re.sub(r"\\\n", " ", lock.read_text(encoding="utf-8"))  # join continued lines
    found: dict[str, list[tuple[Version, list[str]]]] = {}
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        assert not line.startswith("-"), f"{lock.name}: unexpected option line {line!r}"
        hashes = HASH.findall(line)
        requirement = Requirement(line.split("--hash=", 1)[0].strip())
        specs = list(requirement.specifier)
        assert len(specs) == 1 and specs[0].operator == "==" and "*" not in specs[0].version, (
            f"{lock.name}: {requirement} is not pinned with ==")
        assert hashes, f"{lock.name}: {requirement} has no --hash=sha256:"
        found.setdefault(canonicalize_name(requirement.name), []).append((Version(specs[0].version), hashes))
    return found


def declared() -> tuple[list[Requirement], list[Requirement]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = [Requirement(r) for r in project["dependencies"]]
    test = [Requirement(r) for r in project["optional-dependencies"]["test"]]
    return runtime, test


def uncovered(requirements: list[Requirement], lock: Path) -> list[str]:
    locked = pins(lock)
    problems = []
    for requirement in requirements:
        entries = locked.get(canonicalize_name(requirement.name))
        if not entries:
            problems.append(f"{requirement}: not in {lock.name}")
        for version, _ in entries or []:
            if not requirement.specifier.contains(version, prereleases=True):
                problems.append(f"{requirement}: {lock.name} pins {version}")
    return problems


def test_the_runtime_lock_pins_every_runtime_dependency_within_its_specifier() -> None:
    runtime, _ = declared()
    assert not uncovered(runtime, RUNTIME_LOCK), "run scripts/lock.sh"


def test_the_dev_lock_pins_every_runtime_and_test_dependency_within_its_specifier() -> None:
    runtime, test = declared()
    assert not uncovered(runtime + test, DEV_LOCK), "run scripts/lock.sh"
    assert "pyinstaller" in pins(DEV_LOCK)  # installer/build_linux.sh and the Windows workflow


@pytest.mark.parametrize("lock", [RUNTIME_LOCK, DEV_LOCK], ids=lambda p: p.name)
def test_every_locked_package_is_pinned_with_hashes(lock: Path) -> None:
    assert len(pins(lock)) > 20  # parsed, not silently empty


def test_the_locks_agree_on_the_versions_they_share() -> None:
    runtime, dev = pins(RUNTIME_LOCK), pins(DEV_LOCK)
    differ = {}
    for name, entries in runtime.items():
        versions = sorted(v for v, _ in entries), sorted(v for v, _ in dev.get(name, []))
        if versions[0] != versions[1]:
            differ[name] = versions
    assert not differ, f"run scripts/lock.sh: {differ}"


def test_a_dependency_missing_from_the_lock_or_outside_its_specifier_is_found(tmp_path: Path) -> None:
    lock = tmp_path / "requirements.txt"
    lock.write_text("alembic==1.13.0 \\\n    --hash=sha256:" + "a" * 64 + "\n    # via fupin-desktop\n",
                    encoding="utf-8")
    assert uncovered([Requirement("alembic>=1.13")], lock) == []
    assert uncovered([Requirement("alembic>=1.14")], lock) == ["alembic>=1.14: requirements.txt pins 1.13.0"]
    assert uncovered([Requirement("SQLAlchemy>=2")], lock) == ["SQLAlchemy>=2: not in requirements.txt"]
    lock.write_text("alembic>=1.13 --hash=sha256:" + "a" * 64 + "\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="not pinned"):
        pins(lock)
    lock.write_text("alembic==1.13.0\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="no --hash"):
        pins(lock)
