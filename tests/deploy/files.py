"""What the deployment tests read: the files under deploy/, and the settings the hub declares."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
KUBERNETES = DEPLOY / "kubernetes"
SYSTEMD = DEPLOY / "systemd"


def load_yaml(path: Path) -> Any:
    """One YAML document, or a skip when PyYAML (the dev extra) is missing."""
    yaml = pytest.importorskip("yaml", reason="PyYAML is not installed (the dev extra has it)")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def declared_settings() -> set[str]:
    """Every HUB_* variable hub/settings.py reads."""
    text = (ROOT / "hub" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r'"(HUB_[A-Z0-9_]+)"', text))
    assert "HUB_DATABASE_URL" in names  # the pattern still finds what it should
    return names
