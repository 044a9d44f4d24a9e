"""What can be wrong with a spreadsheet row, as stable codes with messages in zh and en.

Validation problems reuse the API's user error codes (REQUIRED, TOO_LONG, ...) and messages;
problems only an import can have (a quantity nobody can read, an unknown province, an id
already in the hub) have their own codes here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from hub.domain.errors import ErrorCode, UserError
from hub.domain.messages import localized
from hub.domain.messages import message as user_error_message
from hub.domain.user_warnings import InputWarning, WarningCode, warning_message


class ImportCode(Enum):
    """Codes only an import reports."""

    UNREADABLE_QUANTITY = "UNREADABLE_QUANTITY"
    UNREADABLE_NUMBER = "UNREADABLE_NUMBER"
    UNREADABLE_DATE = "UNREADABLE_DATE"
    UNREADABLE_VALUE = "UNREADABLE_VALUE"
    UNKNOWN_PROVINCE = "UNKNOWN_PROVINCE"
    UNKNOWN_UNIT = "UNKNOWN_UNIT"
    GUESSED_CATEGORY = "GUESSED_CATEGORY"
    QUANTITY_RANGE = "QUANTITY_RANGE"
    ALREADY_PRESENT = "ALREADY_PRESENT"
    CONFLICTING_ROWS = "CONFLICTING_ROWS"
    ENTRY_REJECTED = "ENTRY_REJECTED"
    UNKNOWN_COLUMN = "UNKNOWN_COLUMN"
    DATABASE_REFUSED = "DATABASE_REFUSED"


_MESSAGES: dict[ImportCode, tuple[str, str]] = {
    ImportCode.UNREADABLE_QUANTITY: (
        "无法识别的数量，请写数字（可带单位，如 2000个、5箱、1万），或写“若干”“不限”。",
        "Unreadable quantity: write a number (with a unit: 2000个, 5箱, 1万) or 若干/unknown.",
    ),
    ImportCode.UNREADABLE_NUMBER: ("无法识别的数字。", "Not a number."),
    ImportCode.UNREADABLE_DATE: (
        "无法识别的日期，例如 2020-01-28、2020/1/28 14:00 或 1月28日。",
        "Unreadable date, e.g. 2020-01-28, 2020/1/28 14:00 or 1月28日.",
    ),
    ImportCode.UNREADABLE_VALUE: (
        "无法识别的值，可填写：{expected}。",
        "Unreadable value; expected one of: {expected}.",
    ),
    ImportCode.UNKNOWN_PROVINCE: (
        "未知的省份“{value}”，请写省级行政区名称，如 湖北 或 湖北省。",
        "Unknown province '{value}'; write a province such as 湖北, 湖北省 or Hubei.",
    ),
    ImportCode.UNKNOWN_UNIT: (
        "未知的单位“{value}”，已按该物资类别的默认单位处理。",
        "Unknown unit '{value}'; the category's default unit was used.",
    ),
    ImportCode.GUESSED_CATEGORY: (
        "无法从物资名称判断类别，已归入“其他物资”，请审核时确认。",
        "No category could be told from the item's name; filed under other supplies.",
    ),
    ImportCode.QUANTITY_RANGE: (
        "数量是一个范围，已取较大值 {value}。",
        "The quantity is a range; the larger number, {value}, was taken.",
    ),
    ImportCode.ALREADY_PRESENT: (
        "编号 {value} 已在平台中，跳过（重复导入不会重复写入）。",
        "Id {value} is already in the hub; skipped (importing twice writes once).",
    ),
    ImportCode.CONFLICTING_ROWS: (
        "与同一编号的第 {row} 行不一致。",
        "Differs from row {row}, which has the same id.",
    ),
    ImportCode.ENTRY_REJECTED: (
        "同一条目的第 {row} 行有错误，整条未导入。",
        "Row {row} of the same entry has a problem; the entry was not imported.",
    ),
    ImportCode.UNKNOWN_COLUMN: (
        "未识别的列，已忽略。",
        "Unrecognised column; ignored.",
    ),
    ImportCode.DATABASE_REFUSED: (
        "数据库拒绝写入此行：{reason}",
        "The database refused this row: {reason}",
    ),
}


@dataclass(frozen=True)
class RowProblem:
    """One problem of one row: the spreadsheet's row number, the column header as written in
    the file, the raw value, and a code (an ImportCode, an API ErrorCode or, for warnings, an
    API WarningCode)."""

    row: int
    column: str
    value: str
    code: ImportCode | ErrorCode | WarningCode
    params: dict[str, str | int] = field(default_factory=dict)

    def message(self, language: str) -> str:
        """The reason in `language` ("zh" or "en")."""
        if isinstance(self.code, ErrorCode):
            return user_error_message(UserError(self.column, self.code, self.params), language)
        if isinstance(self.code, WarningCode):
            return warning_message(InputWarning(self.column, self.code, self.params), language)
        return localized(_MESSAGES[self.code], language, self.params)
