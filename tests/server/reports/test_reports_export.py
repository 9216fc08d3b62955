"""Exports, CLI and the monthly job on a simulated office: the XLSX and CSV carry the JSON report's figures
as numbers, with Vietnamese headers; the letters tables have seed 000's shape."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from server.cli import main
from server.config import from_dict
from server.demo.simulate import simulate
from server.domain.clock import FakeClock
from server.reports import charts, export, service
from server.reports.monthly import make_monthly
from tests.conftest import TZ

START, END = date(2026, 10, 1), date(2026, 10, 31)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sim") / "motcua.db"
    simulate(path, "xa01", "xa01", days=45, seed=3, per_day=40, end=date(2026, 11, 5))
    return path


@pytest.fixture(scope="module")
def rep(db: Path) -> dict[str, Any]:
    return service.report(db, START, END, "field", 15)


def test_xlsx_figures_are_the_json_figures_as_numbers(db: Path, rep: dict[str, Any]) -> None:
    wb = load_workbook(io.BytesIO(service.render(db, START, END, "field", 15, "xlsx")))
    assert wb.sheetnames[:2] == ["Tổng hợp", "Theo lĩnh vực"]
    ws = wb["Theo lĩnh vực"]
    head = [c.value for c in ws[1]]
    assert head[:3] == ["Lĩnh vực", "Số vé đã cấp", "Đã phục vụ xong"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {r["label"] for r in rep["rows"]} | {"Tổng cộng"}
    for r in [*rep["rows"], {**rep["total"], "label": "Tổng cộng"}]:
        for col, (key, _, unit) in enumerate(export.COLUMNS, start=1):
            cell, want = rows[r["label"]][col], r.get(key)
            if want is None:
                assert cell is None, key
            else:
                assert isinstance(cell, int | float), (key, cell)
                assert cell == pytest.approx(want / 60 if unit == "seconds" else want), key
    assert rep["total"]["issued"] > 500  # the simulated month is not empty
    assert ws.cell(row=2, column=head.index("Tỷ lệ đạt yêu cầu (hài lòng trở lên) (%)") + 1).number_format == "0.0%"


def test_csv_opens_in_a_vietnamese_spreadsheet(db: Path, rep: dict[str, Any]) -> None:
    """A Vietnamese-locale Excel or LibreOffice reads ';' between cells and ',' before decimals (docs/reports.md)."""
    raw = service.render(db, START, END, "field", 15, "csv")
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Lĩnh vực" and rows[-1][0] == "Tổng cộng" and len(rows[0]) > 10
    assert int(rows[-1][1]) == rep["total"]["issued"]
    wait = rows[-1][rows[0].index("Thời gian chờ trung bình (phút)")]
    assert "," in wait and "." not in wait  # 12,3 and never 12.3, which the locale reads as a date or text
    assert float(wait.replace(",", ".")) == pytest.approx(rep["total"]["wait_mean"] / 60, abs=0.01)


def test_letters_tables_have_the_appendix_shape(db: Path) -> None:
    letters = service.letters(db, START, END)
    t = letters["total"]
    assert t["total"] == t["congratulation"] + t["death"] and t["congratulation"] == t["birth"] + t["marriage"]
    assert t["birth"] > 0 and t["marriage"] > 0 and t["death"] > 0
    wb = load_workbook(io.BytesIO(service.letters_xlsx(letters)))
    ws = wb["Thư HCPVND theo đơn vị"]
    values = list(ws.iter_rows(values_only=True))
    assert values[2][3] == "Tổng Thư chúc mừng (Hỷ sự) và chia buồn (Tang gia)"
    assert values[3] == ("(1)", "(2)", "(3)", "(4)=(5)+(8)", "(5)=(6)+(7)", "(6)", "(7)", "(8)")
    assert values[-1][1] == "Tổng cộng" and values[-1][3] == t["total"]
    proc = list(wb["Thư HCPVND theo thủ tục"].iter_rows(values_only=True))
    assert sum(r[3] for r in proc[2:-1]) == t["total"] and proc[-1][0] == "TỔNG"


def test_cli_writes_the_report_and_refuses_a_reversed_period(db: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "oct.xlsx"
    main(["report", "--from", "2026-10-01", "--to", "2026-10-31", "--format", "xlsx", "--db", str(db),
          "--out", str(out)])
    assert load_workbook(out)["Tổng hợp"]["B5"].value > 500
    main(["report", "--from", "2026-10-01", "--to", "2026-10-31", "--format", "json", "--db", str(db),
          "--group", "hour", "--out", str(tmp_path / "r.json")])
    assert '"group": "hour"' in (tmp_path / "r.json").read_text(encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["report", "--from", "2026-10-31", "--to", "2026-10-01", "--db", str(db)])
    assert "phải trước hoặc bằng ngày kết thúc" in str(exc.value)


def test_monthly_report_is_written_once(db: Path, tmp_path: Path) -> None:
    config = from_dict({"server": {"data_dir": str(tmp_path), "db_path": str(db)}})
    clock = FakeClock(datetime(2026, 11, 1, 0, 30, tzinfo=TZ))
    path = make_monthly(config, clock)
    assert path == tmp_path / "reports" / "bao-cao-thang-2026-10.xlsx"
    first = path.stat().st_mtime_ns
    assert load_workbook(path)["Tổng hợp"]["A3"].value == "Từ ngày 2026-10-01 đến ngày 2026-10-31 (31 ngày)"
    assert make_monthly(config, clock) is None  # kept, not redone
    assert path.stat().st_mtime_ns == first and not list(path.parent.glob("*.part"))


def test_reports_config_is_checked(tmp_path: Path) -> None:
    from server.config import ConfigError, from_dict

    assert from_dict({"reports": {"wait_target_min": 20}}).reports.wait_target_min == 20
    with pytest.raises(ConfigError, match="wait_target_min"):
        from_dict({"reports": {"wait_target_min": 0}})
    with pytest.raises(ConfigError, match="unknown key"):
        from_dict({"reports": {"wait_taget_min": 10}})


def test_every_figure_is_documented() -> None:
    from server.reports.definitions import all_figures

    doc = (Path(__file__).resolve().parents[3] / "docs" / "reports.md").read_text(encoding="utf-8")
    missing = [f.key for f in all_figures() if f"`{f.key}`" not in doc and f.key not in
               {"score_4", "score_3", "score_2", "score_1"}]
    assert missing == []
    assert "`score_4` … `score_1`" in doc


def test_letters_start_date_is_the_setting_not_the_first_letter(db: Path, tmp_path: Path) -> None:
    """Column (3) "Thời gian bắt đầu triển khai" is the day the office began the model ([reports] letters_since),
    shown as the appendix writes dates; unset, it is left blank for the leader, never the period's first letter."""
    from server.config import ConfigError, from_dict

    assert from_dict({"reports": {"letters_since": "2024-03-01"}}).reports.letters_since == "2024-03-01"
    for wrong in ("01/03/2024", "2024-02-30", 20240301):
        with pytest.raises(ConfigError, match="letters_since"):
            from_dict({"reports": {"letters_since": wrong}})
    assert service.letters(db, START, END)["by_unit"][0]["since"] is None
    cfg = tmp_path / "motcua.toml"
    cfg.write_text(f'[server]\ndata_dir = "{tmp_path}"\ndb_path = "{db}"\n[reports]\nletters_since = "2024-03-01"\n',
                   encoding="utf-8")
    main(["report", "--from", "2026-10-01", "--to", "2026-10-31", "--letters", "--format", "xlsx", "--config",
          str(cfg), "--out", str(tmp_path / "thu.xlsx")])
    unit = list(load_workbook(tmp_path / "thu.xlsx")["Thư HCPVND theo đơn vị"].iter_rows(values_only=True))
    assert unit[4][:3] == (1, "Trung tâm mô phỏng xa01", "01/03/2024") and unit[-1][2] in ("", None)
    config = from_dict({"server": {"data_dir": str(tmp_path), "db_path": str(db)},
                        "reports": {"letters_since": "2024-03-01"}})
    path = make_monthly(config, FakeClock(datetime(2026, 11, 1, 0, 30, tzinfo=TZ)))
    assert path is not None
    monthly = [r[2] for r in load_workbook(path)["Thư HCPVND theo đơn vị"].iter_rows(values_only=True)]
    assert monthly[monthly.index("(3)") + 1] == "01/03/2024"


# The English the charts carried beside their Vietnamese titles and legends.
OLD_ENGLISH_ON_CHARTS = ("Arrivals", "Waits", "Satisfaction", "mean", "median", "No data")


def _chart_words(report: dict[str, Any], name: str, lang: str) -> str:
    """Every word drawn on one chart: its title, axis labels, tick labels and legend."""
    fig = charts.CHARTS[name](report, charts.Say(lang))
    ax = fig.axes[0]
    words = [ax.get_title("left"), ax.get_ylabel(), *(t.get_text() for t in ax.get_xticklabels())]
    legend = ax.get_legend()
    words += [t.get_text() for t in legend.get_texts()] if legend else []
    return " | ".join(words)


@pytest.mark.parametrize("name", list(charts.CHARTS))
def test_charts_speak_one_language(rep: dict[str, Any], name: str) -> None:
    vi = _chart_words(rep, name, "vi")
    assert [w for w in OLD_ENGLISH_ON_CHARTS if w in vi] == [] and "(" not in vi.split(" | ")[0].replace("(phút)", "")
    en = _chart_words(rep, name, "en")
    assert en != vi and any(w in en for w in OLD_ENGLISH_ON_CHARTS) and "Lượt" not in en


def test_chart_dates_read_day_first(rep: dict[str, Any]) -> None:
    ticks = _chart_words(rep, "waits", "vi").split(" | ")[2:]
    assert "01/10" in ticks and not any("-" in t for t in ticks)
