"""A third-party app posting published records to the hub, as written.

What it does not do matters as much as what it does: it cleans nothing. Phones, provinces and
cities go to the API exactly as the sheet had them, and a field the sheet leaves blank is left
out of the mutation, so that the hub, not the client, decides what they mean. The records are
those of tests/fixtures/published-2020.json (made by make_published_2020.py there); the real
2020 set that issue 17 is checked with has the same shape.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).parents[1] / "fixtures" / "published-2020.json"

# The record's kind: (mutation, its payload's field, the entry's region argument).
MUTATIONS = {
    "need": ("submitNeed", "need", "region"),
    "offer": ("submitOffer", "offer", "region"),
    "logistics": ("submitLogisticsOffer", "logisticsOffer", "origin"),
    "lodging": ("submitLodging", "lodging", "region"),
    "donation_channel": ("submitDonationChannel", "donationChannel", "region"),
}
# Detail fields a record may state, by kind: each goes into the input only when stated.
STATED = {
    "need": ("urgency",),
    "offer": ("canDeliver", "isFree"),
    "logistics": ("vehicleType", "isFree"),
    "lodging": ("roomsAvailable", "isFree", "eligibility"),
    "donation_channel": ("accountName", "bank", "accountNumber", "remittanceNote", "purpose"),
}
INPUT_TYPES = {
    "need": "SubmitNeedInput",
    "offer": "SubmitOfferInput",
    "logistics": "SubmitLogisticsOfferInput",
    "lodging": "SubmitLodgingInput",
    "donation_channel": "SubmitDonationChannelInput",
}
_COMMON_FIELDS = """
  id verificationStatus address notes
  region { province city district adminCode }
  contacts { name phone otherChannel redacted }
"""
_ITEMS = "items { categoryCode name quantity quantityUnknown unit }"
_REGION = "{ province city district adminCode }"
KIND_FIELDS = {
    "need": f"urgency {_ITEMS}",
    "offer": f"canDeliver isFree {_ITEMS}",
    "logistics": f"vehicleType isFree destination {_REGION}",
    "lodging": "roomsAvailable isFree eligibility",
    "donation_channel": "accountName bank remittanceNote purpose",
}


def load(path: Path = FIXTURE) -> list[dict[str, Any]]:
    """The published records of a file."""
    records: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return records


def _region(place: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in place.items() if value is not None}


def submission(record: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The mutation and variables that post `record` as written."""
    kind = record["kind"]
    mutation, payload_field, region_name = MUTATIONS[kind]
    region = _region(record["region"])
    data: dict[str, Any] = {
        region_name: region,
        "organization": {**record["organization"], "region": region},
    }
    if record.get("address"):
        data["address"] = record["address"]
    if record.get("notes"):
        data["notes"] = record["notes"]
    if record.get("source"):
        data["source"] = {"url": record["source"]}
    contact = record.get("contact")
    if contact:
        data["contacts"] = [{k: v for k, v in contact.items() if v is not None}]
    if "items" in record:
        data["items"] = [
            {
                "categoryCode": item["categoryCode"],
                "name": item["name"],
                "unit": item["unit"],
                **(
                    {"quantity": item["quantity"]}
                    if item["quantity"] is not None
                    else {"quantityUnknown": True}
                ),
            }
            for item in record["items"]
        ]
    if kind == "logistics" and record.get("destination"):
        data["destination"] = _region(record["destination"])
    for name in STATED[kind]:
        if record.get(name) is not None:
            data[name] = record[name]
    query = f"""
      mutation Post($input: {INPUT_TYPES[kind]}!) {{
        {mutation}(input: $input) {{
          {payload_field} {{ {_COMMON_FIELDS} {KIND_FIELDS[kind]} }}
          userErrors {{ field code message }}
        }}
      }}
    """
    return query, {"input": data}


def answer(record: Mapping[str, Any], body: Mapping[str, Any]) -> dict[str, Any]:
    """The mutation's payload for `record` in a response body."""
    mutation, _, _ = MUTATIONS[record["kind"]]
    payload: dict[str, Any] = body["data"][mutation]
    return payload


def entry_of(record: Mapping[str, Any], payload: Mapping[str, Any]) -> dict[str, Any] | None:
    """The entry a payload holds, None when the record was refused."""
    _, field, _ = MUTATIONS[record["kind"]]
    entry: dict[str, Any] | None = payload.get(field)
    return entry


def invented(record: Mapping[str, Any], entry: Mapping[str, Any]) -> list[str]:
    """The fields the hub answers with a value that the record did not state, or with another
    value than it stated (an "unknown" made into a guess)."""
    found = []
    for name in STATED[record["kind"]]:
        stated = record.get(name)
        if name == "accountNumber":
            continue  # Masked until verified: compared by the export tests, not here.
        if entry.get(name) != stated:
            found.append(f"{name}: stated {stated!r}, answered {entry.get(name)!r}")
    if "items" in record:
        answered = entry.get("items") or []
        if len(answered) != len(record["items"]):
            found.append(f"items: stated {len(record['items'])}, answered {len(answered)}")
        for stated_item, item in zip(record["items"], answered, strict=False):
            if stated_item["quantity"] is None and not item["quantityUnknown"]:
                found.append(f"items.quantity: unknown answered as {item['quantity']!r}")
            elif stated_item["quantity"] is not None and item["quantity"] != float(
                stated_item["quantity"]
            ):
                found.append(f"items.quantity: {stated_item['quantity']} as {item['quantity']}")
    unstated_destination = record["kind"] == "logistics" and not record.get("destination")
    if unstated_destination and entry.get("destination") is not None:
        found.append(f"destination: none stated, answered {entry['destination']!r}")
    if not record.get("contact") and entry.get("contacts"):
        found.append(f"contacts: none stated, answered {len(entry['contacts'])}")
    return found


def main() -> None:
    """Posts a file of published records to a running hub and prints what came back:
    `python -m tests.realdata.client FILE --url http://127.0.0.1:8000/graphql [--token T]`.
    On a hub of one's own, HUB_RATE_LIMITS=0 lets one client post hundreds in a row."""
    import argparse
    from collections import Counter

    import httpx

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("file", type=Path, nargs="?", default=FIXTURE)
    parser.add_argument("--url", default="http://127.0.0.1:8000/graphql")
    parser.add_argument("--token", help="an API token with the WRITE scope")
    args = parser.parse_args()
    headers = {"authorization": f"Bearer {args.token}"} if args.token else {}
    records = load(args.file)
    accepted = 0
    refusals: Counter[str] = Counter()
    guesses: list[str] = []
    with httpx.Client(headers=headers, timeout=30) as http:
        for record in records:
            query, variables = submission(record)
            body = http.post(args.url, json={"query": query, "variables": variables}).json()
            if "errors" in body:
                refusals.update(e.get("extensions", {}).get("code", "?") for e in body["errors"])
                continue
            payload = answer(record, body)
            entry = entry_of(record, payload)
            if entry is None:
                refusals.update(f"{e['field']} {e['code']}" for e in payload["userErrors"])
                continue
            accepted += 1
            guesses += [f"{record.get('id', '?')} {g}" for g in invented(record, entry)]
    print(f"accepted as written: {accepted}/{len(records)} ({accepted / len(records):.1%})")
    print(f"invented values: {len(guesses)}")
    for guess in guesses:
        print(f"  {guess}")
    for reason, count in refusals.most_common():
        print(f"  refused: {reason} x{count}")


if __name__ == "__main__":
    main()
