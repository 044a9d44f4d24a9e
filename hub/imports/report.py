"""An import's report: a CSV of every rejected row and warning, and a short summary."""

from __future__ import annotations

import csv
import io

from hub.domain.imports.problems import RowProblem
from hub.services.imports import ImportReport

REPORT_HEADER = ("row", "column", "value", "code", "severity", "reason_zh", "reason_en")


def report_csv(report: ImportReport) -> str:
    """Every rejection and warning, one per line, in row order (UTF-8 text; written with a BOM
    so that Excel opens it as UTF-8)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REPORT_HEADER)
    lines: list[tuple[RowProblem, str]] = [(p, "rejected") for p in report.rejected]
    lines += [(p, "warning") for p in report.warnings]
    for problem, severity in sorted(lines, key=lambda line: line[0].row):
        writer.writerow(
            (
                problem.row,
                problem.column,
                problem.value,
                problem.code.value,
                severity,
                problem.message("zh"),
                problem.message("en"),
            )
        )
    return out.getvalue()


def summary(report: ImportReport, language: str = "en") -> str:
    """A few lines saying what happened, then each rejected row's reasons."""
    lines = []
    if report.dry_run:
        verdict = f"dry run: {report.valid} record(s) would be imported; nothing was written"
    elif report.written:
        verdict = f"imported {report.imported} record(s)"
    else:
        verdict = "nothing imported: fix the rejected rows, or use --skip-invalid"
    lines.append(
        f"{report.file_name}: {report.rows} row(s) of {report.dataset.value}; {verdict}; "
        f"{report.skipped} already present; {report.rejected_rows} row(s) rejected; "
        f"{len(report.warnings)} warning(s)"
    )
    for problem in report.rejected:
        column = f" [{problem.column}]" if problem.column else ""
        value = f" {problem.value!r}" if problem.value else ""
        lines.append(
            f"  row {problem.row}{column}{value}: {problem.code.value}: {problem.message(language)}"
        )
    return "\n".join(lines)
