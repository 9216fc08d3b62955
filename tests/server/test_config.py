"""The configuration model: defaults, every section checked with a sentence naming the file, section and key,
the settings reference generated from the model, and the example office config loading cleanly."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from display.led import LedBoardConfig
from display.settings import led_boards, voice_config
from display.voice.tts import VoiceSettings
from server.config import (
    Config,
    ConfigError,
    LedBoard,
    PrinterConfig,
    Section,
    VoiceSection,
    from_dict,
    load,
    settings_reference,
)
from server.ops import backup

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "docs" / "settings.md"


def test_defaults_are_an_office_in_vietnam() -> None:
    cfg = from_dict({})
    assert cfg.office.timezone == "Asia/Ho_Chi_Minh" and cfg.server.port == 8080
    assert cfg.db_file.name == "motcua.db"
    assert cfg.security.kiosk_issue_burst == 3 and cfg.voice.rate == 150 and cfg.hub is None


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ({"server": {"prot": 1}}, "[server]: unknown key(s) prot; known: host, port"),
        ({"server": {"port": "80"}}, "[server] port must be a whole number, got '80'"),
        ({"server": {"port": 70000}}, "[server] port must be at most 65535"),
        ({"office": {"timezone": "Mars/Base"}}, "[office] timezone 'Mars/Base' is not a known time zone"),
        ({"queue": {"priority_burst": 0}}, "[queue] priority_burst must be at least 1"),
        ({"nonsense": {}}, "unknown section [nonsense]"),
        ({"server": {"machine_id": "a b"}}, "[server] machine_id may hold only"),
        ({"server": {"trusted_proxies": ["10.0.0.0/33"]}}, "[server] trusted_proxies: '10.0.0.0/33' is not an IP"),
        ({"server": 5}, "[server] must be a table"),
        # the sections parts used to parse themselves are now in the model, with the same checks
        ({"voice": {"backend": "festival"}}, "[voice] backend must be 'pyttsx3', 'espeak-ng' or 'auto'"),
        ({"voice": {"rate": 10}}, "[voice] rate must be at least 80"),
        ({"voice": {"template": "Mời số {number}"}}, "[voice] template"),
        ({"voice": {"enabled": "yes"}}, "[voice] enabled must be true or false"),
        ({"led": {"boards": [{"address": "quầy 1"}]}}, "[[led.boards]] #1 ('quầy 1'): address"),
        ({"led": {"boards": [{"address": "Q1", "transport": "serial"}]}}, "needs a url"),
        ({"led": {"boards": [{"address": "Q1"}, {"address": "Q1"}]}}, "two boards have the same address"),
        ({"printers": [{"id": "k1", "kind": "network"}]}, "[[printers]] #1 ('k1'): kind 'network' needs host"),
        ({"printers": [{"id": "k1", "kind": "file", "file_path": "a", "paper_mm": 76}]},
         "[[printers]] #1 ('k1') paper_mm must be 58 or 80, got 76"),
        ({"printers": [{"id": "k", "kind": "memory"}, {"id": "k", "kind": "memory"}]},
         "two printers have the same id: k"),
        ({"kiosk": {"default_lang": "fr"}}, "[kiosk] default_lang must be 'vi' or 'en'"),
        ({"security": {"public_burst": 0}}, "[security] public_burst must be above 0"),
        ({"security": {"trusted_proxies": ["127.0.0.1"]}}, "write it as [server] trusted_proxies"),
        ({"calendar": {"at_close": "never"}}, "[calendar] at_close must be 'serve_all' or 'close_waiting'"),
        ({"mobile": {"enabled": True}}, "[mobile]: place is required when enabled"),
        ({"appointments": {"late_min": -1}}, "[appointments] late_min must be at least 0"),
        ({"steps": {"amber_pct": 200}}, "[steps]: red_pct must be greater than amber_pct"),
        ({"reports": {"letters_since": "01/03/2024"}}, "[reports] letters_since must be the day"),
        ({"reports": {"monthly_group": "week"}}, "[reports] monthly_group must be one of field"),
        ({"sync": {"hub_url": "http://hub"}}, "[sync]: key is required"),
        ({"sync": {"hub_url": "hub", "key": "k"}}, "hub_url must start with http:// or https://"),
        ({"hub": {"port": 8090}}, "[hub] dsn is required"),
        ({"backup": {"hour": 24}}, "[backup] hour must be at most 23"),
    ],
)
def test_bad_config_says_what_is_wrong(raw: dict, fragment: str) -> None:
    with pytest.raises(ConfigError) as exc:
        from_dict(raw)
    assert fragment in str(exc.value)


def test_every_problem_is_named_with_the_file(tmp_path: Path) -> None:
    path = tmp_path / "motcua.toml"
    path.write_text('[server]\nport = "80"\n\n[kiosk]\nidle_reset = 30\n', encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load(path)
    lines = str(exc.value).splitlines()
    assert lines[0].startswith(f"config file {path}: ") and "[server] port must be a whole number" in lines[0]
    assert lines[1].startswith("[kiosk]: unknown key(s) idle_reset; known: idle_reset_s")


def test_missing_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[server\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load(bad)


def test_a_toml_date_and_hex_usb_ids_are_read_as_an_office_writes_them(tmp_path: Path) -> None:
    path = tmp_path / "motcua.toml"
    path.write_text('[reports]\nletters_since = 2024-03-01\n\n[[printers]]\nid = "k1"\nkind = "usb"\n'
                    'usb_vendor_id = "0x0416"\nusb_product_id = "5011"\n', encoding="utf-8")
    cfg = load(path)
    assert cfg.reports.letters_since == "2024-03-01"
    assert (cfg.printers[0].usb_vendor_id, cfg.printers[0].usb_product_id) == (0x0416, 0x5011)


def test_parts_read_their_sections_from_the_model(tmp_path: Path) -> None:
    cfg = from_dict({"server": {"data_dir": str(tmp_path)}, "voice": {"rate": 120, "player": " aplay -q "},
                     "led": {"boards": [{"address": "Q3", "counter": 3, "host": "10.0.0.5"}]}})
    voice = voice_config(cfg)
    assert voice.settings.rate == 120 and voice.player == "aplay -q" and voice.cache_dir == tmp_path / "audio"
    assert led_boards(cfg) == [LedBoardConfig(address="Q3", counter="3", host="10.0.0.5")]


def test_the_runtime_objects_keep_the_models_defaults() -> None:
    """Devices' own value types may be built without a config (tests, tools): their defaults must be the model's."""
    board_defaults = {f.name: f.default for f in dataclasses.fields(LedBoardConfig) if f.name != "address"}
    assert board_defaults == {k: f.default for k, f in LedBoard.model_fields.items() if k != "address"}
    voice = VoiceSection()
    assert VoiceSettings() == VoiceSettings(voice=voice.voice, rate=voice.rate, volume=voice.volume)
    # server/ops/backup.py reads [backup] with the system Python at install time (no pydantic there)
    assert Config().backup.model_dump() == backup.BACKUP_KEYS


def test_a_printer_table_alone_is_checked_with_the_same_sentences() -> None:
    assert PrinterConfig.from_dict({"id": "m", "kind": "memory"}).paper_mm == 80
    with pytest.raises(ValueError, match=r"\[\[printers\]\] #1 \('p'\) port must be at most 65535"):
        PrinterConfig.from_dict({"id": "p", "kind": "network", "host": "h", "port": 70000})


def test_the_settings_reference_is_generated_from_the_model() -> None:
    """docs/settings.md is `python -m server.config --doc`; after changing the model, regenerate it."""
    assert REFERENCE.read_text(encoding="utf-8") == settings_reference()


def _keys(model: type[Section], prefix: str) -> list[tuple[str, str]]:
    """(dotted key, description) of every leaf setting under `model`."""
    found = []
    for key, field in model.model_fields.items():
        inner = [a for a in (field.annotation, *getattr(field.annotation, "__args__", ()))
                 if isinstance(a, type) and issubclass(a, Section)]
        if inner:
            found += _keys(inner[0], f"{prefix}{key}.")
        else:
            found.append((f"{prefix}{key}", field.description or ""))
    return found


def test_every_setting_is_described_and_in_the_reference() -> None:
    keys = _keys(Config, "")
    assert len(keys) > 90  # every section of every part, not only the server's
    assert [key for key, description in keys if not description] == []
    assert [key for key, _ in keys if f"| `{key}` |" not in settings_reference()] == []


def test_the_readme_points_at_the_reference() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration reference", 1)[1].split("\n## ", 1)[0]
    assert "docs/settings.md" in section


def test_the_example_office_config_loads_cleanly() -> None:
    cfg = load(ROOT / "deploy" / "motcua.example.toml")
    assert cfg.server.host == "0.0.0.0" and cfg.backup.dir == "/var/backups/motcua"


def test_check_command_names_the_problem(tmp_path: Path) -> None:
    path = tmp_path / "motcua.toml"
    path.write_text("[voice]\nrate = 10\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "server.config", "--check", str(path)], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1 and "[voice] rate must be at least 80" in done.stderr
