"""The operators' guide and the deployment files name only settings the hub reads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.deploy.files import DEPLOY, ROOT, declared_settings

# The compose file's passwords of the database roles (deploy/roles.sql): read by PostgreSQL's
# first start and the migrate and backup services, never by the hub.
ROLE_PASSWORDS = {"HUB_OWNER_PASSWORD", "HUB_APP_PASSWORD", "HUB_PG_SUPERUSER_PASSWORD"}
FILES = [
    ROOT / "docs" / "operations.md",
    DEPLOY / "compose.yaml",
    DEPLOY / "env.example",
    DEPLOY / "Caddyfile",
    DEPLOY / "Dockerfile",
    *sorted((DEPLOY / "kubernetes").iterdir()),
    *sorted((DEPLOY / "systemd").iterdir()),
]


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_hub_variable_named_is_a_setting(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    named = set(re.findall(r"\bHUB_[A-Z0-9_]+", text))
    unknown = named - declared_settings() - ROLE_PASSWORDS
    assert not unknown, f"not in hub/settings.py: {sorted(unknown)}"
