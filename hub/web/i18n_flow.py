"""The strings of the pages from listing to delivery (priority, matches, pledges, shipments,
messages) and of donation channels, in Chinese and English; hub.web.i18n merges them."""

from __future__ import annotations

FLOW_MESSAGES: dict[str, tuple[str, str]] = {
    # key: (中文, English)
    "nav.donation-channels": ("捐款渠道", "Donation channels"),
    "form.title_donation-channels": ("登记捐款渠道", "Register a donation channel"),
    "home.count_donation-channels": ("个已核实捐款渠道", "verified donation channels"),
    "entry.fulfilled": ("已送达 {n} {unit}", "{n} {unit} delivered"),
    "priority.title": ("优先级", "Priority"),
    "priority.score": ("优先级得分 {score}", "Priority score {score}"),
    "priority.urgency": ("紧急程度：{urgency}", "Urgency: {urgency}"),
    "priority.unmet": ("尚缺 {share}%", "{share}% still missing"),
    "priority.waiting": ("已等待 {hours} 小时", "Waiting for {hours} hours"),
    "priority.pledges": ("已有 {n} 份认捐", "{n} pledges so far"),
    "priority.explain": (
        "越紧急、缺得越多、等得越久，排得越靠前；每多一份认捐，排位略降，"
        "让还没人回应的需求先被看到。",
        "The more urgent, the more is missing and the longer it has waited, the higher it "
        "ranks; each pledge lowers it a little, so that needs nobody has answered come first.",
    ),
    "match.title_offers": ("可能满足这条需求的捐赠", "Offers that could meet this need"),
    "match.title_needs": ("这份捐赠可以满足的需求", "Needs this offer could meet"),
    "match.score": ("匹配度 {score}%", "Match {score}%"),
    "match.none": ("暂时没有匹配的条目。", "Nothing matches yet."),
    "pledge.title": ("认捐", "Pledge"),
    "pledge.list_title": ("认捐", "Pledges"),
    "pledge.none": ("还没有认捐。", "No pledges yet."),
    "pledge.anonymous": ("匿名捐赠者", "Anonymous donor"),
    "pledge.form_title": ("认捐物资", "Pledge supplies"),
    "pledge.form_hint": (
        "填写你能提供的数量，医院确认后安排送达。",
        "Say how much you can give; the hospital accepts it, then delivery is arranged.",
    ),
    "pledge.donor_name": ("捐赠者姓名或单位", "Your name or organization"),
    "pledge.quantities": ("认捐数量", "How much you give"),
    "pledge.quantity_of": ("{item}（还缺 {still}）", "{item} (still needed: {still})"),
    "pledge.note": ("备注（选填）", "Note (optional)"),
    "pledge.submit": ("认捐", "Pledge"),
    "pledge.no_items": ("请至少填写一项数量。", "Give a quantity for at least one item."),
    "pledge.made": ("已认捐，等待医院确认。", "Pledged: it waits for the hospital to accept."),
    "pledge.edit_token": (
        "请保存此认捐编辑码，以后发货或取消时需要它（只显示这一次）：",
        "Keep this pledge's edit code: you need it to ship or cancel (shown only this once):",
    ),
    "pledge.open": ("打开认捐页面", "Open the pledge's page"),
    "pledge.need": ("需求", "Need"),
    "pledge.offer": ("来自捐赠", "From the offer"),
    "pledge.cancel_reason": ("取消原因", "Why cancelled"),
    "pledge.history": ("进展", "Progress"),
    "pledge.history_made": ("提出认捐", "pledge made"),
    "pledge.history_now": ("变为：{status}", "now {status}"),
    "pledge.history_hint": (
        "显示认捐的提出时间和最近一次变化；运输的每一步见下方运输记录。",
        "Shows when the pledge was made and its latest change; each step of transport is "
        "under shipments below.",
    ),
    "pledge.move_title": ("更新认捐状态", "Move the pledge on"),
    "pledge.move_hint": (
        "医院（用需求的编辑码）确认接收和送达；捐赠者（用认捐编辑码）发货或取消；"
        "已登录的相关人员和协调员无需编辑码。",
        "The hospital (with the need's edit code) accepts and confirms delivery; the donor "
        "(with the pledge's edit code) ships or cancels; signed-in parties and coordinators "
        "need no code.",
    ),
    "pledge.edit_code": (
        "编辑码（已登录的相关人员可不填）",
        "Edit code (not needed when signed in)",
    ),
    "pledge.reason": ("原因（取消时填写）", "Reason (when cancelling)"),
    "pledge.move.ACCEPTED": ("接受认捐", "Accept"),
    "pledge.move.IN_TRANSIT": ("已发出", "Shipped: in transit"),
    "pledge.move.DELIVERED": ("确认已送达", "Confirm delivery"),
    "pledge.move.CANCELLED": ("取消认捐", "Cancel"),
    "pledge.moved": ("已更新：{status}", "Updated: {status}"),
    "pledge.forbidden": (
        "没有权限，未做任何修改：请填写正确的编辑码（需求的或认捐的），或以相关人员身份登录。",
        "Not allowed, and nothing was changed: give the right edit code (the need's or the "
        "pledge's), or sign in as one of the parties.",
    ),
    "shipment.title": ("运输", "Shipments"),
    "shipment.none": ("还没有安排运输。", "No transport arranged yet."),
    "shipment.status": ("现在的状态", "Status now"),
    "shipment.report": ("报告运输进展", "Report progress"),
    "shipment.report_send": ("提交进展", "Send progress"),
    "shipment.tracking_note": ("运单号或说明（选填）", "Tracking number or note (optional)"),
    "shipment.reported": ("已记录运输进展。", "Progress recorded."),
    "shipment.assign_title": ("安排运输", "Arrange transport"),
    "shipment.assign_hint": (
        "从开往需求所在省份的运力中选择，或填写运力条目编号。",
        "Pick transport heading to the need's province, or give a transport offer's id.",
    ),
    "shipment.pick_carrier": ("运力", "Transport"),
    "shipment.no_carriers": ("暂无开往该省的已核实运力", "No verified transport to this province"),
    "shipment.carrier_id": ("或填写运力条目编号（选填）", "Or a transport offer's id (optional)"),
    "shipment.choose_carrier": ("请选择运力或填写编号。", "Pick transport or give its id."),
    "shipment.pickup": ("取货地", "Pick up at"),
    "shipment.dropoff": ("送达地", "Deliver to"),
    "shipment.weight": ("重量（千克）", "Weight (kg)"),
    "shipment.volume": ("体积（立方米，选填）", "Volume (m³, optional)"),
    "shipment.assign": ("安排运输", "Arrange transport"),
    "shipment.assigned": ("已安排运输。", "Transport arranged."),
    "message.title": ("联系发布者", "Contact the poster"),
    "message.hint": (
        "不用看到对方电话也能联系：留言会送到发布者的私人链接，请写明你的联系方式。",
        "Contact the poster without seeing their number: your message reaches their private "
        "link; say how they can answer you.",
    ),
    "message.body": ("留言", "Message"),
    "message.reply_to": ("你的联系方式（电话、邮箱或微信，选填）", "How to answer you (optional)"),
    "message.send": ("发送留言", "Send message"),
    "message.sent": ("留言已送达发布者。", "Your message was delivered to the poster."),
    "message.rate_limited": (
        "留言太频繁，请一小时后再试。",
        "Too many messages: please try again in an hour.",
    ),
    "inbox.title": ("收到的留言", "Messages for you"),
    "inbox.none": ("还没有留言。", "No messages yet."),
    "inbox.reply_to": ("回复方式：", "Answer to:"),
    "channel.form_title": ("登记捐款渠道", "Register a donation channel"),
    "channel.form_hint": (
        "只登记机构的官方捐款账户，并附上公布该账户的官方公告链接；审核员核对公告后才会公开完整账号。",
        "Only an organization's official donation account, with the link to the official "
        "notice that publishes it; the full number is shown once reviewers have checked it.",
    ),
    "kind.details_donation-channels": ("捐款账户", "Account"),
    "channel.masked": (
        "核实前只显示账号后四位，以防虚假账户收款。",
        "Only the last four characters show until it is verified, so a fake account "
        "cannot collect money.",
    ),
    "channel.not_verified": (
        "尚未核实：请勿向此账户转账。",
        "Not verified yet: do not transfer money to this account.",
    ),
    "form.remittance_note": ("转账附言（选填）", "Transfer note (optional)"),
    "form.purpose": ("用途（选填）", "Purpose (optional)"),
    "channel.notice": ("官方公告", "Official notice"),
    "channel.notice_url": ("官方公告链接", "Link to the official notice"),
    "channel.public_contact": ("公开联系方式（选填）", "Public contact (optional)"),
    "review.account_change": ("账号已更改", "The account number changed"),
    "review.account_before": ("原账号", "Before"),
    "review.account_after": ("新账号", "After"),
    "review.account_check": (
        "请对照官方公告核对新账号。",
        "Check the new number against the official notice.",
    ),
    "action.entry.fulfilment": ("收到认捐物资，进展已更新", "supplies delivered: progress updated"),
    "action.message.sent": ("有人给发布者留言", "a message was left for the poster"),
    "error.rate_limited": ("操作太频繁，请稍后再试。", "Too many tries: please wait a while."),
}

FLOW_LABELS: dict[str, tuple[str, str]] = {
    "DONATION_CHANNEL": ("捐款渠道", "Donation channel"),
    "pledge.PROPOSED": ("待确认", "Proposed"),
    "pledge.ACCEPTED": ("已接受", "Accepted"),
    "pledge.IN_TRANSIT": ("运输中", "In transit"),
    "pledge.DELIVERED": ("已送达", "Delivered"),
    "pledge.CANCELLED": ("已取消", "Cancelled"),
    "shipment.ASSIGNED": ("已安排", "Assigned"),
    "shipment.PICKED_UP": ("已取货", "Picked up"),
    "shipment.IN_TRANSIT": ("运输中", "In transit"),
    "shipment.DELIVERED": ("已送达", "Delivered"),
    "shipment.CANCELLED": ("已取消", "Cancelled"),
    "factor.COMPATIBILITY": ("品类与标准", "Category and standard"),
    "factor.QUANTITY": ("数量", "Quantity"),
    "factor.DISTANCE": ("距离", "Distance"),
    "factor.URGENCY": ("紧急程度", "Urgency"),
    "factor.VERIFICATION": ("核实", "Verification"),
    "factor.FRESHNESS": ("更新时间", "Freshness"),
}
