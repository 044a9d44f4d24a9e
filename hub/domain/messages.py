"""User-facing messages in Chinese and English, and the choice of language per request."""

from __future__ import annotations

from collections.abc import Mapping

from hub.domain.errors import ErrorCode, UserError

LANGUAGES = ("zh", "en")

_MESSAGES: dict[ErrorCode, tuple[str, str]] = {
    ErrorCode.REQUIRED: ("此项必填。", "This field is required."),
    ErrorCode.TOO_LONG: ("最多 {max} 个字符。", "At most {max} characters."),
    ErrorCode.TOO_MANY: ("最多 {max} 项。", "At most {max} entries."),
    ErrorCode.NOT_POSITIVE: ("必须大于零。", "Must be greater than zero."),
    ErrorCode.OUT_OF_RANGE: ("必须在 {min} 到 {max} 之间。", "Must be between {min} and {max}."),
    ErrorCode.UNKNOWN_CATEGORY: (
        "未知的物资类别“{category}”，请从物资类别列表中选择。",
        "Unknown supply category '{category}'; pick one from supplyCategories.",
    ),
    ErrorCode.INVALID_PHONE: (
        "电话号码格式不正确，例如 13800138000 或 027-85726114。",
        "Not a valid phone number, e.g. 13800138000 or 027-85726114.",
    ),
    ErrorCode.INVALID_URL: (
        "网址格式不正确，应以 http:// 或 https:// 开头。",
        "Not a valid web address; it must start with http:// or https://.",
    ),
    ErrorCode.INVALID_FORMAT: ("格式不正确：{expected}。", "Wrong format: {expected}."),
    ErrorCode.INVALID_DATE_RANGE: (
        "结束时间必须晚于开始时间。",
        "The end must come after the start.",
    ),
    ErrorCode.INVALID_COMBINATION: ("{reason_zh}", "{reason_en}"),
    ErrorCode.INVALID_ID: ("无效的编号。", "Not a valid id."),
    ErrorCode.NOT_FOUND: ("找不到该记录。", "No such record."),
    ErrorCode.CONFLICT: (
        "该记录已被他人修改（当前版本 {current}），请刷新后再提交。",
        "Someone else changed this record (now version {current}); reload and try again.",
    ),
    ErrorCode.INVALID_STATE: ("{reason_zh}", "{reason_en}"),
    ErrorCode.EMAIL_TAKEN: ("该邮箱已注册。", "An account with this e-mail address exists."),
    ErrorCode.HANDLE_TAKEN: ("该昵称已被使用。", "This handle is taken."),
    ErrorCode.WEAK_PASSWORD: (
        "密码至少 {min} 个字符。",
        "The password needs at least {min} characters.",
    ),
    ErrorCode.INVALID_CREDENTIALS: ("邮箱或密码不正确。", "Wrong e-mail address or password."),
    ErrorCode.NOT_ALLOWED: ("{reason_zh}", "{reason_en}"),
    ErrorCode.ALREADY_CLAIMED: (
        "另一位审核员正在核实此条目。",
        "Another reviewer is checking this entry.",
    ),
    ErrorCode.NOT_CLAIMED: (
        "请先认领此条目（或您的认领已过期）。",
        "Claim the entry first (or your claim has run out).",
    ),
    ErrorCode.NOT_INDEPENDENT: ("{reason_zh}", "{reason_en}"),
    ErrorCode.OVER_PLEDGED: (
        "超出可认捐数量：最多还可认捐 {available}。",
        "More than is left to pledge: at most {available}.",
    ),
    ErrorCode.OVER_CAPACITY: (
        "超出承运能力：最多还可承运 {available}。",
        "More than the carrier can take: at most {available} left.",
    ),
    ErrorCode.INCOMPATIBLE: ("{reason_zh}", "{reason_en}"),
    ErrorCode.INCOMPLETE: ("{reason_zh}", "{reason_en}"),
    ErrorCode.UNKNOWN_REGION: (
        "未知的省份“{name}”。您是不是要找：{suggestions}？",
        "Unknown province '{name}'. Did you mean: {suggestions}?",
    ),
    ErrorCode.REGION_CODE_MISMATCH: (
        "行政区划代码 {code}（{code_name}）与所填地区“{names}”不符。",
        "The administrative code {code} ({code_name}) is not in {names}.",
    ),
    ErrorCode.NATIONWIDE_NOT_ALLOWED: (
        "此类信息须填写具体省份，不能为“全国”。",
        "This kind of entry is in one place: give its province, not nationwide.",
    ),
}


def message(error: UserError, language: str) -> str:
    """The error's message in `language` ("zh" or "en")."""
    return localized(_MESSAGES[error.code], language, error.params)


def localized(texts: tuple[str, str], language: str, params: Mapping[str, object]) -> str:
    """The (Chinese, English) `texts` in `language` ("zh" or "en"), filled in with `params`;
    as written when a placeholder has no parameter."""
    template = texts[0] if language == "zh" else texts[1]
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


def pick_language(accept_language: str | None, default: str) -> str:
    """Choose "zh" or "en" from an Accept-Language header, by quality then order."""
    if not accept_language:
        return default
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranked.append((-quality, position, tag.strip().lower()))
    for negative_quality, _, tag in sorted(ranked):
        if negative_quality >= 0:
            continue
        primary = tag.split("-")[0]
        if primary in LANGUAGES:
            return primary
    return default
