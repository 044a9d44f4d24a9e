"""deploy/compose.yaml: valid against the compose specification's schema (check-jsonschema's
vendored copy), and the deployment's rules: roles, replicas, healthchecks, proxies, pins."""

from __future__ import annotations

import ipaddress
import re
import shutil
import subprocess
import sys
from typing import Any

import pytest

from tests.deploy.files import DEPLOY, declared_settings, load_yaml

COMPOSE_FILE = DEPLOY / "compose.yaml"
HUB_ROLES = ("migrate", "hub", "worker")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = load_yaml(COMPOSE_FILE)
    return loaded


def test_the_file_matches_the_compose_specification() -> None:
    pytest.importorskip("check_jsonschema", reason="check-jsonschema is not installed (dev extra)")
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec",
         str(COMPOSE_FILE)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_migrations_run_as_the_owner_and_the_hub_as_the_app_role(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    assert services["migrate"]["environment"]["HUB_DATABASE_URL"].startswith(
        "postgresql://hub_owner:"
    )
    for name in ("hub", "worker"):
        url = services[name]["environment"]["HUB_DATABASE_URL"]
        assert url.startswith("postgresql://hub_app:"), name
    for name, service in services.items():
        for value in (service.get("environment") or {}).values():
            assert "postgresql://postgres:" not in str(value), f"{name} connects as the superuser"


def test_hub_replicas_wait_for_migrations_and_run_no_jobs(compose: dict[str, Any]) -> None:
    hub = compose["services"]["hub"]
    assert hub["deploy"]["replicas"] >= 2
    assert hub["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert hub["environment"]["HUB_IN_PROCESS_JOBS"] == "false"
    assert "ports" not in hub, "the replicas are reached through Caddy only"


def test_each_service_has_a_healthcheck_that_fits_it(compose: dict[str, Any]) -> None:
    services = compose["services"]
    # Neither serves HTTP: the image's check against port 8000 would always fail.
    for name in ("worker", "migrate"):
        assert services[name]["healthcheck"] == {"disable": True}, name
    assert "/readyz" in " ".join(services["hub"]["healthcheck"]["test"])
    for name in ("postgres", "redis", "meilisearch", "caddy", "backup"):
        assert services[name]["healthcheck"]["test"][0] == "CMD", name


def test_long_running_services_restart_and_the_migration_does_not(
    compose: dict[str, Any],
) -> None:
    for name, service in compose["services"].items():
        expected = "no" if name == "migrate" else "unless-stopped"
        assert service.get("restart") == expected, name


def test_images_are_pinned(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        if name in HUB_ROLES:
            continue
        image = service["image"]
        tag = image.split("@")[0].rsplit(":", 1)[1]
        # 18.1 is an exact PostgreSQL version; 7.4.6 of the others.
        assert re.fullmatch(r"v?\d+\.\d+(\.\d+)?(-[a-z0-9.]+)?", tag), f"{name}: {image}"
        # Meilisearch's digest was not known offline (docs/operations.md, "Images").
        if name != "meilisearch":
            assert "@sha256:" in image, f"{name}: {image} has no digest"


def test_the_hub_believes_forwarded_addresses_from_caddy_alone(compose: dict[str, Any]) -> None:
    caddy = compose["services"]["caddy"]["networks"]["edge"]["ipv4_address"]
    subnet = compose["networks"]["edge"]["ipam"]["config"][0]["subnet"]
    assert ipaddress.ip_address(caddy) in ipaddress.ip_network(subnet)
    assert compose["services"]["hub"]["environment"]["HUB_TRUSTED_PROXIES"] == caddy
    assert compose["services"]["hub"]["environment"]["HUB_COOKIE_SECURE"] == "true"


def test_the_hub_containers_read_only_declared_settings(compose: dict[str, Any]) -> None:
    declared = declared_settings()
    for name in HUB_ROLES:
        service = compose["services"][name]
        assert service["read_only"] is True and service["cap_drop"] == ["ALL"], name
        unknown = {key for key in service["environment"] if key not in declared}
        assert not unknown, f"{name}: {unknown} are not in hub/settings.py"


def test_the_caddyfile_proxies_to_every_hub_replica() -> None:
    caddy = shutil.which("caddy")
    if caddy is None:
        pytest.skip("caddy is not installed (Debian: apt-get install caddy)")
    done = subprocess.run(
        [caddy, "adapt", "--config", str(DEPLOY / "Caddyfile"), "--adapter", "caddyfile"],
        capture_output=True, text=True, check=False,
        env={"PUBLIC_DOMAIN": "hub.example.org", "ACME_EMAIL": "ops@example.org", "PATH": ""},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert '"dynamic_upstreams":{"name":"hub","port":"8000","refresh":5000000000,"source":"a"}' in (
        done.stdout
    )
    assert '"host":["hub.example.org"]' in done.stdout
