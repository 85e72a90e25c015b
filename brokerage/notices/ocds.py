"""What the brokerage reads from a procurement's compiled release (OCDS 1.1 with the UK
profile's fields), as plain values. Pure: no Flask, no database.

Find a Tender gives each notice's type on its document (`documents[].noticeType`: UK1 ...
UK17); Contracts Finder gives none, so its release's tag says the stage instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any

import ocdsmerge

# Procurement Act 2023 notices (Find a Tender), by what the brokerage does with them.
OPPORTUNITY_TYPES = frozenset({"UK1", "UK2", "UK3", "UK4"})
AWARD_TYPES = frozenset({"UK6", "UK7"})
WITHDRAWN_TYPES = frozenset({"UK12"})
KNOWN_TYPES = frozenset(f"UK{n}" for n in range(1, 18))
# Contracts Finder's stages, from a release's tag (its documents carry no notice type).
TAG_STAGES = {
    "planning": "Contracts Finder pipeline",
    "tender": "Contracts Finder opportunity",
    "tenderAmendment": "Contracts Finder opportunity",
    "tenderUpdate": "Contracts Finder opportunity",
    "award": "Contracts Finder award",
    "awardUpdate": "Contracts Finder award",
    "contract": "Contracts Finder award",
    "tenderCancellation": "Contracts Finder withdrawn",
}
CF_OPPORTUNITY = "Contracts Finder opportunity"
CF_PIPELINE = "Contracts Finder pipeline"
CF_AWARD = "Contracts Finder award"
CF_WITHDRAWN = "Contracts Finder withdrawn"
ENDED_STATUSES = frozenset({"cancelled", "withdrawn", "unsuccessful"})
# Arrays of objects without ids that the UK profile's extensions add: merged as a whole
# list, as the OCDS merging rules say for such arrays (ocdsmerge derives the same rule
# when it reads them in an extended schema).
EXTENSION_RULES = {
    ("tender", "deliveryAddresses"): "wholeListMerge",
    ("tender", "items", "deliveryAddresses"): "wholeListMerge",
    ("tender", "awardCriteria", "criteria"): "wholeListMerge",
    ("tender", "lots", "awardCriteria", "criteria"): "wholeListMerge",
}
SOCIAL_VALUE_WORDS = "social value"


class NoticeInvalid(ValueError):
    """A release that cannot be read as a notice; the message names the field."""


@cache
def merger() -> ocdsmerge.Merger:
    """ocdsmerge with the OCDS 1.1.5 merge rules shipped in data/ (never fetched)."""
    text = resources.files(__package__).joinpath("data/merge-rules-1.1.5.json").read_text()
    rules = {tuple(path.split(".")): rule for path, rule in json.loads(text)["rules"].items()}
    return ocdsmerge.Merger(merge_rules={**rules, **EXTENSION_RULES})


def compile_releases(releases: list[dict[str, Any]]) -> dict[str, Any]:
    try:
        return merger().create_compiled_release(releases)
    except ocdsmerge.exceptions.OCDSMergeError as error:
        raise NoticeInvalid(str(error)) from None


def release_key(release: dict[str, Any]) -> str:
    """What tells releases apart: the release id, or (none given) its whole content."""
    return str(release.get("id") or json.dumps(release, sort_keys=True))


# Small readers ----------------------------------------------------------------------


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in _list(value) if isinstance(item, dict)]


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def parse_day(value: Any, where: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return datetime.fromisoformat(str(value)).date()
    except ValueError:
        raise NoticeInvalid(f"{where} is {str(value)[:40]!r}, not a date.") from None


def pence(value: Any, where: str) -> int | None:
    """A Value object's amount (else its amountGross) in pence; None for no amount or a
    currency other than pounds."""
    value = as_dict(value)
    amount = value.get("amount", value.get("amountGross"))
    if amount is None or value.get("currency", "GBP") != "GBP":
        return None
    if isinstance(amount, bool) or not isinstance(amount, int | float):
        raise NoticeInvalid(f"{where}.amount is {str(amount)[:40]!r}, not a number.")
    try:
        return int((Decimal(str(amount)) * 100).to_integral_value())
    except InvalidOperation:
        raise NoticeInvalid(f"{where}.amount is {amount!r}, not a number.") from None


def org_ids(party: dict[str, Any]) -> list[str]:
    """The party's identifiers as org-ids (GB-COH-01234567), its own first."""
    found = []
    for identifier in [
        as_dict(party.get("identifier")),
        *_dicts(party.get("additionalIdentifiers")),
    ]:
        scheme, number = _text(identifier.get("scheme")), _text(str(identifier.get("id") or ""))
        if scheme and number:
            found.append(f"{scheme}-{number}")
    party_id = _text(str(party.get("id") or ""))
    if party_id.startswith("GB-CFS-"):  # Contracts Finder's own supplier and buyer ids
        found.append(party_id)
    return list(dict.fromkeys(found))


# Notice types -----------------------------------------------------------------------


def notice_type_of(release: dict[str, Any]) -> str | None:
    """The type of the notice this release is: its documents' noticeType, else (Contracts
    Finder) its tag's stage. NoticeInvalid for a type the brokerage does not know."""
    written = [
        _text(document.get("noticeType"))
        for document in _documents(release)
        if _text(document.get("noticeType"))
    ]
    if written:
        notice_type = written[-1].upper()
        if notice_type not in KNOWN_TYPES:
            raise NoticeInvalid(
                f"release {str(release.get('id'))[:40]} is a notice of type "
                f"{written[-1][:20]!r}, which is not a Procurement Act notice (UK1 to UK17)."
            )
        return notice_type
    tags = [tag for tag in _list(release.get("tag")) if tag in TAG_STAGES]
    return TAG_STAGES[tags[-1]] if tags else None


def _documents(release: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from _dicts(as_dict(release.get("planning")).get("documents"))
    yield from _dicts(as_dict(release.get("tender")).get("documents"))
    for section in ("awards", "contracts"):
        for entry in _dicts(release.get(section)):
            yield from _dicts(entry.get("documents"))


# The procurement ---------------------------------------------------------------------


@dataclass(frozen=True)
class Party:
    id: str
    name: str
    org_ids: tuple[str, ...]
    postcode: str
    region: str
    email: str
    website: str
    scale: str  # "sme", "large" or "" (not said)
    vcse: bool | None


@dataclass(frozen=True)
class Criterion:
    name: str
    description: str
    weight_percent: Decimal | None


@dataclass(frozen=True)
class AwardFacts:
    award_id: str
    status: str
    supplier_ids: tuple[str, ...]
    supplier_names: tuple[str, ...]
    value_pence: int | None
    awarded_on: date | None
    starts_on: date | None
    ends_on: date | None


@dataclass(frozen=True)
class NoticeFacts:
    ocid: str
    notice_types: tuple[str, ...]  # every release's, in date order
    title: str
    description: str
    notice_url: str
    value_pence: int | None
    deadline: date | None
    starts_on: date | None
    ends_on: date | None
    delivery_postcodes: tuple[str, ...]
    cpv_codes: tuple[str, ...]
    suitable_for_sme: bool | None
    suitable_for_vcse: bool | None
    criteria: tuple[Criterion, ...]
    buyer: Party | None
    parties: dict[str, Party] = field(default_factory=dict)
    awards: tuple[AwardFacts, ...] = ()
    tender_status: str = ""

    @property
    def notice_type(self) -> str:
        return self.notice_types[-1] if self.notice_types else "unknown"

    @property
    def seeks_suppliers(self) -> bool:
        """A pipeline, planning or tender notice was published: something to bid for."""
        wanted = OPPORTUNITY_TYPES | {CF_OPPORTUNITY, CF_PIPELINE}
        return any(t in wanted for t in self.notice_types)

    @property
    def is_withdrawn(self) -> bool:
        return (
            any(t in WITHDRAWN_TYPES | {CF_WITHDRAWN} for t in self.notice_types)
            or self.tender_status in ENDED_STATUSES
        )


def buyer_of(facts: NoticeFacts) -> Party:
    """The procurement's buyer; NoticeInvalid for one that names none."""
    if facts.buyer is None:
        raise NoticeInvalid("it names no buyer (no party with the role buyer).")
    return facts.buyer


def read_notice(releases: list[dict[str, Any]]) -> NoticeFacts:
    """Merge the releases of one procurement and read what the brokerage keeps."""
    ordered = sorted(releases, key=lambda r: str(r.get("date") or ""))
    types = tuple(t for t in (notice_type_of(r) for r in ordered) if t)
    compiled = compile_releases(ordered)
    tender = as_dict(compiled.get("tender"))
    parties = {party.id: party for party in _parties(compiled)}
    buyer_ref = as_dict(compiled.get("buyer"))
    buyer = parties.get(str(buyer_ref.get("id"))) or next(
        (p for p in _parties(compiled, role="buyer")), None
    )
    contract = as_dict(tender.get("contractPeriod"))
    return NoticeFacts(
        ocid=str(compiled["ocid"]),
        notice_types=types,
        title=_text(tender.get("title")) or _text(as_dict(compiled.get("planning")).get("title")),
        description=str(tender.get("description") or "").strip(),
        notice_url=_notice_url(ordered),
        value_pence=pence(tender.get("value"), "tender.value"),
        deadline=parse_day(
            as_dict(tender.get("tenderPeriod")).get("endDate"), "tenderPeriod.endDate"
        ),
        starts_on=parse_day(contract.get("startDate"), "tender.contractPeriod.startDate"),
        ends_on=parse_day(contract.get("endDate"), "tender.contractPeriod.endDate"),
        delivery_postcodes=tuple(
            _text(a.get("postalCode"))
            for a in delivery_addresses(compiled)
            if _text(a.get("postalCode"))
        ),
        cpv_codes=tuple(_cpv_codes(tender)),
        suitable_for_sme=_suitability(tender, "sme"),
        suitable_for_vcse=_suitability(tender, "vcse"),
        criteria=tuple(_social_value_criteria(tender)),
        buyer=buyer,
        parties=parties,
        awards=tuple(_awards(compiled, parties)),
        tender_status=_text(tender.get("status")).lower(),
    )


def delivery_addresses(release: dict[str, Any]) -> list[dict[str, Any]]:
    tender = as_dict(release.get("tender"))
    addresses = _dicts(tender.get("deliveryAddresses"))
    for item in _dicts(tender.get("items")):
        addresses += _dicts(item.get("deliveryAddresses"))
        addresses += [as_dict(item.get("deliveryAddress"))] if item.get("deliveryAddress") else []
    return addresses


def _parties(release: dict[str, Any], role: str | None = None) -> Iterator[Party]:
    for party in _dicts(release.get("parties")):
        if role is not None and role not in _list(party.get("roles")):
            continue
        address, contact, details = (
            as_dict(party.get(key)) for key in ("address", "contactPoint", "details")
        )
        vcse = details.get("vcse")
        yield Party(
            id=str(party.get("id") or ""),
            name=_text(party.get("name"))
            or _text(as_dict(party.get("identifier")).get("legalName")),
            org_ids=tuple(org_ids(party)),
            postcode=_text(address.get("postalCode")),
            region=_text(address.get("region")),
            email=_text(contact.get("email")).lower(),
            website=_text(details.get("url") or contact.get("url")),
            scale=_text(details.get("scale")).lower(),
            vcse=vcse if isinstance(vcse, bool) else None,
        )


def buyer_party(release: dict[str, Any]) -> dict[str, Any]:
    """The raw party the release names as its buyer (for the area check)."""
    buyer_id = as_dict(release.get("buyer")).get("id")
    for party in _dicts(release.get("parties")):
        if (buyer_id and party.get("id") == buyer_id) or "buyer" in _list(party.get("roles")):
            return party
    return {}


def _notice_url(releases: list[dict[str, Any]]) -> str:
    """The latest notice's page: a document with a notice type, else a tender notice."""
    url = ""
    for release in releases:
        for document in _documents(release):
            link = _text(document.get("url"))
            if link.startswith("https://") and (
                document.get("noticeType") or document.get("documentType") == "tenderNotice"
            ):
                url = link
    return url[:500]


def _classifications(entry: dict[str, Any]) -> Iterable[dict[str, Any]]:
    yield as_dict(entry.get("classification"))
    yield from _dicts(entry.get("additionalClassifications"))


def _cpv_codes(tender: dict[str, Any]) -> Iterator[str]:
    seen = set()
    for entry in [tender, *_dicts(tender.get("items"))]:
        for classification in _classifications(entry):
            code = _text(str(classification.get("id") or ""))
            if _text(classification.get("scheme")).upper() == "CPV" and code and code not in seen:
                seen.add(code)
                yield code


def _suitability(tender: dict[str, Any], kind: str) -> bool | None:
    said = [
        as_dict(entry.get("suitability")).get(kind)
        for entry in [tender, *_dicts(tender.get("lots"))]
    ]
    said = [value for value in said if isinstance(value, bool)]
    return any(said) if said else None


def _social_value_criteria(tender: dict[str, Any]) -> Iterator[Criterion]:
    for entry in [tender, *_dicts(tender.get("lots"))]:
        for criterion in _dicts(as_dict(entry.get("awardCriteria")).get("criteria")):
            name = _text(criterion.get("name"))
            description = _text(criterion.get("description"))
            if SOCIAL_VALUE_WORDS in f"{name} {description}".lower():
                yield Criterion(name or "Social value", description, _weight(criterion))


def _weight(criterion: dict[str, Any]) -> Decimal | None:
    """The criterion's share of the score in per cent, when the notice states one."""
    for number in _dicts(criterion.get("numbers")):
        value, kind = number.get("number"), number.get("weight")
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        percent = Decimal(str(value)) * (100 if kind == "decimalExact" else 1)
        if kind in ("percentageExact", "decimalExact") and 0 <= percent <= 100:
            return percent
    return None


def _awards(release: dict[str, Any], parties: dict[str, Party]) -> Iterator[AwardFacts]:
    for index, award in enumerate(_dicts(release.get("awards"))):
        where = f"awards[{index}]"
        suppliers = _dicts(award.get("suppliers"))
        period = as_dict(award.get("contractPeriod"))
        yield AwardFacts(
            award_id=_text(str(award.get("id") or index))[:120],
            status=_text(award.get("status")).lower()[:20],
            supplier_ids=tuple(str(s.get("id") or "") for s in suppliers),
            supplier_names=tuple(
                _text(s.get("name")) or getattr(parties.get(str(s.get("id"))), "name", "")
                for s in suppliers
            ),
            value_pence=pence(award.get("value"), f"{where}.value"),
            awarded_on=parse_day(award.get("date"), f"{where}.date"),
            starts_on=parse_day(period.get("startDate"), f"{where}.contractPeriod.startDate"),
            ends_on=parse_day(period.get("endDate"), f"{where}.contractPeriod.endDate"),
        )
