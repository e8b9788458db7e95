"""cashflow.xlsx: the lender's cash-flow forecast as a spreadsheet (openpyxl).

Sheets: ``P50`` and ``P10`` (months 1-24 as columns, see :mod:`sim.cashflow`), ``yearly``
(both futures by year, to month 60) and ``Assumptions`` (every setting, its value and its
source, see :mod:`sim.scenario_file`). Each sheet says in its first lines which future it is
and why its rows add up, so a page printed on its own still explains itself. Values are
numbers (not formulas), so any program reading the file sees them without recalculating.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from sim import cashflow as cf
from sim.cashflow import Forecast, as_plain
from sim.scenario_file import Setting

if TYPE_CHECKING:
    from sim.experiment import Results

__all__ = ["HEADER_ROW", "cashflow_workbook", "sheet_rows"]

MONEY = "#,##0.00;[Red]-#,##0.00"
SHARE = "0%"
HEADER_ROW = 5  # the row of month (or year) headings; the lender's rows follow it
BOLD_ROWS = {cf.OPENING, cf.TOTAL_RECEIPTS, cf.TOTAL_PAYMENTS, cf.NET_FLOW, cf.CLOSING}
SECTION = {cf.OPENING: None, cf.client_rows()[0]: "Receipts", cf.TOTAL_RECEIPTS: None}
TOTAL_FILL = PatternFill("solid", fgColor="E8EEF6")


def _title(sheet: Worksheet, lines: Sequence[str]) -> None:
    """The first rows: a bold title, then notes, above ``HEADER_ROW``."""
    for i, text in enumerate(lines[: HEADER_ROW - 1], start=1):
        cell = sheet.cell(row=i, column=1, value=text)
        cell.font = Font(bold=i == 1, size=13 if i == 1 else 10)


def _table(
    sheet: Worksheet, table: pd.DataFrame, top: int, heading: str, money: bool = True
) -> int:
    """Write ``table`` (rows by columns) with its row labels in column A from row ``top``
    (the column headings); returns the next free row."""
    sheet.cell(row=top, column=1, value=heading).font = Font(bold=True)
    for j, column in enumerate(table.columns, start=2):
        name = f"Month {column}" if isinstance(column, int) else str(column)
        cell = sheet.cell(row=top, column=j, value=name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="right", wrap_text=True)
    row = top + 1
    for label, values in table.iterrows():
        text = str(label)
        first = sheet.cell(row=row, column=1, value=text)
        bold = text in BOLD_ROWS
        first.font = Font(bold=bold)
        for j, value in enumerate(values.tolist(), start=2):
            cell = sheet.cell(row=row, column=j, value=as_plain(value))
            is_share = not money and ("share" in text.lower() or "interval" in text.lower())
            cell.number_format = SHARE if is_share else MONEY
            if bold:
                cell.font = Font(bold=True)
                cell.fill = TOTAL_FILL
        if bold:
            first.fill = TOTAL_FILL
        row += 1
    return row


def _widths(sheet: Worksheet, columns: int, first: float = 58.0, rest: float = 12.0) -> None:
    sheet.column_dimensions["A"].width = first
    for j in range(2, columns + 2):
        sheet.column_dimensions[get_column_letter(j)].width = rest


def _context(results: Results, source_name: str) -> str:
    scenario = results.scenario
    where = f"scenario file {source_name}" if source_name else "the scenario as edited"
    return (
        f"{scenario.business.name}: {results.reps:,} simulated futures of "
        f"{results.horizon} months, seed {results.seed}, from {where}. Amounts in £."
    )


def _forecast_sheet(sheet: Worksheet, forecast: Forecast, results: Results, name: str) -> None:
    kind = "median" if forecast.quantile == 0.5 else "pessimistic"
    _title(
        sheet,
        [
            f"Cash-flow forecast, months 1-{forecast.months}: the {kind} future ({forecast.label})",
            _context(results, name),
            forecast.how_chosen(),
            "Money from clients is recorded by payer when earned; it arrives after each "
            "payer's payment terms, so the rows marked 'less' turn earnings into cash "
            "received. Overheads are as paid: annual fees (insurance, registration) go out "
            "at the start of each year.",
        ],
    )
    row = _table(sheet, forecast.monthly, HEADER_ROW, "£")
    reference = forecast.reference
    row = _table(
        sheet,
        reference,
        row + 1,
        f"For reference, across all {results.reps:,} futures month by month "
        "(percentiles cell by cell: these do not add up)",
        money=False,
    )
    _widths(sheet, len(forecast.monthly.columns))
    sheet.freeze_panes = f"B{HEADER_ROW + 1}"


def _yearly_sheet(sheet: Worksheet, pair: Sequence[Forecast], results: Results, name: str) -> None:
    _title(
        sheet,
        [
            f"Cash-flow by year, to month {min(cf.YEARLY_MONTHS, results.horizon)}: "
            "the median (P50) and pessimistic (P10) futures",
            _context(results, name),
            "The same two futures as the P50 and P10 sheets, each year summed: flows add up, "
            "opening cash is the year's first month's and closing cash its last month's. "
            "A future that stopped trading ends in the year it stopped.",
        ],
    )
    row = HEADER_ROW
    widest = 0
    for forecast in pair:
        row = (
            _table(
                sheet, forecast.by_year, row, f"{forecast.label} (replication {forecast.rep}), £"
            )
            + 1
        )
        widest = max(widest, len(forecast.by_year.columns))
    _widths(sheet, widest, rest=16.0)


def _assumptions_sheet(
    sheet: Worksheet, settings: Sequence[Setting], results: Results, name: str
) -> None:
    _title(
        sheet,
        [
            "Assumptions: every setting of the scenario, its value and its source",
            _context(results, name),
            "The source is the comment on the setting's line in the scenario file; "
            "'built-in default' where the file does not give the setting (or there is no "
            "file).",
        ],
    )
    for j, heading in enumerate(("Setting", "Value", "Source"), start=1):
        sheet.cell(row=HEADER_ROW, column=j, value=heading).font = Font(bold=True)
    for i, setting in enumerate(settings, start=HEADER_ROW + 1):
        sheet.cell(row=i, column=1, value=setting.path)
        sheet.cell(row=i, column=2, value=setting.value)
        cell = sheet.cell(row=i, column=3, value=setting.source)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 48
    sheet.column_dimensions["B"].width = 34
    sheet.column_dimensions["C"].width = 110
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"


def cashflow_workbook(
    results: Results,
    pair: Sequence[Forecast],
    settings: Sequence[Setting],
    source_name: str = "",
) -> bytes:
    """The workbook as the bytes of an .xlsx file: sheets P50, P10, yearly, Assumptions."""
    book = Workbook()
    first = True
    for forecast in pair:
        sheet: Any = book.active if first else book.create_sheet()
        first = False
        sheet.title = forecast.label
        _forecast_sheet(sheet, forecast, results, source_name)
    _yearly_sheet(book.create_sheet("yearly"), pair, results, source_name)
    _assumptions_sheet(book.create_sheet("Assumptions"), settings, results, source_name)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sheet_rows(sheet: Worksheet) -> dict[str, list[Any]]:
    """A forecast sheet read back: row label -> the values of its months (or years), from
    ``HEADER_ROW`` down to the first empty row: what a reader of the file sees."""
    rows: dict[str, list[Any]] = {}
    for values in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True):
        if values[0] is None:
            break
        rows[str(values[0])] = [v for v in values[1:] if v is not None]
    return rows
