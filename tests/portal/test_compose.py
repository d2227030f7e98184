"""docker-compose.yml cannot run here (no engine), so check it says what CI runs natively."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SMOKE = (ROOT / ".ci" / "smoke_production.sh").read_text()


def test_compose_has_the_production_services():
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(COMPOSE["services"])
    assert {"pgdata", "redisdata"} <= set(COMPOSE["volumes"])


def test_portal_services_run_bin_scripts_that_exist():
    for name in ("release", "web", "worker", "beat"):
        command = COMPOSE["services"][name]["command"]
        assert len(command) == 1 and command[0].startswith("bin/"), (name, command)
        script = ROOT / command[0]
        assert script.exists() and script.stat().st_mode & 0o111, f"{script} missing or not executable"


def test_ci_smoke_test_runs_the_same_commands_as_compose():
    for name in ("release", "web", "worker"):
        assert COMPOSE["services"][name]["command"][0] in SMOKE


def test_services_have_health_checks_and_env_file():
    for name in ("postgres", "redis", "web", "worker"):
        assert "healthcheck" in COMPOSE["services"][name], name
    for name in ("web", "worker", "beat", "release"):
        assert COMPOSE["services"][name]["env_file"] == ".env"


def test_redis_persists_queued_jobs_and_beat_is_single():
    assert "--appendonly" in COMPOSE["services"]["redis"]["command"]
    assert COMPOSE["services"]["beat"]["deploy"]["replicas"] == 1
