"""Settings: environment and overrides; the README documents every setting (datasette's test_docs idea)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from ingest_support import INGEST, fixture_sources
from wikidata_mock import MockWikidata

from actorgraph.graph.api import KnowledgeGraph
from actorgraph.graph.cli import cli
from actorgraph.graph.config import Settings, documented_settings
from actorgraph.graph.errors import ExtractionError
from actorgraph.graph.extract.llm import LLMExtractor

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


# Each setting that used to be read outside Settings: the environment variable reaches Settings, and the
# code that needs the value takes it from there.


def test_config_new_settings_read_their_environment_variables() -> None:
    env = {
        "ACTORGRAPH_SOURCES": "/srv/sources",
        "ACTORGRAPH_WIKIDATA_API": "http://mirror.example/w/api.php",
        "ACTORGRAPH_WIKIDATA_CACHE": "/tmp/wd",
        "ACTORGRAPH_LLM_URL": "http://127.0.0.1:8080/v1",
        "ACTORGRAPH_LLM_MODEL": "tiny",
        "ACTORGRAPH_LLM_KEY": "k3y",
        "ACTORGRAPH_LLM_TIMEOUT": "7.5",
    }
    settings = Settings.from_env(env)
    assert settings.sources_dir == Path("/srv/sources")
    assert (settings.wikidata_api, settings.wikidata_cache) == ("http://mirror.example/w/api.php", "/tmp/wd")
    assert (settings.llm_url, settings.llm_model, settings.llm_key, settings.llm_timeout) == (
        "http://127.0.0.1:8080/v1",
        "tiny",
        "k3y",
        7.5,
    )
    defaults = Settings.from_env({})
    assert (defaults.sources_path, defaults.wikidata_cache, defaults.llm_url) == (
        "var/sources",
        "var/cache/wikidata",
        "",
    )
    assert defaults.wikidata_api == "https://www.wikidata.org/w/api.php"


def test_config_secrets_stay_out_of_repr() -> None:
    shown = repr(Settings(update_token="t0ken", llm_key="k3y", llm_url="http://x/v1"))
    assert "t0ken" not in shown and "k3y" not in shown
    assert "http://x/v1" in shown


def test_config_llm_settings_configure_the_llm_extractor() -> None:
    env = {"ACTORGRAPH_LLM_URL": "http://127.0.0.1:9/v1", "ACTORGRAPH_LLM_TIMEOUT": "5"}
    extractor = LLMExtractor.from_env(Settings.from_env(env))
    assert (extractor.url, extractor.model, extractor.key, extractor.timeout) == (
        "http://127.0.0.1:9/v1",
        "default",
        None,
        5.0,
    )
    with pytest.raises(ExtractionError, match="needs ACTORGRAPH_LLM_URL"):
        LLMExtractor.from_env(Settings.from_env({}))


def test_config_wikidata_api_from_the_environment_is_the_one_link_verify_asks(wikidata: MockWikidata) -> None:
    result = CliRunner().invoke(
        cli, ["link", "verify", "--entity", "iran"], env={"ACTORGRAPH_WIKIDATA_API": wikidata.url}
    )
    assert result.exit_code == 0, result.output
    assert "1/1 QIDs match" in result.output
    assert wikidata.requests[0]["ids"] == "Q794"


def test_config_wikidata_cache_setting_is_where_enrich_caches(wikidata: MockWikidata, tmp_path: Path) -> None:
    env = {"ACTORGRAPH_WIKIDATA_API": wikidata.url, "ACTORGRAPH_WIKIDATA_CACHE": str(tmp_path / "wd")}
    kg = KnowledgeGraph(Settings.from_env(env, store_path=":memory:"))
    kg.build()
    result = kg.enrich_links()
    assert "iran" not in result.missing
    assert (tmp_path / "wd" / "Q794.json").is_file()
    assert len(wikidata.requests) == 1


def test_config_sources_setting_is_where_ingest_and_review_work(tmp_path: Path) -> None:
    sources = fixture_sources(tmp_path)
    env = {"ACTORGRAPH_SOURCES": str(sources)}
    runner = CliRunner()
    ingested = runner.invoke(cli, ["ingest", str(INGEST / "fixture.txt"), "--id", "fx", "--no-build"], env=env)
    assert ingested.exit_code == 0, ingested.output
    assert f"review with: actorgraph review --sources {sources} --document fx" in ingested.output
    assert "fx" in (sources / "documents.yaml").read_text(encoding="utf-8")
    listed = runner.invoke(cli, ["review", "--list"], env=env)
    assert listed.exit_code == 0, listed.output
    assert listed.output.startswith("fx ")


def test_config_cli_help_shows_the_settings_env_and_default() -> None:
    help_text = " ".join(CliRunner().invoke(cli, ["serve", "--help"], terminal_width=400).output.split())
    assert "Interface the server binds to. [env ACTORGRAPH_HOST; default 127.0.0.1]" in help_text
    link_help = " ".join(CliRunner().invoke(cli, ["link", "enrich", "--help"], terminal_width=400).output.split())
    assert "[env ACTORGRAPH_WIKIDATA_CACHE; default var/cache/wikidata]" in link_help
