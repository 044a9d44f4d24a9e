"""The demo data set: Hubei, late January to mid-February 2020, as the hub would have seen it.

Plain data, no I/O: organizations keyed by a stable short key, and entries that name their
organization by that key (the loader turns keys into ids).

Everything here is fictitious. Organization names are made up after the usual patterns
(区人民医院, 镇卫生院, 某某物流有限公司); web addresses are on invented domains, and those
standing for public bodies or news media end in "-demo" so that they cannot pass for real
ones; every phone number is a format-valid placeholder (mobiles 138 0000 xxxx, landlines
<area code>-8000 xxxx or -800 xxx, hotlines 400-000-xxxx).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from hub.domain.enums import ContactVisibility, EntryStatus, OrganizationKind, Urgency, VehicleType
from hub.domain.model import (
    Contact,
    Details,
    DonationChannelDetails,
    EntryDraft,
    Item,
    LodgingDetails,
    LogisticsDetails,
    NeedDetails,
    OfferDetails,
    OrganizationDraft,
    Region,
)
from hub.domain.units import Unit


@dataclass(frozen=True)
class DemoOrganization:
    """An organization of the demo, with the key its entries refer to it by."""

    key: str
    draft: OrganizationDraft


@dataclass(frozen=True)
class DemoEntry:
    """An entry of the demo.

    `organization_key` is None for individuals, whose `draft.provider_name` is set instead;
    `draft.organization_id` is always None (the loader fills it in). `age_hours` says how long
    before loading the entry was posted, so that lists show a spread of creation times.
    """

    organization_key: str | None
    draft: EntryDraft
    age_hours: float
    status: EntryStatus = EntryStatus.OPEN


@dataclass(frozen=True)
class Donor:
    """An individual or informal group offering help without a registered organization."""

    name: str
    region: Region


# An entry is posted either by an organization (its key) or by a donor.
Provider = str | Donor
# (source note, source URL): where the hub's volunteers found the request.
Source = tuple[str, str | None]

_PARTIAL = EntryStatus.PARTIALLY_FULFILLED
_FULFILLED = EntryStatus.FULFILLED

# ---------------------------------------------------------------------------------------------
# Regions (GB/T 2260 codes as of 2020)
# ---------------------------------------------------------------------------------------------

_HUBEI = "湖北省"
_WUHAN_DISTRICTS = {
    "江岸区": "420102",
    "江汉区": "420103",
    "硚口区": "420104",
    "汉阳区": "420105",
    "武昌区": "420106",
    "青山区": "420107",
    "洪山区": "420111",
    "东西湖区": "420112",
    "蔡甸区": "420114",
    "江夏区": "420115",
    "黄陂区": "420116",
    "新洲区": "420117",
}


def _wuhan(district: str) -> Region:
    return Region(_HUBEI, "武汉市", district, _WUHAN_DISTRICTS[district])


def _hubei(city: str, district: str | None = None, code: str | None = None) -> Region:
    return Region(_HUBEI, city, district, code)


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _hotline(phone: str, name: str = "总机") -> Contact:
    """An official number, which anyone may see."""
    return Contact(name, phone, visibility=ContactVisibility.PUBLIC)


def _person(name: str, phone: str | None, other: str | None = None) -> Contact:
    """A person's own number, shown only to verified responders."""
    return Contact(name, phone, other, ContactVisibility.PROTECTED)


def _org(
    key: str,
    name: str,
    kind: OrganizationKind,
    region: Region,
    address: str | None = None,
    *,
    at: tuple[float, float] | None = None,
    website: str | None = None,
    contacts: Sequence[Contact] = (),
) -> DemoOrganization:
    latitude, longitude = at if at is not None else (None, None)
    draft = OrganizationDraft(
        name=name,
        kind=kind,
        region=region,
        address=address,
        latitude=latitude,
        longitude=longitude,
        website=website,
        contacts=tuple(contacts),
    )
    return DemoOrganization(key, draft)


def _item(
    code: str,
    name: str,
    quantity: int | str | None,
    unit: Unit,
    spec: str | None = None,
    *,
    pack: int | None = None,
    done: int | str = 0,
    certs: tuple[str, ...] = (),
) -> Item:
    """An item line; a None quantity means 越多越好 (as many as possible)."""
    return Item(
        category_code=code,
        name=name,
        quantity=None if quantity is None else Decimal(quantity),
        unit=unit,
        spec=spec,
        package_size=pack,
        fulfilled_quantity=Decimal(done),
        certifications=certs,
        quantity_unknown=quantity is None,
    )


# The supplies nearly every hospital asked for, spelled the way their notices spelled them.
def _n95(quantity: int | None, *, done: int = 0) -> Item:
    spec = "GB 19083-2010，医用级，不要带呼吸阀的工业防尘口罩"
    return _item(
        "face.medical_respirator", "医用防护口罩（N95）", quantity, Unit.ITEM, spec, done=done
    )


def _surgical(quantity: int | None, *, done: int = 0) -> Item:
    spec = "YY 0469-2011，独立包装或 50 只/盒均可"
    return _item("face.surgical_mask", "一次性医用外科口罩", quantity, Unit.ITEM, spec, done=done)


def _coverall(quantity: int | None, *, done: int = 0) -> Item:
    spec = "GB 19082-2009，连体带帽，L/XL/XXL 号为主"
    return _item(
        "body.protective_coverall", "医用一次性防护服", quantity, Unit.GARMENT, spec, done=done
    )


def _goggles(quantity: int | None, *, done: int = 0) -> Item:
    spec = "GB 14866-2006，防雾，可消毒重复使用"
    return _item("face.goggles", "医用护目镜", quantity, Unit.ITEM, spec, done=done)


def _entry(
    by: Provider,
    details: Details,
    age: float,
    *,
    items: Sequence[Item] = (),
    contacts: Sequence[Contact] = (),
    notes: str | None = None,
    source: Source | None = None,
    status: EntryStatus = EntryStatus.OPEN,
    address: str | None = None,
) -> DemoEntry:
    if isinstance(by, Donor):
        key, region, provider_name = None, by.region, by.name
    else:
        # A typo in a key fails here, at import, rather than half-way through a load.
        key, region, provider_name = by, _REGIONS[by], None
    draft = EntryDraft(
        region=region,
        details=details,
        provider_name=provider_name,
        address=address,
        notes=notes,
        source_note=source[0] if source else None,
        source_url=source[1] if source else None,
        items=tuple(items),
        contacts=tuple(contacts),
    )
    return DemoEntry(key, draft, age, status)


def _need(
    by: str,
    urgency: Urgency,
    age: float,
    items: Sequence[Item],
    contacts: Sequence[Contact],
    *,
    notes: str | None = None,
    source: Source | None = None,
    status: EntryStatus = EntryStatus.OPEN,
) -> DemoEntry:
    return _entry(
        by,
        NeedDetails(urgency=urgency),
        age,
        items=items,
        contacts=contacts,
        notes=notes,
        source=source,
        status=status,
    )


def _offer(
    by: Provider,
    age: float,
    items: Sequence[Item],
    *,
    deliver: bool,
    free: bool,
    lead: int | None = None,
    price: str | None = None,
    contacts: Sequence[Contact] = (),
    notes: str | None = None,
    source: Source | None = None,
    status: EntryStatus = EntryStatus.OPEN,
) -> DemoEntry:
    details = OfferDetails(can_deliver=deliver, is_free=free, lead_time_days=lead, price_note=price)
    return _entry(
        by,
        details,
        age,
        items=items,
        contacts=contacts,
        notes=notes,
        source=source,
        status=status,
    )


def _logistics(
    by: Provider,
    age: float,
    vehicle: VehicleType,
    *,
    to: Region | None,
    kg: int | None = None,
    m3: int | str | None = None,
    cold: bool = False,
    free: bool = True,
    contacts: Sequence[Contact] = (),
    notes: str | None = None,
    source: Source | None = None,
) -> DemoEntry:
    details = LogisticsDetails(
        vehicle_type=vehicle,
        cold_chain=cold,
        is_free=free,
        destination=to,
        capacity_kg=None if kg is None else Decimal(kg),
        capacity_m3=None if m3 is None else Decimal(m3),
    )
    return _entry(by, details, age, contacts=contacts, notes=notes, source=source)


def _lodging(
    by: str,
    age: float,
    rooms: int,
    eligibility: str,
    *,
    free: bool,
    price: str | None = None,
    contacts: Sequence[Contact] = (),
    notes: str | None = None,
    source: Source | None = None,
    status: EntryStatus = EntryStatus.OPEN,
) -> DemoEntry:
    details = LodgingDetails(
        rooms_available=rooms, eligibility=eligibility, is_free=free, price_note=price
    )
    return _entry(by, details, age, contacts=contacts, notes=notes, source=source, status=status)


# ---------------------------------------------------------------------------------------------
# Organizations
# ---------------------------------------------------------------------------------------------

_K = OrganizationKind

ORGANIZATIONS: tuple[DemoOrganization, ...] = (
    # --- 武汉市: hospitals ---
    _org(
        "wh-jiangan-central",
        "武汉市江岸区中心医院",
        _K.HOSPITAL,
        _wuhan("江岸区"),
        "武汉市江岸区解放大道 1688 号",
        at=(30.6096, 114.3020),
        website="https://www.whjazx-hospital.example",
        contacts=[
            _hotline("027-8000 0101"),
            _hotline("027-8000 0102", "物资保障处值班电话"),
        ],
    ),
    _org(
        "wh-jianghan-people",
        "武汉市江汉区人民医院",
        _K.HOSPITAL,
        _wuhan("江汉区"),
        "武汉市江汉区新华路 402 号",
        at=(30.5928, 114.2706),
        contacts=[_hotline("027-8000 0201")],
    ),
    _org(
        "wh-qiaokou-tcm",
        "武汉市硚口区中医医院",
        _K.HOSPITAL,
        _wuhan("硚口区"),
        "武汉市硚口区解放大道 88 号",
        contacts=[_hotline("027-8000 0301"), _person("设备科 周老师", "138 0000 0301")],
    ),
    _org(
        "wh-hanyang-second",
        "武汉市汉阳区第二人民医院",
        _K.HOSPITAL,
        _wuhan("汉阳区"),
        "武汉市汉阳区汉阳大道 316 号",
        at=(30.5530, 114.2185),
        website="https://www.hyey-hospital.example",
        contacts=[_hotline("027-8000 0401")],
    ),
    _org(
        "wh-wuchang-donghu",
        "武汉市武昌区东湖医院",
        _K.HOSPITAL,
        _wuhan("武昌区"),
        "武汉市武昌区中北路 210 号",
        at=(30.5528, 114.3326),
        contacts=[_hotline("027-8000 0501"), _hotline("027-8000 0502", "检验科")],
    ),
    _org(
        "wh-qingshan-gangcheng",
        "武汉市青山区钢城医院",
        _K.HOSPITAL,
        _wuhan("青山区"),
        "武汉市青山区冶金大道 29 号",
        contacts=[_hotline("027-8000 0601")],
    ),
    _org(
        "wh-hongshan-guanggu",
        "武汉市洪山区光谷人民医院",
        _K.HOSPITAL,
        _wuhan("洪山区"),
        "武汉市洪山区珞喻路 1120 号",
        at=(30.5053, 114.4012),
        website="https://www.ggrmyy.example",
        contacts=[_hotline("027-8000 0701"), _hotline("027-8000 0702", "发热门诊")],
    ),
    _org(
        "wh-dongxihu-people",
        "武汉市东西湖区人民医院",
        _K.HOSPITAL,
        _wuhan("东西湖区"),
        "武汉市东西湖区吴家山环山路 51 号",
        contacts=[_hotline("027-8000 0801")],
    ),
    _org(
        "wh-caidian-people",
        "武汉市蔡甸区人民医院",
        _K.HOSPITAL,
        _wuhan("蔡甸区"),
        "武汉市蔡甸区蔡甸街树藩大街 230 号",
        at=(30.5822, 114.0290),
        contacts=[_hotline("027-8000 0901")],
    ),
    _org(
        "wh-jiangxia-first",
        "武汉市江夏区第一人民医院",
        _K.HOSPITAL,
        _wuhan("江夏区"),
        "武汉市江夏区纸坊街文化大道 1 号",
        contacts=[_hotline("027-8000 1001"), _person("后勤保障部 吴主任", "138 0000 1001")],
    ),
    _org(
        "wh-huangpi-people",
        "武汉市黄陂区人民医院",
        _K.HOSPITAL,
        _wuhan("黄陂区"),
        "武汉市黄陂区前川街百秀街 58 号",
        at=(30.8818, 114.3752),
        contacts=[_hotline("027-8000 1101")],
    ),
    # --- 武汉市: primary care, community, government ---
    _org(
        "wh-xinzhou-cangbu",
        "武汉市新洲区仓埠街卫生院",
        _K.CLINIC,
        _wuhan("新洲区"),
        "武汉市新洲区仓埠街正街 12 号",
        contacts=[_hotline("027-8000 1201"), _person("院办 彭医生", "138 0000 1201")],
    ),
    _org(
        "wh-hongshan-luonan",
        "洪山区珞南街社区卫生服务中心",
        _K.CLINIC,
        _wuhan("洪山区"),
        "武汉市洪山区珞南街文治街 35 号",
        contacts=[_hotline("027-8000 1301")],
    ),
    _org(
        "wh-jiangan-changjiang-community",
        "江岸区二七街长江社区居委会",
        _K.COMMUNITY,
        _wuhan("江岸区"),
        "武汉市江岸区二七路长江社区服务站",
        contacts=[_person("社区网格员 胡女士", "138 0000 1401", "微信同号")],
    ),
    _org(
        "wh-jiangan-command",
        "江岸区新冠肺炎疫情防控指挥部物资保障组",
        _K.GOVERNMENT,
        _wuhan("江岸区"),
        "武汉市江岸区沿江大道 96 号",
        website="https://www.jiangan-fangkong.example",
        contacts=[_hotline("027-8000 1501", "物资保障组热线")],
    ),
    # --- 武汉市: hotels, logistics, volunteers ---
    _org(
        "wh-hotel-jiangcheng",
        "武汉江城驿站酒店",
        _K.HOTEL,
        _wuhan("江汉区"),
        "武汉市江汉区建设大道 566 号",
        at=(30.5950, 114.2660),
        contacts=[_hotline("027-8000 1601", "前台"), _person("值班经理 邓先生", "138 0000 1601")],
    ),
    _org(
        "wh-hotel-xuefu",
        "武汉光谷学府酒店",
        _K.HOTEL,
        _wuhan("洪山区"),
        "武汉市洪山区鲁磨路 188 号",
        at=(30.5125, 114.3985),
        website="https://www.ggxuefu-hotel.example",
        contacts=[_hotline("027-8000 1701", "前台")],
    ),
    _org(
        "wh-hotel-chuhe",
        "武昌楚河商务酒店",
        _K.HOTEL,
        _wuhan("武昌区"),
        "武汉市武昌区水果湖东湖路 77 号",
        contacts=[_hotline("027-8000 1801", "前台")],
    ),
    _org(
        "wh-hotel-zhongjiacun",
        "汉阳钟家村快捷酒店",
        _K.HOTEL,
        _wuhan("汉阳区"),
        "武汉市汉阳区钟家村汉阳大道 140 号",
        contacts=[_person("店长 孙女士", "138 0000 1901")],
    ),
    _org(
        "wh-hotel-linkong",
        "东西湖临空港宾馆",
        _K.HOTEL,
        _wuhan("东西湖区"),
        "武汉市东西湖区临空港大道 1999 号",
        at=(30.6280, 114.1390),
        contacts=[_hotline("027-8000 2001", "总台")],
    ),
    _org(
        "wh-jiusheng-logistics",
        "武汉九省通衢物流有限公司",
        _K.LOGISTICS,
        _wuhan("东西湖区"),
        "武汉市东西湖区走马岭物流园 C 区 8 号库",
        at=(30.6405, 114.0990),
        website="https://www.jiusheng-wl.example",
        contacts=[_hotline("400-000-2101", "调度中心"), _person("调度 郑经理", "138 0000 2101")],
    ),
    _org(
        "wh-jiangcheng-volunteers",
        "武汉江城公益志愿者协会",
        _K.CHARITY,
        _wuhan("武昌区"),
        "武汉市武昌区中南路 14 号 3 楼",
        website="https://www.jcvolunteer.example",
        contacts=[_person("物资对接 小何", "138 0000 2201", "微信：jcvol-wuzi")],
    ),
    # --- 湖北省: other cities ---
    _org(
        "hg-huangzhou-people",
        "黄冈市黄州区人民医院",
        _K.HOSPITAL,
        _hubei("黄冈市", "黄州区", "421102"),
        "黄冈市黄州区赤壁大道 45 号",
        at=(30.4477, 114.8793),
        website="https://www.hzqrmyy.example",
        contacts=[_hotline("0713-8000 101")],
    ),
    _org(
        "hg-macheng-people",
        "麻城市人民医院",
        _K.HOSPITAL,
        _hubei("黄冈市", "麻城市", "421181"),
        "麻城市龙池桥街道陵园路 9 号",
        contacts=[_hotline("0713-8000 201"), _person("医务科 夏主任", "138 0000 2401")],
    ),
    _org(
        "hg-xishui-lanxi",
        "浠水县兰溪镇卫生院",
        _K.CLINIC,
        _hubei("黄冈市", "浠水县", "421125"),
        "浠水县兰溪镇兰溪大道 3 号",
        contacts=[_person("院长 汪医生", "138 0000 2501")],
    ),
    _org(
        "hg-hotel-yiaihu",
        "黄冈遗爱湖宾馆",
        _K.HOTEL,
        _hubei("黄冈市", "黄州区", "421102"),
        "黄冈市黄州区东坡大道 66 号",
        contacts=[_hotline("0713-8000 301", "总台")],
    ),
    _org(
        "xg-xiaochang-people",
        "孝昌县人民医院",
        _K.HOSPITAL,
        _hubei("孝感市", "孝昌县", "420921"),
        "孝昌县花园镇黄花路 78 号",
        contacts=[_hotline("0712-8000 101")],
    ),
    _org(
        "xg-dawu-xuanhua",
        "大悟县宣化店镇卫生院",
        _K.CLINIC,
        _hubei("孝感市", "大悟县", "420922"),
        "大悟县宣化店镇中心街 20 号",
        contacts=[_person("办公室 程医生", "138 0000 2701")],
    ),
    _org(
        "xg-hotel-huaiyin",
        "孝感槐荫宾馆",
        _K.HOTEL,
        _hubei("孝感市", "孝南区", "420902"),
        "孝感市孝南区槐荫大道 219 号",
        at=(30.9245, 113.9167),
        contacts=[_hotline("0712-8000 201", "总台")],
    ),
    _org(
        "jz-jianli-people",
        "监利县人民医院",
        _K.HOSPITAL,
        _hubei("荆州市", "监利县", "421023"),
        "监利县容城镇玉沙路 11 号",
        contacts=[_hotline("0716-8000 101"), _person("设备科 罗科长", "138 0000 2901")],
    ),
    _org(
        "jz-honghu-second",
        "洪湖市第二人民医院",
        _K.HOSPITAL,
        _hubei("荆州市", "洪湖市", "421083"),
        "洪湖市新堤街道宏伟南路 36 号",
        contacts=[_hotline("0716-8000 201")],
    ),
    _org(
        "jz-hotel-gucheng",
        "荆州古城宾馆",
        _K.HOTEL,
        _hubei("荆州市", "荆州区", "421003"),
        "荆州市荆州区荆中路 120 号",
        contacts=[_hotline("0716-8000 301", "总台")],
    ),
    _org(
        "sy-zhangwan-people",
        "十堰市张湾区人民医院",
        _K.HOSPITAL,
        _hubei("十堰市", "张湾区", "420303"),
        "十堰市张湾区车城路 32 号",
        at=(32.6520, 110.7790),
        contacts=[_hotline("0719-8000 101")],
    ),
    _org(
        "yc-yiling-people",
        "宜昌市夷陵区人民医院",
        _K.HOSPITAL,
        _hubei("宜昌市", "夷陵区", "420506"),
        "宜昌市夷陵区夷兴大道 63 号",
        contacts=[_hotline("0717-8000 101")],
    ),
    _org(
        "xy-zaoyang-first",
        "枣阳市第一人民医院",
        _K.HOSPITAL,
        _hubei("襄阳市", "枣阳市", "420683"),
        "枣阳市北城街道光武大道 88 号",
        contacts=[_hotline("0710-8000 101"), _person("药剂科 唐老师", "138 0000 3401")],
    ),
    _org(
        "ez-huarong-people",
        "鄂州市华容区人民医院",
        _K.HOSPITAL,
        _hubei("鄂州市", "华容区", "420703"),
        "鄂州市华容区华容大道 17 号",
        contacts=[_hotline("0711-8000 101")],
    ),
    _org(
        "suiz-guangshui-first",
        "广水市第一人民医院",
        _K.HOSPITAL,
        _hubei("随州市", "广水市", "421381"),
        "广水市应山街道永阳大道 5 号",
        at=(31.6170, 113.8260),
        contacts=[_hotline("0722-8000 101")],
    ),
    _org(
        "xn-chibi-people",
        "赤壁市人民医院",
        _K.HOSPITAL,
        _hubei("咸宁市", "赤壁市", "421281"),
        "赤壁市蒲圻街道河北大道 108 号",
        contacts=[_hotline("0715-8000 101")],
    ),
    _org(
        "es-lichuan-tcm",
        "利川市民族中医院",
        _K.HOSPITAL,
        Region(_HUBEI, "恩施土家族苗族自治州", "利川市", "422802"),
        "利川市都亭街道清江大道 71 号",
        contacts=[_hotline("0718-8000 101"), _person("总务科 谭师傅", "138 0000 3801")],
    ),
    _org(
        "es-hotel-qingjiang",
        "恩施清江宾馆",
        _K.HOTEL,
        Region(_HUBEI, "恩施土家族苗族自治州", "恩施市", "422801"),
        "恩施市舞阳大街 155 号",
        contacts=[_hotline("0718-8000 201", "总台")],
    ),
    _org(
        "xt-anhu-nonwoven",
        "仙桃市彭场镇安护无纺布制品有限公司",
        _K.FACTORY,
        _hubei("仙桃市", "彭场镇", "429004"),
        "仙桃市彭场镇工业园纬一路 8 号",
        website="https://www.anhu-nonwoven.example",
        contacts=[_hotline("0728-8000 101", "销售部"), _person("厂长 刘先生", "138 0000 4001")],
    ),
    # --- 其他省市: factories, carriers, charities ---
    _org(
        "gd-ankang-devices",
        "深圳市安康医疗器械有限公司",
        _K.FACTORY,
        Region("广东省", "深圳市", "宝安区", "440306"),
        "深圳市宝安区福永街道凤凰工业区 5 栋",
        at=(22.6730, 113.8230),
        website="https://www.ankang-meddevice.example",
        contacts=[_hotline("400-000-4101", "客服热线")],
    ),
    _org(
        "gd-ruifeng-ppe",
        "东莞市瑞丰防护用品有限公司",
        _K.FACTORY,
        Region("广东省", "东莞市", "长安镇", "441900"),
        "东莞市长安镇振安中路 301 号",
        contacts=[_hotline("0769-8000 0101"), _person("业务 钟小姐", "138 0000 4201")],
    ),
    _org(
        "gd-shuncheng-scm",
        "深圳市顺程供应链管理有限公司",
        _K.LOGISTICS,
        Region("广东省", "深圳市", "南山区", "440305"),
        "深圳市南山区前海路 2233 号",
        website="https://www.shuncheng-scm.example",
        contacts=[_hotline("400-000-4301", "运力热线")],
    ),
    _org(
        "zj-yuhang-charity",
        "杭州余杭爱心公益基金会",
        _K.CHARITY,
        Region("浙江省", "杭州市", "余杭区", "330110"),
        "杭州市余杭区临平街道星桥路 18 号",
        website="https://www.yhaixin.example",
        contacts=[_hotline("0571-8000 0101"), _person("项目官员 叶女士", "138 0000 4401")],
    ),
    _org(
        "zj-ruice-electronics",
        "杭州萧山睿测电子科技有限公司",
        _K.FACTORY,
        Region("浙江省", "杭州市", "萧山区", "330109"),
        "杭州市萧山区经济技术开发区建设二路 77 号",
        contacts=[_hotline("0571-8000 0201", "销售部")],
    ),
    _org(
        "zj-anshield",
        "宁波安盾劳保用品有限公司 (Ningbo Anshield Safety Products Co., Ltd.)",
        _K.FACTORY,
        Region("浙江省", "宁波市", "北仑区", "330206"),
        "宁波市北仑区大碶街道庐山西路 9 号",
        at=(29.8990, 121.8020),
        website="https://www.anshield-ppe.example",
        contacts=[
            _hotline("0574-8000 0101", "Export sales / 外贸部"),
            _person("Sales manager Ms. Xu 徐经理", "138 0000 4601"),
        ],
    ),
    _org(
        "js-jiekang-medical",
        "昆山洁康医疗用品有限公司",
        _K.FACTORY,
        Region("江苏省", "苏州市", "昆山市", "320583"),
        "昆山市周市镇青阳北路 560 号",
        contacts=[_hotline("0512-8000 0101")],
    ),
    _org(
        "sh-shene-coldchain",
        "上海申鄂冷链物流有限公司",
        _K.LOGISTICS,
        Region("上海市", "上海市", "嘉定区", "310114"),
        "上海市嘉定区江桥镇华江路 1000 号",
        at=(31.2460, 121.3320),
        contacts=[_hotline("021-8000 0101", "冷链调度"), _person("车队长 孔先生", "138 0000 4801")],
    ),
    _org(
        "sh-overseas-alumni",
        "Overseas Alumni Relief Network 海外校友抗疫联合行动",
        _K.CHARITY,
        Region("上海市", "上海市", "浦东新区", "310115"),
        "上海市浦东新区张江路 665 号（国内收货点）",
        website="https://www.oarn-relief.example",
        contacts=[_person("Coordinator 协调人 Amy", None, "Email: amy@oarn-relief.org")],
    ),
    _org(
        "bj-tongxin-foundation",
        "北京朝阳同心公益基金会",
        _K.CHARITY,
        Region("北京市", "北京市", "朝阳区", "110105"),
        "北京市朝阳区建国路 89 号",
        website="https://www.tongxin-gongyi.example",
        contacts=[_hotline("010-8000 0101")],
    ),
    _org(
        "ha-zhongyuan-express",
        "郑州中原速运物流有限公司",
        _K.LOGISTICS,
        Region("河南省", "郑州市", "新郑市", "410184"),
        "郑州航空港区四港联动大道 300 号",
        at=(34.5200, 113.8400),
        contacts=[_hotline("0371-8000 0101", "调度中心"), _person("调度 牛经理", "138 0000 5001")],
    ),
    _org(
        "ha-kangda-weicai",
        "长垣市康达卫材有限公司",
        _K.FACTORY,
        Region("河南省", "新乡市", "长垣市", "410783"),
        "长垣市丁栾镇卫材工业园 16 号",
        website="https://www.kangda-weicai.example",
        contacts=[_hotline("0373-8000 0101", "销售热线")],
    ),
)

_REGIONS: dict[str, Region] = {o.key: o.draft.region for o in ORGANIZATIONS}

# ---------------------------------------------------------------------------------------------
# Needs
# ---------------------------------------------------------------------------------------------

_U = Urgency
_NO_VALVE = "请勿捐赠带呼吸阀的口罩和工业防尘口罩，无法用于临床。"

_NEEDS: tuple[DemoEntry, ...] = (
    _need(
        "wh-jiangan-central",
        _U.CRITICAL,
        3,
        [_n95(20000), _coverall(5000), _goggles(2000)],
        [_person("物资保障处 王老师", "138 0000 1002"), _hotline("027-8000 0102", "物资保障处")],
        notes="发热门诊日接诊量超过 1500 人次，防护物资仅能维持两天。" + _NO_VALVE,
        source=(
            "医院官方微博 2020-01-25 公告",
            "https://www.whjazx-hospital.example/news/2020-01-25-juanzeng.html",
        ),
    ),
    _need(
        "wh-jiangan-central",
        _U.HIGH,
        30,
        [
            _item("disinfection.chlorine", "84消毒液", 500, Unit.BARREL, "5L/桶", done=200),
            _item(
                "disinfection.alcohol_75", "75%医用酒精", 2000, Unit.BOTTLE, "500ml/瓶", done=800
            ),
        ],
        [_person("物资保障处 王老师", "138 0000 1002")],
        notes="已收到爱心企业第一批消毒液，仍有缺口。",
        source=(
            "医院官方微博 2020-01-27 更新",
            "https://www.whjazx-hospital.example/news/2020-01-27.html",
        ),
        status=_PARTIAL,
    ),
    _need(
        "wh-jianghan-people",
        _U.CRITICAL,
        8,
        [
            _item("devices.ventilator", "有创呼吸机", 10, Unit.DEVICE, "ICU 用，带湿化器"),
            _item("devices.oxygen", "医用氧气", 200, Unit.BOTTLE, "40L 钢瓶，GB 8982-2009"),
            _item("devices.oxygen_concentrator", "医用制氧机", 20, Unit.DEVICE, "5L/min 及以上"),
        ],
        [_person("设备科 陈科长", "138 0000 0202"), _hotline("027-8000 0201")],
        notes="重症病人增多，氧气供应紧张，钢瓶可借用后归还。",
        source=("医院公众号 2020-01-29 求助", "https://www.jhrmyy.example/news/20200129"),
    ),
    _need(
        "wh-jianghan-people",
        _U.MEDIUM,
        50,
        [
            _item("body.cap", "一次性医用帽", 10000, Unit.ITEM),
            _item("feet.shoe_covers", "一次性鞋套", 20, Unit.CARTON, "500 只/箱", pack=500),
        ],
        [_person("护理部 江护士长", "138 0000 0203")],
    ),
    _need(
        "wh-qiaokou-tcm",
        _U.HIGH,
        12,
        [
            _item(
                "face.surgical_mask",
                "一次性医用外科口罩",
                400,
                Unit.BOX,
                "YY 0469-2011，50 只/盒",
                pack=50,
            ),
            _item("body.gloves", "医用乳胶检查手套", 200, Unit.BOX, "100 只/盒，M 号", pack=100),
            _item("body.isolation_gown", "一次性隔离衣", 3000, Unit.GARMENT),
        ],
        [_person("设备科 周老师", "138 0000 0301")],
        source=("区卫健局转发的医院需求清单 2020-01-26", None),
    ),
    _need(
        "wh-hanyang-second",
        _U.CRITICAL,
        5,
        [_n95(None), _coverall(None)],
        [_person("院办 刘老师", "138 0000 0402"), _hotline("027-8000 0401")],
        notes="N95 和防护服越多越好，来者不拒；请先电话联系确认收货时间。",
        source=(
            "医院官网 2020-01-24 接受社会捐赠的公告",
            "https://www.hyey-hospital.example/notice/2020-01-24",
        ),
    ),
    _need(
        "wh-hanyang-second",
        _U.LOW,
        96,
        [
            _item("living.heating", "暖宝宝", 500, Unit.PACK, "10 片/包", pack=10, done=500),
            _item("living.food", "方便面", 100, Unit.CARTON, "24 桶/箱", pack=24, done=100),
        ],
        [_person("工会 黄老师", "138 0000 0403")],
        notes="给值夜班的医护人员。已由社区志愿者送到，谢谢大家！",
        status=_FULFILLED,
    ),
    _need(
        "wh-wuchang-donghu",
        _U.HIGH,
        20,
        [
            _item(
                "diagnostics.test_kit",
                "新型冠状病毒核酸检测试剂盒",
                100,
                Unit.BOX,
                "荧光 PCR 法，已获 NMPA 应急审批，48 人份/盒",
                pack=48,
            ),
        ],
        [_person("检验科 梁主任", "138 0000 0503"), _hotline("027-8000 0502", "检验科")],
        notes="需 2–8℃ 冷链运输。Reagents must travel in a 2–8 °C cold chain.",
    ),
    _need(
        "wh-wuchang-donghu",
        _U.MEDIUM,
        44,
        [
            _item("devices.air_disinfector", "等离子空气消毒机", 15, Unit.DEVICE, "壁挂式或移动式"),
            _item("devices.uv_cart", "紫外线消毒车", 10, Unit.DEVICE),
        ],
        [_person("院感科 孟老师", "138 0000 0504")],
        notes="改造隔离病区用。",
    ),
    _need(
        "wh-qingshan-gangcheng",
        _U.CRITICAL,
        2,
        [
            _coverall(3000),
            _n95(5000),
            _item("feet.boot_covers", "防水靴套", 2000, Unit.PAIR, "高筒，防滑底"),
        ],
        [_person("医务部 何主任", "138 0000 0602")],
        notes="本院已被列为发热病人定点收治医院，物资消耗成倍增加。" + _NO_VALVE,
        source=("青山区卫健局 2020-02-01 通报", "https://www.qingshan-wj.example/tb/0201"),
    ),
    _need(
        "wh-qingshan-gangcheng",
        _U.HIGH,
        60,
        [_item("devices.thermometer", "红外额温枪", 200, Unit.PIECE, done=120)],
        [_person("医务部 何主任", "138 0000 0602")],
        status=_PARTIAL,
    ),
    _need(
        "wh-hongshan-guanggu",
        _U.CRITICAL,
        10,
        [
            _item("devices.ventilator", "无创呼吸机", 5, Unit.DEVICE, "双水平正压通气"),
            _item("devices.oxygen", "医用氧气", None, Unit.BOTTLE, "40L 钢瓶"),
            _item("face.face_shield", "防护面屏", 2000, Unit.ITEM, "全脸防飞溅"),
        ],
        [_person("发热门诊 付护士长", "138 0000 0703"), _hotline("027-8000 0702", "发热门诊")],
        source=("医院官网 2020-01-30 紧急求助", "https://www.ggrmyy.example/news/20200130"),
    ),
    _need(
        "wh-hongshan-guanggu",
        _U.MEDIUM,
        70,
        [
            _item("living.food", "自热米饭", 200, Unit.CARTON, "12 盒/箱", pack=12),
            _item("living.water", "矿泉水", 300, Unit.CARTON, "550ml×24 瓶", pack=24),
        ],
        [_person("后勤 贺师傅", "138 0000 0704")],
        notes="周边餐馆停业，夜班医护人员用餐困难。",
    ),
    _need(
        "wh-dongxihu-people",
        _U.HIGH,
        16,
        [
            _surgical(50000),
            _item("disinfection.hand_sanitiser", "免洗手消毒凝胶", 1000, Unit.BOTTLE, "500ml"),
        ],
        [_person("采购中心 汤老师", "138 0000 0802")],
    ),
    _need(
        "wh-dongxihu-people",
        _U.CRITICAL,
        0.5,
        [_item("devices.oxygen", "医用氧气", None, Unit.BOTTLE, "40L 钢瓶，可接受液氧")],
        [_person("设备科 鲁工", "138 0000 0803"), _hotline("027-8000 0801")],
        notes="氧气告急！越多越好。Oxygen is running out; any amount helps.",
    ),
    _need(
        "wh-caidian-people",
        _U.HIGH,
        26,
        [
            _goggles(1000),
            _item("feet.boots", "长筒胶鞋", 300, Unit.PAIR, "40–44 码"),
            _item("body.isolation_gown", "一次性隔离衣", 2000, Unit.GARMENT),
        ],
        [_person("总务科 易科长", "138 0000 0902")],
    ),
    _need(
        "wh-jiangxia-first",
        _U.CRITICAL,
        14,
        [
            _coverall(2000),
            _n95(None),
            _item("disinfection.peracetic_acid", "过氧乙酸消毒液", 200, Unit.BOTTLE, "15%，500ml"),
        ],
        [_person("后勤保障部 吴主任", "138 0000 1001")],
        notes="江夏区唯一一家三级医院，辐射周边乡镇。" + _NO_VALVE,
        source=("江夏区融媒体中心报道 2020-01-28", "https://www.jxrongmei-demo.example/news/8812"),
    ),
    _need(
        "wh-jiangxia-first",
        _U.LOW,
        110,
        [_item("other.other", "成人纸尿裤", 100, Unit.PACK, "L 号，10 片/包", pack=10, done=100)],
        [_person("护理部 高护士长", "138 0000 1002")],
        notes="穿防护服连续工作 8 小时以上的护士使用。已满足，感谢捐赠！",
        status=_FULFILLED,
    ),
    _need(
        "wh-huangpi-people",
        _U.HIGH,
        36,
        [
            _surgical(20000),
            _item("disinfection.chlorine", "84消毒液", 1000, Unit.BOTTLE, "500ml/瓶"),
            _item("devices.thermometer", "水银体温计", 500, Unit.STICK),
        ],
        [_person("院办 龚老师", "138 0000 1102")],
        source=("医院微信公众号 2020-01-27", None),
    ),
    _need(
        "wh-xinzhou-cangbu",
        _U.CRITICAL,
        6,
        [
            _n95(500),
            _coverall(200),
            _item("devices.thermometer", "红外额温枪", 20, Unit.PIECE),
            _item("disinfection.chlorine", "84消毒液", 100, Unit.BOTTLE, "500ml/瓶"),
        ],
        [_person("院办 彭医生", "138 0000 1201")],
        notes="乡镇卫生院承担全街道发热病人预检分诊和居家隔离随访，目前库存 N95 仅剩 30 只。",
    ),
    _need(
        "wh-hongshan-luonan",
        _U.HIGH,
        22,
        [
            _surgical(5000),
            _item("body.isolation_gown", "一次性隔离衣", 500, Unit.GARMENT),
            _item("body.gloves", "医用乳胶手套", 50, Unit.BOX, "100 只/盒", pack=100),
        ],
        [_person("中心主任 冯医生", "138 0000 1302")],
        notes="社区医生上门为居家隔离人员测体温，每天消耗约 300 只口罩。",
    ),
    _need(
        "wh-jiangan-changjiang-community",
        _U.MEDIUM,
        40,
        [
            _item("devices.thermometer", "红外额温枪", 30, Unit.PIECE),
            _item("disinfection.chlorine", "84消毒液", 200, Unit.BOTTLE, "500ml/瓶"),
            _item("living.food", "米面油蔬菜组合包", 300, Unit.PACK, "供孤寡老人家庭"),
        ],
        [_person("社区网格员 胡女士", "138 0000 1401", "微信同号")],
        notes="社区 3200 户，其中独居老人 146 户，封闭管理后买菜困难。",
    ),
    _need(
        "wh-jiangan-command",
        _U.MEDIUM,
        48,
        [
            _item("other.other", "医疗废物包装袋", 20000, Unit.PIECE, "黄色，带生物危害标识"),
            _item("other.other", "背负式喷雾器", 100, Unit.PIECE, "16L"),
            _item("disinfection.chlorine", "84消毒液（原液）", 200, Unit.BARREL, "25kg/桶"),
        ],
        [_hotline("027-8000 1501", "物资保障组热线"), _person("联络员 方先生", "138 0000 1502")],
        notes="用于集中隔离点和社区公共区域消杀。",
        source=(
            "江岸区防控指挥部通告 2020 年第 6 号",
            "https://www.jiangan-fangkong.example/tonggao/6",
        ),
    ),
    _need(
        "hg-huangzhou-people",
        _U.CRITICAL,
        4,
        [_coverall(5000), _n95(10000), _item("devices.ventilator", "呼吸机", 8, Unit.DEVICE)],
        [_person("物资组 潘老师", "138 0000 2302"), _hotline("0713-8000 101")],
        notes=(
            "黄冈确诊人数仅次于武汉，防护物资缺口极大。"
            "English: overseas donations welcome; FFP2 (EN 149) or NIOSH N95 accepted "
            "if the certificate is attached."
        ),
        source=("黄州区人民医院官方微博 2020-01-28", "https://www.hzqrmyy.example/weibo/20200128"),
    ),
    _need(
        "hg-huangzhou-people",
        _U.HIGH,
        55,
        [_surgical(30000, done=12000), _goggles(2000, done=500)],
        [_person("物资组 潘老师", "138 0000 2302")],
        status=_PARTIAL,
    ),
    _need(
        "hg-macheng-people",
        _U.CRITICAL,
        9,
        [
            _coverall(None),
            _n95(None),
            _item("diagnostics.test_kit", "新型冠状病毒核酸检测试剂盒", 50, Unit.BOX, "50 人份/盒"),
        ],
        [_person("医务科 夏主任", "138 0000 2401")],
        notes="县级医院无法自行检测，样本需送往黄冈市区，周转慢。",
    ),
    _need(
        "hg-macheng-people",
        _U.MEDIUM,
        100,
        [_item("living.food", "面包、牛奶等即食食品", None, Unit.CARTON)],
        [_person("工会 熊老师", "138 0000 2402")],
        notes="医护人员吃住在院，数量不限。",
    ),
    _need(
        "hg-xishui-lanxi",
        _U.HIGH,
        18,
        [
            _surgical(3000),
            _coverall(100),
            _item("devices.thermometer", "红外额温枪", 10, Unit.PIECE),
            _item("living.heating", "电暖器", 10, Unit.DEVICE, "预检分诊帐篷用"),
        ],
        [_person("院长 汪医生", "138 0000 2501")],
        notes="镇卫生院，承担 5 万人口的发热筛查，没有暖气。",
    ),
    _need(
        "xg-xiaochang-people",
        _U.CRITICAL,
        7,
        [
            _coverall(3000),
            _item("devices.oxygen", "医用氧气", 300, Unit.BOTTLE, "40L 钢瓶"),
            _item("devices.ventilator", "无创呼吸机", 6, Unit.DEVICE),
        ],
        [_person("院办 万老师", "138 0000 2602"), _hotline("0712-8000 101")],
        source=("孝感日报客户端 2020-01-31", "https://app.xgrb-demo.example/news/20200131/77"),
    ),
    _need(
        "xg-xiaochang-people",
        _U.LOW,
        66,
        [_item("body.surgical_gown", "一次性手术衣", 500, Unit.GARMENT, "YY/T 0506，灭菌")],
        [_person("手术室 毛护士长", "138 0000 2603")],
    ),
    _need(
        "xg-dawu-xuanhua",
        _U.MEDIUM,
        28,
        [
            _surgical(2000),
            _item("disinfection.chlorine", "84消毒液", 100, Unit.BOTTLE, "500ml/瓶"),
            _item("disinfection.alcohol_75", "75%酒精", 200, Unit.BOTTLE, "500ml/瓶"),
        ],
        [_person("办公室 程医生", "138 0000 2701")],
        notes="山区镇卫生院，快递不通，需自提或送到县城。",
    ),
    _need(
        "jz-jianli-people",
        _U.HIGH,
        11,
        [
            _n95(5000),
            _coverall(2000),
            _item("body.isolation_gown", "一次性隔离衣", 2000, Unit.GARMENT),
            _item("face.face_shield", "防护面屏", 1000, Unit.ITEM),
        ],
        [_person("设备科 罗科长", "138 0000 2901")],
        source=("监利县卫健局公众号 2020-01-29", None),
    ),
    _need(
        "jz-honghu-second",
        _U.MEDIUM,
        34,
        [
            _item("body.gloves", "医用乳胶手套", 10000, Unit.PAIR),
            _item("feet.shoe_covers", "鞋套", 10000, Unit.PAIR),
            _item("body.cap", "一次性医用帽", 5000, Unit.ITEM),
        ],
        [_person("采购 董老师", "138 0000 3002")],
    ),
    _need(
        "sy-zhangwan-people",
        _U.HIGH,
        24,
        [
            _surgical(20000),
            _goggles(800),
            _item("disinfection.iodophor", "碘伏消毒液", 300, Unit.BOTTLE, "500ml"),
        ],
        [_person("院感科 石老师", "138 0000 3202")],
        source=("十堰广电新闻 2020-01-30", "https://news.sytv-demo.example/2020/0130/45"),
    ),
    _need(
        "yc-yiling-people",
        _U.MEDIUM,
        52,
        [
            _item("devices.air_disinfector", "空气消毒机", 8, Unit.DEVICE),
            _item("devices.thermometer", "红外额温枪", 100, Unit.PIECE),
        ],
        [_person("设备科 向工", "138 0000 3302")],
    ),
    _need(
        "xy-zaoyang-first",
        _U.HIGH,
        15,
        [
            _coverall(1500),
            _n95(3000),
            _item("diagnostics.test_kit", "核酸检测试剂盒", 30, Unit.BOX, "50 人份/盒"),
        ],
        [_person("药剂科 唐老师", "138 0000 3401")],
    ),
    _need(
        "ez-huarong-people",
        _U.CRITICAL,
        1,
        [_coverall(1000), _n95(2000), _item("devices.ventilator", "呼吸机", 4, Unit.DEVICE)],
        [_person("医务科 邹主任", "138 0000 3502"), _hotline("0711-8000 101")],
        notes="刚接到通知改为定点医院，今晚开始收治病人。" + _NO_VALVE,
    ),
    _need(
        "ez-huarong-people",
        _U.MEDIUM,
        42,
        [_surgical(10000), _item("body.isolation_gown", "隔离衣", 1000, Unit.GARMENT)],
        [_person("医务科 邹主任", "138 0000 3502")],
        notes="English welcome: contact the medical affairs office; we can receive via Wuhan.",
    ),
    _need(
        "suiz-guangshui-first",
        _U.HIGH,
        19,
        [_surgical(10000, done=4000), _coverall(800, done=300)],
        [_person("物资科 曹老师", "138 0000 3602")],
        source=("广水市人民政府网 2020-01-30 社会捐赠公告", None),
        status=_PARTIAL,
    ),
    _need(
        "xn-chibi-people",
        _U.MEDIUM,
        38,
        [
            _item("disinfection.chlorine", "84消毒液", 100, Unit.BARREL, "5L/桶"),
            _item("disinfection.peracetic_acid", "过氧乙酸", 50, Unit.BOTTLE),
            _item("disinfection.hand_sanitiser", "手消毒液", 300, Unit.BOTTLE, "500ml"),
        ],
        [_person("院感科 舒老师", "138 0000 3702")],
    ),
    _need(
        "es-lichuan-tcm",
        _U.HIGH,
        23,
        [_surgical(5000), _coverall(300)],
        [_person("总务科 谭师傅", "138 0000 3801")],
        notes="山区交通不便，恩施州内物流可协助转运。",
    ),
    _need(
        "es-lichuan-tcm",
        _U.LOW,
        80,
        [
            _item("living.heating", "电热毯", 50, Unit.PIECE),
            _item("living.water", "饮用水", 100, Unit.CARTON, "550ml×24 瓶", pack=24),
        ],
        [_person("总务科 谭师傅", "138 0000 3801")],
        notes="隔离病区位于山上，夜间气温接近零度。",
    ),
    _need(
        "wh-hotel-jiangcheng",
        _U.LOW,
        46,
        [
            _item("disinfection.chlorine", "84消毒液", 50, Unit.BOTTLE, "500ml/瓶"),
            _item("devices.thermometer", "红外额温枪", 10, Unit.PIECE),
        ],
        [_person("值班经理 邓先生", "138 0000 1601")],
        notes="酒店接待外省援鄂医疗队，每日需对公共区域消毒和入住人员测温。",
    ),
    _need(
        "wh-qiaokou-tcm",
        _U.LOW,
        90,
        [_item("living.water", "矿泉水", 100, Unit.CARTON, "550ml×24 瓶", pack=24, done=100)],
        [_person("设备科 周老师", "138 0000 0301")],
        status=_FULFILLED,
    ),
)

# ---------------------------------------------------------------------------------------------
# Offers of supplies
# ---------------------------------------------------------------------------------------------

_OFFERS: tuple[DemoEntry, ...] = (
    _offer(
        "gd-ankang-devices",
        20,
        [
            _item(
                "devices.thermometer",
                "红外额温枪",
                5000,
                Unit.PIECE,
                "测量范围 32–42.9℃，误差 ±0.2℃",
                certs=("CE", "FDA", "NMPA"),
            )
        ],
        deliver=True,
        free=False,
        lead=3,
        price="出厂价供应，湖北医疗机构优先，不接受中间商。",
        contacts=[_hotline("400-000-4101", "客服热线")],
        source=("企业官网 2020-01-26 声明", "https://www.ankang-meddevice.example/news/0126"),
    ),
    _offer(
        "gd-ankang-devices",
        60,
        [_item("devices.ventilator", "无创呼吸机", 20, Unit.DEVICE, done=8, certs=("CE", "NMPA"))],
        deliver=True,
        free=True,
        lead=1,
        contacts=[_person("捐赠专员 黎先生", "138 0000 4102")],
        notes="定向捐赠湖北定点医院，已送出 8 台。",
        status=_PARTIAL,
    ),
    _offer(
        "gd-ankang-devices",
        115,
        [_item("devices.thermometer", "红外额温枪", 1000, Unit.PIECE, done=1000, certs=("CE",))],
        deliver=True,
        free=True,
        contacts=[_person("捐赠专员 黎先生", "138 0000 4102")],
        notes="首批捐赠已全部发往武汉各社区卫生服务中心。",
        status=_FULFILLED,
    ),
    _offer(
        "gd-ruifeng-ppe",
        14,
        [
            _item(
                "body.protective_coverall",
                "医用一次性防护服",
                10000,
                Unit.GARMENT,
                "连体带帽，环氧乙烷灭菌",
                certs=("GB 19082-2009", "CE"),
            )
        ],
        deliver=False,
        free=False,
        lead=5,
        price="按成本价，需医院出具采购函。",
        contacts=[_person("业务 钟小姐", "138 0000 4201")],
        notes="工厂春节期间复工，日产能约 2000 件。",
    ),
    _offer(
        "gd-ruifeng-ppe",
        72,
        [
            _item("body.isolation_gown", "一次性隔离衣", 20000, Unit.GARMENT, "SMS 无纺布"),
            _item("feet.shoe_covers", "一次性鞋套", 50000, Unit.PAIR),
        ],
        deliver=True,
        free=False,
        lead=2,
        contacts=[_person("业务 钟小姐", "138 0000 4201")],
    ),
    _offer(
        "zj-anshield",
        10,
        [
            _item(
                "face.kn95_respirator",
                "KN95 口罩 (KN95 respirator)",
                100000,
                Unit.ITEM,
                "耳挂式，无呼吸阀 / ear-loop, no valve",
                certs=("GB 2626-2019", "CE"),
            )
        ],
        deliver=False,
        free=False,
        lead=7,
        price="Ex-works price on request / 出厂价，量大可议",
        contacts=[_person("Sales manager Ms. Xu 徐经理", "138 0000 4601")],
        notes=(
            "KN95 为非医用防护口罩，适合社区、物流、后勤人员使用。"
            "Non-medical KN95: suited to community, logistics and support staff."
        ),
    ),
    _offer(
        "zj-anshield",
        40,
        [
            _item(
                "face.goggles",
                "防护眼镜",
                10000,
                Unit.ITEM,
                "防雾，间接通风",
                certs=("GB 14866-2006",),
            )
        ],
        deliver=True,
        free=True,
        lead=2,
        contacts=[_hotline("0574-8000 0101", "Export sales / 外贸部")],
        notes="捐赠湖北一线医院，请医院直接联系。",
    ),
    _offer(
        "js-jiekang-medical",
        6,
        [
            _item(
                "face.surgical_mask",
                "一次性医用外科口罩",
                2000,
                Unit.BOX,
                "50 只/盒，环氧乙烷灭菌",
                pack=50,
                certs=("YY 0469-2011", "CE"),
            )
        ],
        deliver=True,
        free=True,
        lead=2,
        contacts=[_hotline("0512-8000 0101")],
        source=("企业公众号 2020-01-29 捐赠倡议", None),
    ),
    _offer(
        "js-jiekang-medical",
        50,
        [
            _item(
                "body.gloves",
                "医用乳胶检查手套",
                200,
                Unit.CARTON,
                "10 盒/箱，100 只/盒",
                pack=1000,
                certs=("GB 10213-2006", "FDA"),
            )
        ],
        deliver=True,
        free=False,
        lead=4,
        price="平价供应，不加价。",
        contacts=[_hotline("0512-8000 0101")],
    ),
    _offer(
        "ha-kangda-weicai",
        18,
        [
            _item(
                "face.medical_mask",
                "一次性使用医用口罩",
                500000,
                Unit.ITEM,
                certs=("YY/T 0969-2013",),
            ),
            _item("body.cap", "一次性医用帽", 100000, Unit.ITEM),
            _item("feet.boot_covers", "一次性靴套", 30000, Unit.PAIR),
        ],
        deliver=True,
        free=False,
        lead=3,
        price="政府指导价，湖北订单优先排产。",
        contacts=[_hotline("0373-8000 0101", "销售热线")],
        notes="长垣卫材企业联合供货，需提供医疗机构证明。",
    ),
    _offer(
        "xt-anhu-nonwoven",
        12,
        [
            _item("body.isolation_gown", "一次性隔离衣", 30000, Unit.GARMENT),
            _item(
                "body.protective_coverall",
                "医用防护服",
                5000,
                Unit.GARMENT,
                certs=("GB 19082-2009",),
            ),
        ],
        deliver=True,
        free=False,
        lead=2,
        price="平价，省内医院可赊账。",
        contacts=[_person("厂长 刘先生", "138 0000 4001")],
        notes="仙桃无纺布产业园复工，防护服产能受环氧乙烷灭菌周期（7 天解析）限制。",
    ),
    _offer(
        "zj-ruice-electronics",
        30,
        [
            _item(
                "devices.thermometer",
                "红外额温枪",
                3000,
                Unit.PIECE,
                certs=("CE", "FCC"),
            )
        ],
        deliver=True,
        free=False,
        lead=5,
        contacts=[_hotline("0571-8000 0201", "销售部")],
    ),
    _offer(
        "zj-yuhang-charity",
        36,
        [
            _item("disinfection.chlorine", "84消毒液", 500, Unit.BARREL, "5L/桶"),
            _item("disinfection.alcohol_75", "75%酒精", 5000, Unit.BOTTLE, "500ml/瓶"),
        ],
        deliver=True,
        free=True,
        lead=3,
        contacts=[_person("项目官员 叶女士", "138 0000 4401")],
        notes="基金会募集，统一发往湖北医院和社区，请在平台上登记需求后联系。",
        source=("基金会官网 2020-01-30 项目公告", "https://www.yhaixin.example/project/2020-01"),
    ),
    _offer(
        "zj-yuhang-charity",
        84,
        [
            _item("living.food", "方便食品", 1000, Unit.CARTON, "24 份/箱", pack=24, done=1000),
            _item("living.water", "饮用水", 2000, Unit.CARTON, "24 瓶/箱", pack=24, done=2000),
        ],
        deliver=True,
        free=True,
        contacts=[_person("项目官员 叶女士", "138 0000 4401")],
        status=_FULFILLED,
    ),
    _offer(
        "sh-overseas-alumni",
        44,
        [
            _item(
                "face.medical_respirator",
                "N95 医用防护口罩（海外采购）",
                20000,
                Unit.ITEM,
                "NIOSH N95 surgical respirators, overseas sourced",
                certs=("NIOSH N95", "FDA"),
            )
        ],
        deliver=True,
        free=True,
        lead=10,
        contacts=[_person("Coordinator 协调人 Amy", None, "Email: amy@oarn-relief.org")],
        notes=(
            "Donated by alumni in North America; customs clearance in Shanghai takes about "
            "3 days. 海关清关后由合作物流发往湖北医院。"
        ),
    ),
    _offer(
        "sh-overseas-alumni",
        20,
        [
            _item(
                "body.protective_coverall",
                "欧标防护服 (EU coveralls)",
                2000,
                Unit.GARMENT,
                "Type 4/5/6，EN 14126",
                certs=("EN 14126", "CE"),
            )
        ],
        deliver=True,
        free=True,
        lead=12,
        contacts=[_person("Coordinator 协调人 Amy", None, "Email: amy@oarn-relief.org")],
        notes=(
            "欧标防护服请接收医院先确认能否用于临床。"
            "Hospitals: please confirm you accept EN 14126 coveralls before we ship."
        ),
    ),
    _offer(
        "bj-tongxin-foundation",
        26,
        [
            _item("devices.oxygen_concentrator", "医用制氧机", 100, Unit.DEVICE, "5L/min"),
            _item("devices.ventilator", "无创呼吸机", 10, Unit.DEVICE, certs=("NMPA",)),
        ],
        deliver=True,
        free=True,
        lead=4,
        contacts=[_hotline("010-8000 0101")],
        source=("基金会官网 2020-02-02", "https://www.tongxin-gongyi.example/news/0202"),
    ),
    _offer(
        "bj-tongxin-foundation",
        8,
        [
            _item(
                "diagnostics.test_kit",
                "新型冠状病毒核酸检测试剂盒",
                200,
                Unit.BOX,
                "荧光 PCR 法，50 人份/盒，2–8℃ 保存",
                pack=50,
                certs=("NMPA",),
            )
        ],
        deliver=True,
        free=True,
        lead=2,
        contacts=[_hotline("010-8000 0101")],
        notes="优先捐给湖北地市和县级医院。需冷链运输。",
    ),
    _offer(
        "wh-jiangcheng-volunteers",
        32,
        [
            _item("living.heating", "暖宝宝", 2000, Unit.PACK, "10 片/包", pack=10),
            _item("living.heating", "小太阳电暖器", 50, Unit.DEVICE),
        ],
        deliver=True,
        free=True,
        lead=0,
        contacts=[_person("物资对接 小何", "138 0000 2201", "微信：jcvol-wuzi")],
        notes="武汉市内志愿车队可当天配送。",
    ),
    _offer(
        Donor("爱心人士 刘女士", Region("广东省", "深圳市", "龙岗区", "440307")),
        28,
        [
            _item(
                "face.surgical_mask",
                "医用外科口罩",
                100,
                Unit.BOX,
                "50 只/盒",
                pack=50,
                certs=("YY 0469-2011",),
            )
        ],
        deliver=False,
        free=True,
        contacts=[_person("刘女士", "138 0000 5101")],
        notes="个人购买，需要有物流帮忙运到湖北。",
    ),
    _offer(
        Donor(
            "Melbourne Chinese Students Volunteer Group 墨尔本留学生志愿者小组",
            Region("上海市", "上海市", "浦东新区", "310115"),
        ),
        58,
        [
            _item(
                "face.medical_respirator",
                "N95 respirators",
                3000,
                Unit.ITEM,
                "Bought in Australian pharmacies",
                certs=("TGA", "NIOSH N95"),
            ),
            _item("body.gloves", "Nitrile gloves 丁腈手套", 5000, Unit.PAIR, certs=("FDA",)),
        ],
        deliver=True,
        free=True,
        lead=6,
        contacts=[_person("Volunteer contact 小陈", None, "WeChat: mcsvg-demo")],
        notes="Shipping by air to Shanghai Pudong, then by road to Hubei. 需接收方提供收货地址。",
    ),
    _offer(
        Donor("个体菜农 王师傅", _hubei("孝感市", "孝南区", "420902")),
        16,
        [_item("living.food", "新鲜蔬菜（白菜、萝卜、土豆）", 5000, Unit.KILOGRAM)],
        deliver=True,
        free=True,
        lead=0,
        contacts=[_person("王师傅", "138 0000 5301")],
        notes="自家地里种的，可以开三轮车送到孝感城区医院和社区。",
    ),
    _offer(
        Donor("湖北老乡 陈先生", _hubei("十堰市", "茅箭区", "420302")),
        48,
        [_item("disinfection.alcohol_75", "75%酒精", 20, Unit.BARREL, "25L/桶")],
        deliver=True,
        free=True,
        lead=1,
        contacts=[_person("陈先生", "138 0000 5401")],
    ),
    _offer(
        Donor("退休医生 李医生", _hubei("宜昌市", "西陵区", "420502")),
        75,
        [_item("other.other", "紫外线消毒灯", 30, Unit.PIECE, "30W，家用移动式")],
        deliver=False,
        free=True,
        contacts=[_person("李医生", "138 0000 5501")],
        notes="可自取，也可由志愿者帮忙送到宜昌市内。",
    ),
    _offer(
        Donor("郑州某互联网公司员工自发捐赠", Region("河南省", "郑州市", "金水区", "410105")),
        66,
        [
            _item(
                "face.kn95_respirator",
                "KN95 口罩",
                8000,
                Unit.ITEM,
                certs=("GB 2626-2019",),
                done=3000,
            )
        ],
        deliver=True,
        free=True,
        lead=2,
        contacts=[_person("发起人 小赵", "138 0000 5601")],
        notes="已送出 3000 只给武汉社区，其余待分配。",
        status=_PARTIAL,
    ),
    _offer(
        Donor("潮汕籍在莞商户（个人联合）", Region("广东省", "东莞市", "虎门镇", "441900")),
        38,
        [_item("living.water", "矿泉水", 1500, Unit.CARTON, "24 瓶/箱", pack=24)],
        deliver=False,
        free=True,
        contacts=[_person("联系人 林先生", "138 0000 5701")],
        notes="需要湖北方向的货车帮忙运输，运费可承担一半。",
    ),
    _offer(
        "ha-kangda-weicai",
        100,
        [
            _item(
                "face.surgical_mask",
                "医用外科口罩",
                100000,
                Unit.ITEM,
                done=100000,
                certs=("YY 0469-2011",),
            )
        ],
        deliver=True,
        free=False,
        lead=1,
        contacts=[_hotline("0373-8000 0101", "销售热线")],
        notes="本批次已全部被湖北省内医院订走。",
        status=_FULFILLED,
    ),
)

# ---------------------------------------------------------------------------------------------
# Logistics offers (the entry's region is the origin)
# ---------------------------------------------------------------------------------------------

_V = VehicleType

_LOGISTICS: tuple[DemoEntry, ...] = (
    _logistics(
        "wh-jiusheng-logistics",
        9,
        _V.TRUCK,
        to=None,
        kg=10000,
        m3=55,
        contacts=[_person("调度 郑经理", "138 0000 2101")],
        notes="9.6 米厢式货车 6 辆，办理了应急运输通行证，武汉市内医院免费配送。",
    ),
    _logistics(
        "wh-jiusheng-logistics",
        27,
        _V.VAN,
        to=_hubei("黄冈市"),
        kg=1500,
        m3=8,
        contacts=[_hotline("400-000-2101", "调度中心")],
        notes="每天一趟武汉—黄冈，可顺路捎带到黄州、团风。",
    ),
    _logistics(
        "sh-shene-coldchain",
        21,
        _V.REFRIGERATED_TRUCK,
        to=_hubei("武汉市"),
        kg=8000,
        m3=40,
        cold=True,
        contacts=[_person("车队长 孔先生", "138 0000 4801")],
        notes="2–8℃ 冷链，适合检测试剂、疫苗、生物样本。Cold chain 2–8 °C, Shanghai to Wuhan.",
    ),
    _logistics(
        "gd-shuncheng-scm",
        33,
        _V.TRUCK,
        to=_hubei("武汉市"),
        kg=15000,
        m3=68,
        contacts=[_hotline("400-000-4301", "运力热线")],
        notes="深圳—武汉干线，免费承运捐赠物资，需提供捐赠证明。",
        source=("企业公众号 2020-01-27 公告", "https://www.shuncheng-scm.example/news/0127"),
    ),
    _logistics(
        "ha-zhongyuan-express",
        17,
        _V.TRUCK,
        to=Region(_HUBEI),
        kg=20000,
        m3=80,
        contacts=[_person("调度 牛经理", "138 0000 5001")],
        notes="郑州航空港集货，可送湖北全省，长垣卫材优先。",
    ),
    _logistics(
        "ha-zhongyuan-express",
        62,
        _V.VAN,
        to=_hubei("孝感市"),
        kg=2000,
        m3="10.5",
        free=False,
        contacts=[_hotline("0371-8000 0101", "调度中心")],
        notes="按成本价收取油费和过路费。",
    ),
    _logistics(
        Donor("志愿者司机 张师傅", _wuhan("江汉区")),
        4,
        _V.CAR,
        to=None,
        kg=200,
        m3=1,
        contacts=[_person("张师傅", "138 0000 6101")],
        notes="接送医护人员上下班，夜班也可以，江汉区、硚口区优先。",
    ),
    _logistics(
        Donor("武汉出租车志愿车队（召集人 刘师傅）", _wuhan("武昌区")),
        13,
        _V.CAR,
        to=None,
        kg=300,
        contacts=[_person("刘师傅", "138 0000 6201", "车队微信群可拉群对接")],
        notes="20 辆出租车，按社区分片为居民买药送菜、接送医护人员。",
        source=("武昌区某社区公众号 2020-01-28", None),
    ),
    _logistics(
        Donor("外卖骑手志愿者 小胡", _wuhan("洪山区")),
        2,
        _V.MOTORCYCLE,
        to=None,
        kg=30,
        contacts=[_person("小胡", "138 0000 6301")],
        notes="电动摩托，送小件药品和检测样本到洪山区医院。",
    ),
    _logistics(
        Donor("个体货车司机 黄师傅", Region("广东省", "东莞市", "长安镇", "441900")),
        47,
        _V.TRUCK,
        to=_hubei("黄冈市", "黄州区", "421102"),
        kg=8000,
        m3=45,
        free=False,
        contacts=[_person("黄师傅", "138 0000 6401")],
        notes="回老家黄冈，车空着，运费只收油钱。",
    ),
    _logistics(
        "zj-yuhang-charity",
        52,
        _V.TRUCK,
        to=_hubei("荆州市"),
        kg=12000,
        m3=60,
        contacts=[_person("项目官员 叶女士", "138 0000 4401")],
        notes="基金会包车，杭州—荆州，还有约一半空间可以拼车。",
    ),
    _logistics(
        "wh-jiangcheng-volunteers",
        35,
        _V.VAN,
        to=_hubei("咸宁市"),
        kg=1000,
        m3=6,
        contacts=[_person("物资对接 小何", "138 0000 2201")],
        notes="每周二、五往返武汉—咸宁，可捎带医用物资。",
    ),
)

# ---------------------------------------------------------------------------------------------
# Lodging for medical staff
# ---------------------------------------------------------------------------------------------

_FRONT_LINE = "援鄂医疗队及一线医护人员"

_LODGINGS: tuple[DemoEntry, ...] = (
    _lodging(
        "wh-hotel-jiangcheng",
        15,
        40,
        _FRONT_LINE + "，凭工作证入住",
        free=True,
        contacts=[_hotline("027-8000 1601", "前台")],
        notes="每日消毒，提供三餐；距江汉区人民医院步行 10 分钟。",
    ),
    _lodging(
        "wh-hotel-xuefu",
        24,
        60,
        "光谷片区医院的一线医护人员，不便回家以免感染家人者",
        free=True,
        contacts=[_hotline("027-8000 1701", "前台")],
        source=("酒店官网 2020-01-26 公告", "https://www.ggxuefu-hotel.example/news/0126"),
    ),
    _lodging(
        "wh-hotel-xuefu",
        98,
        0,
        _FRONT_LINE,
        free=True,
        contacts=[_hotline("027-8000 1701", "前台")],
        notes="第一批 80 间已住满，谢谢关注。",
        status=_FULFILLED,
    ),
    _lodging(
        "wh-hotel-chuhe",
        31,
        25,
        "一线医护人员及其随行家属",
        free=False,
        price="¥99/晚，含早餐；医护人员凭证件入住",
        contacts=[_hotline("027-8000 1801", "前台")],
    ),
    _lodging(
        "wh-hotel-zhongjiacun",
        11,
        30,
        "汉阳区各医院医护人员",
        free=True,
        contacts=[_person("店长 孙女士", "138 0000 1901")],
        notes="酒店已暂停对外营业，仅接待医护人员。",
    ),
    _lodging(
        "wh-hotel-linkong",
        6,
        80,
        _FRONT_LINE + "（整队入住优先）",
        free=True,
        contacts=[_hotline("027-8000 2001", "总台")],
        notes=(
            "靠近天河机场，可安排大巴接送。"
            "English: medical teams arriving at Tianhe airport can be picked up on request."
        ),
    ),
    _lodging(
        "hg-hotel-yiaihu",
        19,
        50,
        "在黄冈工作的援鄂医疗队、本地一线医护人员",
        free=True,
        contacts=[_hotline("0713-8000 301", "总台")],
        source=("黄冈市文旅局 2020-01-29 发布的接待酒店名单", None),
    ),
    _lodging(
        "xg-hotel-huaiyin",
        29,
        35,
        _FRONT_LINE,
        free=True,
        contacts=[_hotline("0712-8000 201", "总台")],
    ),
    _lodging(
        "jz-hotel-gucheng",
        42,
        20,
        "荆州市区定点医院医护人员",
        free=False,
        price="协议价 ¥120/晚，费用由医院统一结算",
        contacts=[_hotline("0716-8000 301", "总台")],
    ),
    _lodging(
        "es-hotel-qingjiang",
        57,
        30,
        "恩施州内一线医护人员及外地支援人员",
        free=True,
        contacts=[_hotline("0718-8000 201", "总台")],
        notes="提供洗衣和热餐服务。Hot meals and laundry provided.",
    ),
)


def _channel(
    by: str,
    age: float,
    bank: str,
    number: str,
    *,
    account_name: str,
    remittance: str,
    purpose: str,
    source: Source,
) -> DemoEntry:
    details = DonationChannelDetails(
        account_name=account_name,
        bank=bank,
        account_number=number,
        remittance_note=remittance,
        purpose=purpose,
    )
    # Demo accounts are placeholders: the notes say so wherever the channel is shown.
    return _entry(by, details, age, notes=_DEMO_ACCOUNT, source=source)


_DEMO_ACCOUNT = "演示数据，账号为虚构，请勿转账。Demo data: a made-up account, do not transfer."
_CHANNELS: tuple[DemoEntry, ...] = (
    _channel(
        "bj-tongxin-foundation",
        60,
        "示例银行北京朝阳支行",
        "6200 0000 0000 0101",
        account_name="北京朝阳同心公益基金会",
        remittance="湖北抗疫 + 姓名",
        purpose="为湖北一线医院采购医用防护物资",
        source=("基金会官网公告 2020-01-25", "https://www.tongxin-gongyi.example/notice/hubei"),
    ),
    _channel(
        "wh-jiangcheng-volunteers",
        30,
        "示例银行武汉中南路支行",
        "6200 0000 0000 0202",
        account_name="武汉江城公益志愿者协会",
        remittance="物资 + 手机号后四位",
        purpose="志愿者车队油费与社区物资",
        source=("协会公众号 2020-01-27", "https://www.jcvolunteer.example/donate"),
    ),
)

ENTRIES: tuple[DemoEntry, ...] = _NEEDS + _OFFERS + _LOGISTICS + _LODGINGS + _CHANNELS
