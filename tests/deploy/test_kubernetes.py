"""deploy/kubernetes/: every resource valid against the Kubernetes schemas that
kubernetes-validate ships (dev extra), and wired together: selectors, Secret keys, probes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hub.app import create_app
from hub.settings import Settings
from tests.deploy.files import KUBERNETES, declared_settings, load_yaml

# The oldest Kubernetes still commonly run, and the newest the validator knows.
VERSIONS = ("1.30.0", "latest")


def _resources() -> dict[str, dict[str, Any]]:
    kustomization = load_yaml(KUBERNETES / "kustomization.yaml")
    return {name: load_yaml(KUBERNETES / name) for name in kustomization["resources"]}


def _containers(resource: dict[str, Any]) -> list[dict[str, Any]]:
    spec = resource["spec"]
    pod = spec["template"]["spec"] if "template" in spec else spec["jobTemplate"]
    containers: list[dict[str, Any]] = pod["containers"]
    return containers


def _secret_keys() -> set[str]:
    lines = (KUBERNETES / "secrets.env.example").read_text(encoding="utf-8").splitlines()
    return {line.split("=", 1)[0] for line in lines if line and not line.startswith("#")}


def test_kustomization_lists_every_manifest() -> None:
    listed = set(load_yaml(KUBERNETES / "kustomization.yaml")["resources"])
    present = {p.name for p in KUBERNETES.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == present


@pytest.mark.parametrize("version", VERSIONS)
# kustomization.yaml is kustomize's, not a resource of the API server.
@pytest.mark.parametrize(
    "name", sorted(p.name for p in KUBERNETES.glob("*.yaml") if p.name != "kustomization.yaml")
)
def test_the_manifest_is_valid(name: str, version: str) -> None:
    validator = pytest.importorskip(
        "kubernetes_validate", reason="kubernetes-validate is not installed (dev extra)"
    )
    if version == "latest":
        version = validator.latest_version()
    resource = load_yaml(KUBERNETES / name)
    validator.validate(resource, version, strict=True)


def test_a_broken_manifest_is_refused() -> None:
    validator = pytest.importorskip(
        "kubernetes_validate", reason="kubernetes-validate is not installed (dev extra)"
    )
    broken = load_yaml(KUBERNETES / "hpa.yaml")
    broken["spec"]["minReplica"] = broken["spec"].pop("minReplicas")
    with pytest.raises(validator.ValidationError):
        validator.validate(broken, "1.30.0", strict=True)


def test_the_web_pods_probe_the_hubs_health_routes() -> None:
    web = _resources()["web-deployment.yaml"]
    assert web["spec"]["replicas"] >= 2
    (hub,) = _containers(web)
    paths = {probe: hub[probe]["httpGet"]["path"] for probe in
             ("startupProbe", "livenessProbe", "readinessProbe")}  # fmt: skip
    assert paths == {"startupProbe": "/healthz", "livenessProbe": "/healthz",
                     "readinessProbe": "/readyz"}  # fmt: skip
    app = create_app(Settings(database_url="postgresql://nobody@127.0.0.1:1/none"))
    routes = {getattr(route, "path", None) for route in app.routes}
    assert {"/healthz", "/readyz"} <= routes


def test_the_worker_has_no_http_probes() -> None:
    (worker,) = _containers(_resources()["worker-deployment.yaml"])
    assert not {"startupProbe", "livenessProbe", "readinessProbe"} & set(worker)
    assert worker["args"] == ["hub", "worker"]


def test_each_role_connects_as_its_database_role() -> None:
    resources = _resources()
    keys = _secret_keys()
    expected = {
        "migrate-job.yaml": "migrate-database-url",
        "web-deployment.yaml": "app-database-url",
        "worker-deployment.yaml": "app-database-url",
    }
    for name, url_key in expected.items():
        (container,) = _containers(resources[name])
        env = {e["name"]: e["valueFrom"]["secretKeyRef"]["key"] for e in container["env"]}
        assert env["HUB_DATABASE_URL"] == url_key, name
        assert set(env.values()) <= keys, name
        assert set(env) <= declared_settings(), name
    assert "hub_owner" in (KUBERNETES / "secrets.env.example").read_text(encoding="utf-8")


def test_pods_run_unprivileged_on_a_read_only_root() -> None:
    for name in ("migrate-job.yaml", "web-deployment.yaml", "worker-deployment.yaml"):
        resource = _resources()[name]
        pod = resource["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["automountServiceAccountToken"] is False, name
        for container in pod["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["capabilities"]["drop"] == ["ALL"], name
            # The one writable place: an emptyDir of the pod's own.
            mounts = {m["mountPath"] for m in container["volumeMounts"]}
            assert mounts == {"/tmp"}, name  # noqa: S108


def test_the_configmap_holds_only_declared_settings() -> None:
    config = _resources()["configmap.yaml"]["data"]
    assert set(config) <= declared_settings()
    assert config["HUB_IN_PROCESS_JOBS"] == "false"


def test_service_ingress_hpa_and_pdb_point_at_the_web_pods() -> None:
    resources = _resources()
    labels = resources["web-deployment.yaml"]["spec"]["template"]["metadata"]["labels"]
    service = resources["service.yaml"]
    assert service["spec"]["selector"].items() <= labels.items()
    assert resources["pdb.yaml"]["spec"]["selector"]["matchLabels"].items() <= labels.items()
    backend = resources["ingress.yaml"]["spec"]["rules"][0]["http"]["paths"][0]["backend"]
    assert backend["service"]["name"] == service["metadata"]["name"]
    assert backend["service"]["port"]["name"] in {p["name"] for p in service["spec"]["ports"]}
    target = resources["hpa.yaml"]["spec"]["scaleTargetRef"]
    assert target["name"] == resources["web-deployment.yaml"]["metadata"]["name"]
    assert resources["hpa.yaml"]["spec"]["minReplicas"] >= 2
    annotations = resources["ingress.yaml"]["metadata"]["annotations"]
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600


def test_no_real_secret_is_committed() -> None:
    assert not (KUBERNETES / "secrets.env").exists() or _is_ignored(KUBERNETES / "secrets.env")
    for line in (KUBERNETES / "secrets.env.example").read_text(encoding="utf-8").splitlines():
        if line.startswith(("secret-key=", "meili-key=")):
            assert line.endswith("="), line


def _is_ignored(path: Path) -> bool:
    ignore = (path.parents[2] / ".gitignore").read_text(encoding="utf-8")
    return "secrets.env" in ignore
