"""deploy/Dockerfile, .dockerignore and the lock file, read as files: no Docker daemon is
needed (docs/operations.md, "Images", says how the image was checked beyond this)."""

from __future__ import annotations

import re
import tomllib

import pytest

from tests.deploy.files import DEPLOY, ROOT

DOCKERFILE = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
LOCK = (DEPLOY / "requirements.lock").read_text(encoding="utf-8")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _locked() -> dict[str, str]:
    """Locked name -> the text of its requirement (up to the next one)."""
    found: dict[str, str] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", LOCK):
        match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", block)
        if match:
            found[_normal(match[1])] = block
    return found


def test_the_base_image_is_pinned_by_version_and_digest() -> None:
    base = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", DOCKERFILE, re.MULTILINE)
    assert base, "the base image is one ARG, used by both stages"
    assert re.fullmatch(r"python:3\.11\.\d+-slim-\w+@sha256:[0-9a-f]{64}", base[1])
    assert re.findall(r"^FROM (\S+)", DOCKERFILE, re.MULTILINE) == [
        "${PYTHON_IMAGE}",
        "${PYTHON_IMAGE}",
    ]


def test_the_image_installs_the_lock_with_hashes_and_the_hub_as_a_wheel() -> None:
    assert "--require-hashes --no-deps -r /tmp/requirements.lock" in DOCKERFILE
    assert "pip wheel --no-deps" in DOCKERFILE
    assert " -e " not in DOCKERFILE and "--editable" not in DOCKERFILE


def test_the_image_runs_as_an_unprivileged_user_with_a_web_healthcheck() -> None:
    final = DOCKERFILE.split("\nFROM ")[-1]
    user = re.search(r"^USER (\S+)$", final, re.MULTILINE)
    assert user and user[1].split(":")[0] not in ("0", "root")
    assert re.search(r"^HEALTHCHECK .*\n?.*/readyz", final, re.MULTILINE)
    assert 'CMD ["hub", "serve"]' in final


def test_every_locked_requirement_is_pinned_with_hashes() -> None:
    locked = _locked()
    assert len(locked) > 20
    for name, block in locked.items():
        assert "--hash=sha256:" in block, f"{name} has no hash"


def test_the_lock_holds_every_dependency_of_the_project() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    locked = _locked()
    for requirement in project["dependencies"]:
        match = re.match(r"[A-Za-z0-9._-]+", requirement)
        assert match, requirement
        name = _normal(match[0])
        assert name in locked, f"{name} is not in deploy/requirements.lock: run scripts/lock-deploy"


def test_the_locked_versions_satisfy_the_projects_requirements() -> None:
    requirements = pytest.importorskip("packaging.requirements", reason="packaging is missing")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    locked = {
        name: re.match(r"\S+==(\S+)", block)[1]  # type: ignore[index]
        for name, block in _locked().items()
    }
    for text in project["dependencies"]:
        requirement = requirements.Requirement(text)
        name = _normal(requirement.name)
        assert requirement.specifier.contains(locked[name], prereleases=True), (
            f"{name} {locked[name]} does not satisfy {text!r}: run scripts/lock-deploy"
        )


def test_the_build_context_leaves_out_secrets_and_local_state() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for pattern in ("**/.git", "**/.venv", "**/.env", "**/.hub-data", "/tests"):
        assert pattern in ignored
    # The build needs the lock and README.md (pyproject's readme).
    assert "!deploy/requirements.lock" in ignored and "!README.md" in ignored
