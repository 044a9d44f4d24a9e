"""What an import will write: one plan per entry or organization, with its rows' problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from hub.domain.imports.problems import RowProblem
from hub.domain.model import EntryDraft, OrganizationDraft
from hub.domain.taxonomy import SupplyCategory


@dataclass(frozen=True)
class ImportContext:
    """What planning needs besides the rows: the taxonomy (current categories by code), the
    day it is (for dates without a year), the file's name and a source text for every row."""

    categories: dict[str, SupplyCategory]
    today: date
    file_name: str
    source: str | None = None


@dataclass(frozen=True)
class OrganizationRef:
    """The organization an entry names: found by id or by name and province, else created."""

    draft: OrganizationDraft
    given_id: UUID | None = None

    @property
    def key(self) -> tuple[str, str]:
        """Name and province: how an import recognises an organization it has met before."""
        return self.draft.name.strip(), self.draft.region.province.strip()


@dataclass
class EntryPlan:
    """One entry to write, from one or more rows (one per supply item)."""

    rows: tuple[int, ...]
    draft: EntryDraft
    organization: OrganizationRef | None
    given_id: UUID | None = None
    problems: list[RowProblem] = field(default_factory=list)
    sheet_updated_at: datetime | None = None

    @property
    def valid(self) -> bool:
        """No problem stops it."""
        return not self.problems


@dataclass
class OrganizationPlan:
    """One organization to register, from one row."""

    rows: tuple[int, ...]
    draft: OrganizationDraft
    given_id: UUID | None = None
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """No problem stops it."""
        return not self.problems

    @property
    def key(self) -> tuple[str, str]:
        """Name and province (see OrganizationRef.key)."""
        return self.draft.name.strip(), self.draft.region.province.strip()


@dataclass
class Plan:
    """Everything a file says, checked: plans, and notes that stop nothing (warnings)."""

    entries: list[EntryPlan] = field(default_factory=list)
    organizations: list[OrganizationPlan] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    rows: int = 0

    @property
    def records(self) -> list[EntryPlan | OrganizationPlan]:
        """Every plan, in file order."""
        return [*self.entries, *self.organizations]
