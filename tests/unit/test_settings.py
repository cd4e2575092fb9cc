from pathlib import Path

import pytest

from asncore import settings as s


def test_defaults_resolve_paths_and_databases(tmp_path):
    loaded = s.resolve(s.DEFAULTS)
    assert Path(loaded["data_dir"]).is_absolute()
    assert loaded["database"]["hub_url"].endswith("/var/jupyterhub.sqlite")
    assert loaded["database"]["platform_url"].startswith("sqlite:///")


def test_file_overrides_only_given_keys(tmp_path):
    f = tmp_path / "settings.yaml"
    f.write_text("hub:\n  port: 9000\n")
    loaded = s.load(f)
    assert loaded["hub"]["port"] == 9000
    assert loaded["hub"]["ip"] == "127.0.0.1"  # default kept
    assert s.DEFAULTS["hub"]["port"] == 8000  # defaults not mutated


@pytest.mark.parametrize(
    "text, key, reason",
    [
        ("hub:\n  port: abc\n", "hub.port", "is not of type 'integer'"),
        ("hub:\n  prot: 9000\n", "hub", "unknown key(s) prot"),
        ("accounts:\n  min_password_length: 4\n", "accounts.min_password_length", "less than the minimum"),
        ("unix:\n  user_prefix: 'Root'\n", "unix.user_prefix", "does not match"),
        ("hub:\n  base_url: hub\n", "hub.base_url", "does not match"),
    ],
)
def test_bad_setting_names_key_and_reason(tmp_path, text, key, reason):
    f = tmp_path / "settings.yaml"
    f.write_text(text)
    with pytest.raises(s.SettingsError) as err:
        s.load(f)
    message = str(err.value)
    assert f"{f}: {key}: " in message
    assert reason in message


def test_invalid_yaml_and_missing_explicit_file(tmp_path):
    f = tmp_path / "settings.yaml"
    f.write_text("hub: [unclosed\n")
    with pytest.raises(s.SettingsError, match="not valid YAML"):
        s.load(f)
    with pytest.raises(s.SettingsError, match="not found"):
        s.load(tmp_path / "nope.yaml")


def test_deep_merge_does_not_mutate_inputs():
    base = {"a": {"b": 1, "c": [1]}}
    merged = s.deep_merge(base, {"a": {"b": 2}})
    merged["a"]["c"].append(2)
    assert base == {"a": {"b": 1, "c": [1]}}
    assert merged == {"a": {"b": 2, "c": [1, 2]}}
