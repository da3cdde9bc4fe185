"""What an import reports: errors by sheet, row and column, counts per sheet, what it created."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class LedgerError:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self):
        where = _("sheet %(sheet)s, row %(row)d") % {"sheet": self.sheet, "row": self.row}
        if self.column:
            where += _(", column %(column)s") % {"column": self.column}
        return f"{where}: {self.message}"


@dataclass
class SheetCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ImportResult:
    counts: dict[str, SheetCounts] = field(default_factory=dict)
    errors: list[LedgerError] = field(default_factory=list)
    school_years_created: list[str] = field(default_factory=list)
    schools_created: list[str] = field(default_factory=list)
    users_created: list[str] = field(default_factory=list)
    unread: list = field(default_factory=list)  # names.Unread: sheets and columns the import does not read
    dry_run: bool = True
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changes(self) -> int:
        return sum(c.created + c.updated for c in self.counts.values())

    def as_dict(self) -> dict:
        return {
            "counts": {name: {"created": c.created, "updated": c.updated, "unchanged": c.unchanged}
                       for name, c in self.counts.items()},
            "school_years_created": self.school_years_created,
            "schools_created": self.schools_created,
            "users_created": len(self.users_created),
            "errors": len(self.errors),
            "unread": [str(item) for item in self.unread],
        }

    def summary_lines(self) -> list[str]:
        lines = [
            _("%(sheet)s: %(created)d to create, %(updated)d to update, %(unchanged)d unchanged")
            % {"sheet": name, "created": c.created, "updated": c.updated, "unchanged": c.unchanged}
            for name, c in self.counts.items()
        ]
        if self.school_years_created:
            lines.append(_("New school years (default calendar): %(years)s")
                         % {"years": "、".join(self.school_years_created)})
        if self.schools_created:
            lines.append(_("New schools: %(count)d") % {"count": len(self.schools_created)})
        if self.users_created:
            lines.append(_("New logins for teachers (no password yet; an administrator sets it): %(count)d")
                         % {"count": len(self.users_created)})
        return lines


class LedgerFileError(Exception):
    """The file as a whole cannot be read (not a workbook, damaged). The message is for the person."""
