"""deploy/systemd/: the units pass `systemd-analyze verify` (skipped where it is missing) and
keep their hardening."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.files import SYSTEMD, declared_settings

UNITS = sorted(p.name for p in SYSTEMD.iterdir() if p.suffix in (".service", ".timer"))
INSTALLED_HUB = "/opt/crisis-hub/bin/hub"


@pytest.mark.parametrize("unit", UNITS)
def test_the_unit_verifies(unit: str, tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    # verify checks that ExecStart's program exists: this machine's hub stands in for the one
    # the unit expects in /opt/crisis-hub.
    hub = Path(sys.executable).with_name("hub")
    for name in UNITS:
        text = (SYSTEMD / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace(INSTALLED_HUB, str(hub)), encoding="utf-8")
    done = subprocess.run(
        [analyze, "verify", "--man=no", str(tmp_path / unit)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    # An unknown or misspelt setting is only a warning: any line about these units fails the
    # test (lines about the machine's own units are not ours to judge).
    ours = [
        line
        for line in (done.stdout + done.stderr).splitlines()
        if str(tmp_path) in line or any(name in line for name in UNITS)
    ]
    assert done.returncode == 0 and not ours, done.stdout + done.stderr


@pytest.mark.parametrize("unit", [u for u in UNITS if u.endswith(".service")])
def test_the_service_is_hardened(unit: str) -> None:
    lines = set((SYSTEMD / unit).read_text(encoding="utf-8").splitlines())
    for setting in ("NoNewPrivileges=yes", "ProtectSystem=strict", "DynamicUser=yes",
                    "User=crisis-hub", "PrivateTmp=yes", "CapabilityBoundingSet="):  # fmt: skip
        assert setting in lines, f"{unit} lacks {setting}"


def test_the_web_unit_keeps_its_data_in_the_state_directory() -> None:
    lines = (SYSTEMD / "crisis-hub.service").read_text(encoding="utf-8").splitlines()
    assert "StateDirectory=crisis-hub" in lines
    assert "Environment=HUB_DATA_DIR=%S/crisis-hub" in lines


def test_the_timer_starts_the_backup() -> None:
    assert (SYSTEMD / "crisis-hub-backup.timer").exists()
    service = (SYSTEMD / "crisis-hub-backup.service").read_text(encoding="utf-8")
    assert f"{INSTALLED_HUB} backup " in service and "Type=oneshot" in service


def test_the_example_environment_names_only_declared_settings() -> None:
    names = set()
    for line in (SYSTEMD / "hub.env.example").read_text(encoding="utf-8").splitlines():
        line = line.removeprefix("#")
        if line.startswith("HUB_") and "=" in line:
            names.add(line.split("=", 1)[0])
    assert names and names <= declared_settings(), names - declared_settings()
