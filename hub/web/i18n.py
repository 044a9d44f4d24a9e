"""Every string of the web pages in Chinese (the default) and English, and the page language."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta, timezone

from hub.web.i18n_flow import FLOW_LABELS, FLOW_MESSAGES

LANGUAGES = ("zh", "en")
LANGUAGE_COOKIE = "hub_lang"

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (中文, English)
    "site.name": ("救援物资对接平台", "Crisis Hub"),
    "site.tagline": ("谁需要什么、在哪里、现在", "Who needs what, where, right now"),
    "nav.home": ("首页", "Home"),
    "nav.needs": ("需求", "Needs"),
    "nav.offers": ("捐赠", "Offers"),
    "nav.logistics": ("物流", "Logistics"),
    "nav.lodging": ("住宿", "Lodging"),
    "nav.post_need": ("发布需求", "Post a need"),
    "nav.review": ("审核", "Review"),
    "nav.sign_in": ("登录", "Sign in"),
    "nav.sign_up": ("注册", "Sign up"),
    "nav.sign_out": ("退出", "Sign out"),
    "nav.api": ("开发者 API", "Developer API"),
    "nav.skip": ("跳到正文", "Skip to content"),
    "lang.switch": ("English", "中文"),
    "lang.switch_label": ("切换语言", "Change language"),
    "home.counts": ("当前数据", "Right now"),
    # The home page's count of each kind (by its slug).
    "home.count_needs": ("条已核实需求", "verified needs"),
    "home.count_offers": ("条捐赠", "offers"),
    "home.count_logistics": ("条物流", "logistics offers"),
    "home.count_lodging": ("处住宿", "lodging offers"),
    "home.urgent": ("最紧急的已核实需求", "Most urgent verified needs"),
    "home.none": ("暂无", "None yet"),
    "search.label": ("搜索", "Search"),
    "search.placeholder": ("例如：N95 武汉、防护服 急需", "e.g. N95 Wuhan, coveralls"),
    "search.button": ("搜索", "Search"),
    "list.filters": ("筛选", "Filters"),
    "list.province": ("省份", "Province"),
    "list.city": ("城市", "City"),
    "list.category": ("物资类别", "Category"),
    "list.urgency": ("紧急程度", "Urgency"),
    "list.verification": ("核实状态", "Verification"),
    "list.any": ("全部", "Any"),
    "list.apply": ("应用", "Apply"),
    "list.results": ("条结果", "results"),
    "list.empty": ("没有符合条件的条目。", "Nothing matches."),
    "list.more": ("下一页", "Next page"),
    "list.download": ("下载这份列表（开放数据）：", "Download this list (open data):"),
    "list.licence": ("{licence}，不含受保护的联系方式", "{licence}, no protected contacts"),
    "list.live": ("实时更新已开启", "Live updates on"),
    "list.new_entry": ("有新条目，已更新列表", "New entries: list updated"),
    "entry.items": ("物资", "Supplies"),
    "entry.quantity_unknown": ("数量不详", "quantity unknown"),
    "entry.region": ("地区", "Region"),
    "entry.address": ("地址", "Address"),
    "entry.notes": ("备注", "Notes"),
    "entry.contacts": ("联系人", "Contacts"),
    "entry.contact_protected": ("（已隐藏，审核员可查看）", "(hidden; reviewers can see it)"),
    "entry.source": ("信息来源", "Source"),
    "entry.history": ("记录", "History"),
    "entry.report": ("报告问题", "Report a problem"),
    "entry.report_reason": ("问题", "Problem"),
    "entry.report_note": ("说明（选填）", "Details (optional)"),
    "entry.report_send": ("提交", "Send"),
    "entry.reported": ("已收到，审核员会处理。", "Thanks: reviewers will look at it."),
    "entry.not_found": ("找不到这个条目。", "This entry does not exist."),
    "entry.edit_token": (
        "请保存此编辑码，修改或关闭需求时需要它：",
        "Keep this edit code: you need it to change or close the need:",
    ),
    "entry.posted": ("已发布，等待审核。", "Posted: it waits for review."),
    "entry.reconfirm_link": (
        "请保存这个私人链接（{days} 天内有效，不要公开）：以后用它告诉大家这条信息仍然有效、"
        "已经满足或撤下，无需登录：",
        "Keep this private link (it works for {days} days; do not share it): with it you can say, "
        "without an account, that this is still current, met or withdrawn:",
    ),
    "badge.verified_ago": ("已核实 · {ago}前 · {method}", "Verified {ago} ago by {method}"),
    "badge.verified": ("已核实", "Verified"),
    "badge.pending": ("待核实", "Not verified yet"),
    "badge.in_review": ("核实中", "Being verified"),
    "badge.needs_changes": ("需补充", "Needs changes"),
    "badge.rejected": ("未通过", "Rejected"),
    "badge.expired": ("已过期，待重新核实", "Expired: to be verified again"),
    "time.minutes": ("{n} 分钟", "{n} min"),
    "time.hours": ("{n} 小时", "{n} h"),
    "time.days": ("{n} 天", "{n} d"),
    "form.title_needs": ("发布物资需求", "Post a supply need"),
    "form.title_offers": ("发布捐赠或供应", "Offer supplies"),
    "form.title_logistics": ("提供运力", "Offer transport"),
    "form.title_lodging": ("为医护人员提供住宿", "Offer lodging for medical staff"),
    "form.origin_province": ("出发省份", "From province"),
    "form.origin_city": ("出发城市", "From city"),
    # The fieldset of a kind's own details in the forms, where it has one (see forms.KindForm).
    "kind.details_logistics": ("运输", "Transport"),
    "form.destination_province": ("目的省份（选填）", "To province (optional)"),
    "form.destination_city": ("目的城市（选填）", "To city (optional)"),
    "form.origin": ("出发地", "From"),
    "form.available": ("可用时间（北京时间）", "When it is available (Beijing time)"),
    "form.available_from": ("开始（选填）", "From (optional)"),
    "form.available_until": ("结束（选填）", "Until (optional)"),
    "form.not_a_time": (
        "请填写日期和时间，例如 2020-02-01 08:00",
        "Write a date and time, such as 2020-02-01 08:00",
    ),
    "form.price_note": ("价格说明（收费时填写）", "Price (if not free)"),
    "form.provider_name": ("个人捐赠者姓名", "Your name (individual donor)"),
    "form.organization_optional": (
        "机构名称（个人捐赠可不填）",
        "Organization (leave empty if you give as a person)",
    ),
    "form.is_free": ("免费捐赠", "Free of charge"),
    "form.masked_new": (
        "新{label}（不改请留空；{label}不在此显示）",
        "New {label} (leave empty to keep it; it is not shown here)",
    ),
    "form.organization": ("机构", "Organization"),
    "form.organization_name": ("机构名称", "Organization name"),
    "form.organization_kind": ("机构类型", "Kind of organization"),
    "form.province": ("省份", "Province"),
    "form.city": ("城市", "City"),
    "form.district": ("区县（选填）", "District (optional)"),
    "form.address": ("详细地址（选填）", "Address (optional)"),
    "form.urgency": ("紧急程度", "Urgency"),
    "form.item": ("物资 {n}", "Item {n}"),
    "form.item_name": ("名称", "Name"),
    "form.item_category": ("类别", "Category"),
    "form.item_quantity": ("数量", "Quantity"),
    "form.item_unit": ("单位", "Unit"),
    "form.item_spec": ("规格或标准（选填）", "Spec or standard (optional)"),
    "form.contact_name": ("联系人", "Contact person"),
    "form.contact_phone": ("联系电话", "Phone"),
    "form.contact_public": ("公开此电话", "Show this phone publicly"),
    "form.contact_other": (
        "其他联系方式（微信、邮箱等，选填）",
        "Other way to reach them (WeChat, e-mail…, optional)",
    ),
    "form.contact_visibility": ("谁能看到", "Who can see it"),
    "form.notes": ("备注（选填）", "Notes (optional)"),
    "form.source_note": ("信息来源（选填）", "Source (optional)"),
    "form.submit": ("发布", "Post"),
    "form.errors": ("请修改以下问题：", "Please fix the following:"),
    "form.choose": ("请选择", "Choose"),
    "value.yes": ("是", "yes"),
    "value.no": ("否", "no"),
    "form.not_a_number": ("请填写数字，例如 2000", "Write a number, such as 2000"),
    "form.csrf": (
        "表单已过期，请重新提交。",
        "The form expired: please send it again.",
    ),
    "auth.email": ("电子邮箱", "Email"),
    "auth.handle": ("用户名", "User name"),
    "auth.password": ("密码", "Password"),
    "auth.sign_in": ("登录", "Sign in"),
    "auth.sign_up": ("注册", "Sign up"),
    "auth.signed_in_as": ("已登录：{handle}", "Signed in as {handle}"),
    "review.title": ("待审核队列", "Review queue"),
    "review.reveal": ("显示完整电话（留记录）", "Show the full number (recorded)"),
    "review.rejection_reason": ("驳回原因（驳回时必填）", "Why rejected (needed to reject)"),
    "review.claim": ("认领核实", "Claim to check"),
    "review.checking": ("你正在核实", "You are checking this"),
    "review.decision": ("结论", "Decision"),
    "review.method": ("核实方式", "How it was checked"),
    "review.note": ("通话记录", "Call notes"),
    "review.evidence": ("证据链接（选填）", "Evidence link (optional)"),
    "review.submit": ("提交结论", "Record decision"),
    "review.empty": ("队列已清空。", "The queue is empty."),
    "review.sign_in": ("请以审核员身份登录。", "Sign in as a reviewer."),
    "review.done": ("已记录。", "Recorded."),
    "action.entry.submitted": ("已发布", "posted"),
    "action.entry.updated": ("已修改", "changed"),
    "action.entry.closed": ("已关闭", "closed"),
    "action.entry.flagged": ("有人报告问题", "a problem was reported"),
    "action.entry.merged": ("已合并到另一条", "merged into another entry"),
    "action.entry.merge_kept": ("合并了重复条目", "a duplicate was merged into it"),
    "action.entry.reconfirmed": ("发布者已确认仍然有效", "the poster confirmed it still holds"),
    "action.entry.imported": ("已导入", "imported"),
    "action.review.claimed": ("审核员开始核实", "a reviewer started checking"),
    "action.review.decided": ("审核员给出结论", "a reviewer decided"),
    "action.review.released": ("审核员放弃认领", "a reviewer let it go"),
    "action.review.renewed": ("审核员延长认领", "a reviewer kept it longer"),
    "coordinate.title": ("协调：报告与重复", "Coordination: reports and duplicates"),
    "coordinate.flags": ("收到的报告", "Reports"),
    "coordinate.duplicates": ("可能重复", "Likely duplicates"),
    "coordinate.keep_this": ("保留本条，合并另一条", "Keep this one, merge the other into it"),
    "coordinate.merged": ("已合并。", "Merged."),
    "coordinate.empty": ("没有需要处理的报告或重复。", "No reports or duplicates to handle."),
    "coordinate.sign_in": ("请以协调员身份登录。", "Sign in as a coordinator."),
    "nav.coordinate": ("协调", "Coordinate"),
    "org.title": ("登记机构", "Register an organization"),
    "org.edit_title": ("修改机构信息", "Change the organization"),
    "org.edit_token_field": (
        "机构编辑码（协调员可不填）",
        "The organization's edit code (coordinators need none)",
    ),
    "org.website": ("官网（选填）", "Website (optional)"),
    "org.contact": ("公开联系电话（选填）", "Public phone (optional)"),
    "org.done": ("已登记，等待审核：", "Registered; it waits for review:"),
    "org.edit_token": (
        "请保存此编辑码，修改机构信息时需要它：",
        "Keep this edit code: you need it to change the organization:",
    ),
    "edit.title": ("修改或关闭", "Change or close"),
    "edit.link": ("修改或关闭（需编辑码）", "Change or close (needs the edit code)"),
    "edit.token": (
        "编辑码（登录的发布者和协调员可不填）",
        "Edit code (not needed when signed in as the poster or a coordinator)",
    ),
    "edit.status": ("进展", "Progress"),
    "edit.save": ("保存修改", "Save changes"),
    "edit.close_title": ("关闭这一条", "Close this entry"),
    "edit.close_reason": ("原因（选填）", "Why (optional)"),
    "edit.close": ("关闭", "Close"),
    "edit.saved": ("已保存。", "Saved."),
    "edit.contacts_hint": (
        "受保护的联系方式不向任何人完整显示，本页也不例外。受保护的一行留空即保持原样；"
        "要修改它就重新填写，要删除就勾选删除。",
        "Protected contacts are shown in full to nobody, this page included. A protected line "
        "left empty stays as it is; type it again to change it, or tick “remove”.",
    ),
    "edit.contact_line": ("联系人 {n}", "Contact {n}"),
    "edit.contact_protected": (
        "现在是：{name} {phone}（受保护，此处不显示完整内容）",
        "Now: {name} {phone} (protected: not shown in full here)",
    ),
    "edit.contact_retype": (
        "这个受保护的联系方式本页无法保留：请重新填写，或勾选删除。",
        "This protected contact cannot be kept from here: type it again, or tick remove.",
    ),
    "edit.contact_remove": ("删除这个联系人", "Remove this contact"),
    "edit.add_contact": ("再加一行联系人", "Add a contact line"),
    "reconfirm.title": ("这条信息还有效吗？", "Is this still current?"),
    "reconfirm.private": (
        "这是发布者的私人链接，请勿转发。",
        "This is the poster's private link: do not pass it on.",
    ),
    "reconfirm.question": ("现在的情况", "How things are now"),
    "reconfirm.still_current": ("仍然有效", "Still current"),
    "reconfirm.fulfilled": ("已经满足", "Met: fulfilled"),
    "reconfirm.withdrawn": ("撤下，不再需要或提供", "Withdraw it"),
    "reconfirm.closed": ("这一条已关闭，无需再确认。", "This entry is closed: nothing to confirm."),
    "reconfirm.done_still_current": (
        "谢谢！已记录：仍然有效。",
        "Thank you: recorded as still current.",
    ),
    "reconfirm.done_fulfilled": ("谢谢！已标记为已满足。", "Thank you: marked as met."),
    "reconfirm.done_withdrawn": ("已撤下，它不再公开显示。", "Withdrawn: it is no longer listed."),
    "reconfirm.not_found": (
        "这个确认链接无效或已过期（链接在发布后 {days} 天内有效）。"
        "如需修改，请在条目页面使用编辑码。",
        "This link is unknown or has expired (links work for {days} days after posting). To "
        "change the entry, use its edit code on the entry's page.",
    ),
    "import.title": ("导入表格", "Import a spreadsheet"),
    "import.intro": (
        "上传志愿者整理的 CSV 或 XLSX 表格。导入的条目进入审核队列；先试运行可查看每一行的问题。",
        "Upload a volunteers' CSV or XLSX sheet. Imported entries wait in the review queue; a "
        "dry run shows every row's problems first.",
    ),
    "import.file": ("表格文件（CSV 或 XLSX）", "Spreadsheet (CSV or XLSX)"),
    "import.kind": ("表格内容", "The rows are"),
    "import.kind.needs": ("需求", "Needs"),
    "import.kind.offers": ("捐赠", "Offers"),
    "import.kind.logistics": ("物流", "Logistics offers"),
    "import.kind.lodging": ("住宿", "Lodging"),
    "import.kind.organizations": ("机构", "Organizations"),
    "import.dry_run": ("试运行：只检查，不写入", "Dry run: check only, write nothing"),
    "import.skip_invalid": (
        "跳过有问题的行，导入其余各行（默认：有一行出错则全部不导入）",
        "Skip rejected rows and import the rest (default: all or nothing)",
    ),
    "import.submit": ("导入", "Import"),
    "import.result": ("导入结果", "Result"),
    "import.counts": (
        "共 {rows} 行；{valid} 条可导入，已写入 {imported} 条；"
        "{skipped} 条已存在；{rejected} 个问题。",
        "{rows} rows; {valid} importable, {imported} written; {skipped} already present; "
        "{rejected} problems.",
    ),
    "import.rejected": ("未通过的行", "Rejected rows"),
    "import.warnings": ("提示", "Warnings"),
    "import.none_rejected": ("所有行都通过了检查。", "Every row passed."),
    "import.row": ("行号", "Row"),
    "import.column": ("列", "Column"),
    "import.value": ("内容", "Value"),
    "import.reason": ("原因", "Reason"),
    "coordinate.import": ("导入表格", "Import a spreadsheet"),
    "error.generic": ("出错了，请稍后再试。", "Something went wrong; please try again."),
    "error.forbidden": ("没有权限。", "You may not do this."),
    **FLOW_MESSAGES,
}

ENUM_LABELS: dict[str, tuple[str, str]] = {
    "CRITICAL": ("特急", "Critical"),
    "HIGH": ("紧急", "High"),
    "MEDIUM": ("一般", "Medium"),
    "LOW": ("不急", "Low"),
    "NEED": ("需求", "Need"),
    "OFFER": ("捐赠", "Offer"),
    "LOGISTICS_OFFER": ("物流", "Logistics"),
    "LODGING": ("住宿", "Lodging"),
    "PENDING": ("待核实", "Pending"),
    "IN_REVIEW": ("核实中", "In review"),
    "VERIFIED": ("已核实", "Verified"),
    "NEEDS_CHANGES": ("需补充", "Needs changes"),
    "REJECTED": ("未通过", "Rejected"),
    "EXPIRED": ("已过期", "Expired"),
    "OPEN": ("进行中", "Open"),
    "PARTIALLY_FULFILLED": ("部分满足", "Partly met"),
    "FULFILLED": ("已满足", "Met"),
    "CLOSED": ("已关闭", "Closed"),
    "PHONE_CALL": ("电话", "phone"),
    "OFFICIAL_NOTICE": ("官方通告", "official notice"),
    "ON_SITE": ("实地", "on site"),
    "ORGANIZATION_ACCOUNT": ("机构账号", "organization account"),
    "OTHER": ("其他", "other"),
    "VERIFY": ("核实通过", "Verified"),
    "REQUEST_CHANGES": ("需要补充", "Needs changes"),
    "REJECT": ("驳回", "Reject"),
    "HOSPITAL": ("医院", "Hospital"),
    "CLINIC": ("诊所", "Clinic"),
    "HOTEL": ("酒店", "Hotel"),
    "FACTORY": ("工厂", "Factory"),
    "LOGISTICS": ("物流公司", "Logistics company"),
    "CHARITY": ("慈善组织", "Charity"),
    "COMMUNITY": ("社区", "Community"),
    "GOVERNMENT": ("政府机构", "Government"),
    "ALREADY_FULFILLED": ("已经满足", "Already met"),
    "WRONG_CONTACT": ("联系方式错误", "Wrong contact"),
    "FAKE": ("虚假信息", "Fake"),
    "OUTDATED": ("信息过时", "Outdated"),
    "DUPLICATE": ("重复", "Duplicate"),
    "rejection.FALSE_INFORMATION": ("信息不实", "false information"),
    "rejection.UNREACHABLE": ("联系不上", "unreachable"),
    "rejection.DUPLICATE": ("重复", "duplicate"),
    "rejection.OUT_OF_SCOPE": ("不属于本平台", "out of scope"),
    "rejection.SPAM": ("垃圾信息", "spam"),
    "rejection.OTHER": ("其他", "other"),
    "visibility.PROTECTED": ("受保护（仅核实人员可查看）", "Protected (reviewers only)"),
    "visibility.PUBLIC": ("公开", "Public"),
    "vehicle.VAN": ("厢式货车", "van"),
    "vehicle.TRUCK": ("卡车", "truck"),
    "vehicle.REFRIGERATED_TRUCK": ("冷藏车", "refrigerated truck"),
    "vehicle.CAR": ("小汽车", "car"),
    "vehicle.MOTORCYCLE": ("摩托车", "motorcycle"),
    "vehicle.OTHER": ("其他", "other"),
    "PIECE": ("只", "pieces"),
    "ITEM": ("个", "items"),
    "GARMENT": ("件", "garments"),
    "PAIR": ("副", "pairs"),
    "SET": ("套", "sets"),
    "STICK": ("支", "sticks"),
    "DEVICE": ("台", "devices"),
    "BOTTLE": ("瓶", "bottles"),
    "BARREL": ("桶", "barrels"),
    "CARTON": ("箱", "cartons"),
    "BOX": ("盒", "boxes"),
    "PACK": ("包", "packs"),
    "LITER": ("升", "litres"),
    "KILOGRAM": ("千克", "kg"),
    "TONNE": ("吨", "tonnes"),
    **FLOW_LABELS,
}


def pick_page_language(
    query: str | None, cookie: str | None, accept_language: str | None, default: str
) -> str:
    """?lang= first (a switch), then the cookie, then the browser's Accept-Language."""
    for choice in (query, cookie):
        if choice in LANGUAGES:
            return choice
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("zh"):
            return "zh"
        if tag.startswith("en"):
            return "en"
    return default


def translator(language: str) -> Callable[..., str]:
    """t(key, **values): the message in `language`; the key itself when none (never blank)."""
    index = LANGUAGES.index(language)

    def t(key: str, **values: object) -> str:
        pair = MESSAGES.get(key) or ENUM_LABELS.get(key)
        text = pair[index] if pair else key
        return text.format(**values) if values else text

    return t


def format_quantity(value: object) -> str:
    """800.0 as 800, 2.5 as 2.5."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def age(since: datetime | None, now: datetime, t: Callable[..., str]) -> str:
    """'5 h' / '5 小时': how long ago, in the page's language."""
    if since is None:
        return ""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return t("time.minutes", n=minutes)
    if minutes < 48 * 60:
        return t("time.hours", n=minutes // 60)
    return t("time.days", n=minutes // (24 * 60))


def parse_time(value: str | None) -> datetime | None:
    """A GraphQL DateTime as an aware datetime."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# Times are shown in China Standard Time (no daylight saving), as the forms take them: the
# hours a volunteer sees on the wall, whatever zone the server is in (web.js then shows the
# browser's own zone where it runs).
CHINA_TIME = timezone(timedelta(hours=8))


def local_time(value: str | None) -> str:
    """A GraphQL DateTime as "2020-02-01 08:00" in China Standard Time ("" for none)."""
    parsed = parse_time(value)
    return parsed.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M") if parsed else ""


# The prefix of an enum's value labels in ENUM_LABELS where the value alone would be ambiguous.
ENUM_LABEL_PREFIXES = {"VehicleType": "vehicle."}


def enum_label_prefix(enum: type) -> str:
    """The prefix of the labels of `enum`'s values in ENUM_LABELS ("" for most)."""
    return ENUM_LABEL_PREFIXES.get(enum.__name__, "")


def labels(language: str) -> Mapping[str, str]:
    """Every enum label in `language` (for select options)."""
    index = LANGUAGES.index(language)
    return {key: pair[index] for key, pair in ENUM_LABELS.items()}
