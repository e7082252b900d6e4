"""Settings: environment and overrides; the README documents every setting (datasette's test_docs idea)."""

from __future__ import annotations

from pathlib import Path

from actorgraph.graph.config import Settings, documented_settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_config_readme_documents_every_setting() -> None:
    for name, env, default, _help in documented_settings():
        shown = "(empty)" if default == "" else f"`{default}`"
        assert f"| `{name}` | `{env}` | {shown} |" in README, f"README lacks or misstates {name} ({env}, {default!r})"


def test_config_flag_beats_env_beats_default() -> None:
    env = {"ACTORGRAPH_STORE": "/srv/ag", "ACTORGRAPH_PORT": "9000", "ACTORGRAPH_FEDERATION": "yes"}
    assert Settings.from_env(env).store_path == "/srv/ag"
    assert Settings.from_env(env, store_path="/tmp/x").store_path == "/tmp/x"
    assert Settings.from_env(env).port == 9000
    assert Settings.from_env(env).federation is True
    assert Settings.from_env({}).port == 8000
