"""`bibliohub annual-report` and `bibliohub statutory-form` write their file, or exit non-zero
with a one-line reason."""

from __future__ import annotations

import csv
import io
from io import StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command


def _run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def test_the_annual_report_of_a_branch_is_written_as_csv_in_ukrainian(everything, central, tmp_path):
    out = tmp_path / "central.csv"
    printed = _run(
        "annual_report", "--year", "2026", "--branch", central.code, "--format", "csv",
        "--out", str(out), "--language", "uk",
    )
    assert printed.startswith(f"{out}: ")
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert any(row[1] == "loans" and row[2] == "Видачі" and row[3] == "5" for row in rows)


def test_the_annual_report_of_the_network_is_written_as_xlsx(everything, tmp_path):
    out = tmp_path / "network.xlsx"
    _run("annual_report", "--year", "2026", "--format", "xlsx", "--out", str(out))
    assert "Indicators" in openpyxl.load_workbook(out).sheetnames


def test_a_statutory_form_is_written(everything, tmp_path):
    out = tmp_path / "pls.csv"
    _run("statutory_form", "--form", "imls-pls", "--year", "2026", "--format", "csv", "--out", str(out))
    rows = {row["Element"]: row for row in csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig")))}
    assert rows["PHYSCIR"]["Value"] == "5"


@pytest.mark.parametrize(
    "command, args, reason",
    [
        ("annual_report", ("--year", "2026", "--branch", "NOWHERE", "--format", "pdf"), "unknown branch: NOWHERE"),
        ("annual_report", ("--year", "2019", "--format", "pdf"), "no data for 2019"),
        ("annual_report", ("--year", "2026", "--format", "csv", "--language", "xx"),
         r"unknown language: xx \(one of en, vi, zh-hans, uk, pl\)"),
        ("statutory_form", ("--form", "27b", "--year", "2026", "--format", "csv"),
         r"unknown form: 27b \(one of 6nk, cn-school, imls-pls\)"),
        ("statutory_form", ("--form", "6nk", "--year", "2019", "--format", "csv"), "no data for 2019"),
    ],
)
def test_the_commands_exit_with_a_one_line_reason(everything, tmp_path, command, args, reason):
    out = tmp_path / "never"
    with pytest.raises(CommandError, match=f"^{reason}$"):
        _run(command, *args, "--out", str(out))
    assert not out.exists()


def test_an_unwritable_file_is_a_one_line_reason(everything, tmp_path):
    with pytest.raises(CommandError, match=r"^cannot write .*/missing/dir/r\.csv: No such file or directory$"):
        _run("annual_report", "--year", "2026", "--format", "csv", "--out", str(tmp_path / "missing/dir/r.csv"))


def test_the_bibliohub_command_exits_non_zero_with_the_reason_on_stderr(everything, tmp_path, capsys, bibliohub_main):
    """Through the `bibliohub` console script's entry point, with its hyphenated name."""
    with pytest.raises(SystemExit) as exit_status:
        bibliohub_main(["bibliohub", "annual-report", "--year", "2019", "--format", "pdf", "--out", str(tmp_path / "r.pdf")])
    assert exit_status.value.code == 1
    assert capsys.readouterr().err.strip() == "CommandError: no data for 2019"
