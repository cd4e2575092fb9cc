from pathlib import Path

import pytest

from asncore import constants
from asncore import settings as s

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_env(monkeypatch):
    monkeypatch.delenv(s.SETTINGS_ENV, raising=False)
    monkeypatch.delenv(s.ROOT_ENV, raising=False)
    monkeypatch.chdir(REPO)


def test_defaults_resolve_paths_and_databases(no_env):
    loaded = s.resolve({})
    assert loaded["data_dir"] == str(REPO / "var")
    assert loaded["learning"]["courses_dir"] == str(REPO / "courses")
    assert loaded["assessments"]["dir"] == str(REPO / "assessments")
    assert loaded["database"]["hub_url"] == f"sqlite:///{REPO}/var/jupyterhub.sqlite"
    assert loaded["database"]["platform_url"] == f"sqlite:///{REPO}/var/kompetensi.sqlite"
    assert loaded["roster"] == {"file": "", "units_file": ""}  # empty stays empty


def test_defaults_come_from_the_model_and_the_constants():
    assert s.DEFAULTS == s.Settings().model_dump()
    assert s.DEFAULTS["learning"]["jp_target_pns"] == constants.JP_TARGET_PNS
    assert s.DEFAULTS["learning"]["jp_target_pppk"] == constants.JP_CEILING_PPPK
    assert s.DEFAULTS["learning"]["minutes_per_jp"] == constants.MINUTES_PER_JP
    assert set(s.DEFAULTS) == set(s.Settings.model_fields)


def test_json_schema_documents_every_key():
    schema = s.Settings.model_json_schema()
    assert set(schema["properties"]) == set(s.DEFAULTS)
    hub = schema["$defs"]["Hub"]
    assert hub["additionalProperties"] is False
    assert hub["properties"]["port"]["maximum"] == 65535
    thresholds = schema["$defs"]["Reports"]["properties"]["mastery_thresholds"]
    assert thresholds["minItems"] == thresholds["maxItems"] == 5


def test_file_overrides_only_given_keys(tmp_path):
    f = tmp_path / "settings.yaml"
    f.write_text("hub:\n  port: 9000\ndata_dir: /srv/asn\n")
    loaded = s.load(f)
    assert loaded["hub"]["port"] == 9000
    assert loaded["hub"]["ip"] == "127.0.0.1"  # default kept
    assert loaded["database"]["platform_url"] == "sqlite:////srv/asn/kompetensi.sqlite"
    assert s.DEFAULTS["hub"]["port"] == 8000  # defaults not mutated
    assert s.Settings().hub.port == 8000


def test_empty_file_is_all_defaults(tmp_path, no_env):
    f = tmp_path / "settings.yaml"
    f.write_text("")
    assert s.load(f) == s.resolve({})


@pytest.mark.parametrize(
    "text, key, reason",
    [
        ("hub:\n  port: abc\n", "hub.port", "valid integer (got 'abc')"),
        ("hub:\n  port: '8000'\n", "hub.port", "valid integer"),  # no coercion
        ("hub:\n  port: 70000\n", "hub.port", "less than or equal to 65535"),
        ("hub:\n  dev_mode: 'yes'\n", "hub.dev_mode", "valid boolean"),
        ("hub:\n  prot: 9000\n", "hub", "unknown key(s) prot; allowed: base_url, dev_mode, "),
        ("colour: red\n", "(root)", "unknown key(s) colour; allowed: accounts"),
        ("hub:\n", "hub", "expected a section"),
        ("accounts:\n  min_password_length: 4\n", "accounts.min_password_length",
         "greater than or equal to 8"),
        ("unix:\n  user_prefix: 'Root'\n", "unix.user_prefix", "should match pattern"),
        ("unix:\n  home_base: home\n", "unix.home_base", "should match pattern"),
        ("hub:\n  base_url: hub\n", "hub.base_url", "should match pattern"),
        ("learning:\n  jp_target_pns: 0\n", "learning.jp_target_pns", "greater than 0"),
        ("assessments:\n  counts: all\n", "assessments.counts", "'latest' or 'first'"),
        ("assessments:\n  grading_workers: 17\n", "assessments.grading_workers",
         "less than or equal to 16"),
        ("reports:\n  mastery_thresholds: [0.5, 0.5]\n", "reports.mastery_thresholds",
         "at least 5 items"),
        ("reports:\n  mastery_thresholds: [0.5, 0.5, 0.5, 0.5, 1.5]\n",
         "reports.mastery_thresholds.4", "less than or equal to 1"),
        ("ui:\n  locale: fr\n", "ui.locale", "'id_ID' or 'en'"),
        ("service:\n  name: Kompetensi\n", "service.name", "should match pattern"),
        ("culler:\n  timeout_seconds: 5\n", "culler.timeout_seconds", "greater than or equal to"),
        ("- a\n- b\n", "(root)", "expected a section"),
    ],
)
def test_bad_setting_names_file_key_and_reason(tmp_path, text, key, reason):
    f = tmp_path / "settings.yaml"
    f.write_text(text)
    with pytest.raises(s.SettingsError) as err:
        s.load(f)
    message = str(err.value)
    assert message.startswith("Pengaturan tidak valid (invalid settings):")
    assert f"{f}: {key}: " in message
    assert reason in message


def test_every_problem_is_listed(tmp_path):
    f = tmp_path / "settings.yaml"
    f.write_text("hub:\n  port: 0\n  prot: 1\nui:\n  locale: fr\n")
    lines = str(pytest.raises(s.SettingsError, s.load, f).value).splitlines()[1:]
    assert [line.split(": ")[1] for line in lines] == ["hub", "hub.port", "ui.locale"]


def test_invalid_yaml_and_missing_explicit_file(tmp_path, monkeypatch):
    f = tmp_path / "settings.yaml"
    f.write_text("hub: [unclosed\n")
    with pytest.raises(s.SettingsError, match="not valid YAML"):
        s.load(f)
    with pytest.raises(s.SettingsError, match="not found"):
        s.load(tmp_path / "nope.yaml")
    monkeypatch.setenv(s.SETTINGS_ENV, str(tmp_path / "nope.yaml"))
    with pytest.raises(s.SettingsError, match="not found"):
        s.load()


def test_project_root_from_env_or_working_directory(tmp_path, monkeypatch, no_env):
    assert s.project_root() == REPO
    monkeypatch.chdir(REPO / "asncore")
    assert s.project_root() == REPO  # walks up
    monkeypatch.chdir(tmp_path)
    with pytest.raises(s.SettingsError, match="Folder platform tidak ditemukan.*ASN_ROOT"):
        s.project_root()
    monkeypatch.setenv(s.ROOT_ENV, str(tmp_path))
    assert s.project_root() == tmp_path
    monkeypatch.setenv(s.ROOT_ENV, str(tmp_path / "missing"))
    with pytest.raises(s.SettingsError, match="folder tidak ada"):
        s.project_root()


def test_relative_paths_resolve_against_the_project_root(tmp_path, monkeypatch, no_env):
    monkeypatch.setenv(s.ROOT_ENV, str(tmp_path))
    (tmp_path / "settings.yaml").write_text("roster:\n  file: data/roster.csv\n")
    monkeypatch.chdir("/")
    loaded = s.load()  # settings.yaml of the project root
    assert loaded["roster"]["file"] == str(tmp_path / "data/roster.csv")
    assert loaded["data_dir"] == str(tmp_path / "var")


def test_absolute_paths_need_no_project_root(tmp_path, monkeypatch, no_env):
    monkeypatch.chdir(tmp_path)  # no platform folder here, no ASN_ROOT
    loaded = s.resolve({"data_dir": "/srv/asn", "learning": {"courses_dir": "/srv/c"},
                        "assessments": {"dir": "/srv/a"}})
    assert loaded["data_dir"] == "/srv/asn"


def test_service_environment_names_the_file_in_use(tmp_path, monkeypatch, no_env):
    monkeypatch.setenv(s.ROOT_ENV, str(tmp_path))
    assert s.service_environment() == {"ASN_ROOT": str(tmp_path)}
    (tmp_path / "settings.yaml").write_text("{}\n")
    assert s.service_environment()["ASN_SETTINGS"] == str(tmp_path / "settings.yaml")


def test_deep_merge_does_not_mutate_inputs():
    base = {"a": {"b": 1, "c": [1]}}
    merged = s.deep_merge(base, {"a": {"b": 2}})
    merged["a"]["c"].append(2)
    assert base == {"a": {"b": 1, "c": [1]}}
    assert merged == {"a": {"b": 2, "c": [1, 2]}}
