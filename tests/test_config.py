"""Configuration: defaults, validation with clear messages, and every setting documented in the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.config import ConfigError, from_dict, load, settings_doc

README = Path(__file__).resolve().parent.parent / "README.md"


def test_defaults_are_an_office_in_vietnam() -> None:
    cfg = from_dict({})
    assert cfg.office.timezone == "Asia/Ho_Chi_Minh" and cfg.server.port == 8080
    assert cfg.db_file.name == "motcua.db"


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ({"server": {"prot": 1}}, "unknown key(s) prot"),
        ({"server": {"port": "80"}}, "port must be a whole number"),
        ({"office": {"timezone": "Mars/Base"}}, "not a known time zone"),
        ({"queue": {"priority_burst": 0}}, "at least 1"),
        ({"nonsense": {}}, "unknown section [nonsense]"),
        ({"server": {"machine_id": "a b"}}, "machine_id"),
    ],
)
def test_bad_config_says_what_is_wrong(raw: dict, fragment: str) -> None:
    with pytest.raises(ConfigError) as exc:
        from_dict(raw)
    assert fragment in str(exc.value)


def test_missing_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[server\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load(bad)


def test_every_setting_is_documented_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [key for key, _, _ in settings_doc() if f"`{key}`" not in text]
    assert not missing, f"settings missing from README's configuration reference: {missing}"
