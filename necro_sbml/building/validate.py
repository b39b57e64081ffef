"""libsbml consistency checks (all categories, units included) as a ValidationReport."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import libsbml

from necro_sbml.core.errors import NecroSbmlError
from necro_sbml.core.xmlguard import checked_xml, read_xml

CHECK_CATEGORIES: tuple[int, ...] = (
    libsbml.LIBSBML_CAT_GENERAL_CONSISTENCY,
    libsbml.LIBSBML_CAT_IDENTIFIER_CONSISTENCY,
    libsbml.LIBSBML_CAT_UNITS_CONSISTENCY,
    libsbml.LIBSBML_CAT_MATHML_CONSISTENCY,
    libsbml.LIBSBML_CAT_SBO_CONSISTENCY,
    libsbml.LIBSBML_CAT_OVERDETERMINED_MODEL,
    libsbml.LIBSBML_CAT_MODELING_PRACTICE,
)
UNIT_CATEGORIES = frozenset({libsbml.LIBSBML_CAT_UNITS_CONSISTENCY, libsbml.LIBSBML_CAT_STRICT_UNITS_CONSISTENCY})
ERROR_SEVERITIES = frozenset({libsbml.LIBSBML_SEV_ERROR, libsbml.LIBSBML_SEV_FATAL, libsbml.LIBSBML_SEV_SCHEMA_ERROR})
# libsbml issue ids deliberately left out of the report, with the reason; each is counted in the summary.
FILTERED: dict[int, str] = {}


@dataclass(frozen=True)
class Issue:
    """One libsbml diagnostic."""

    severity: str
    error_id: int
    category: str
    line: int
    message: str
    is_error: bool
    is_unit: bool

    def format(self) -> str:
        """One readable line: severity, libsbml id, category, line, message."""
        return f"line {self.line}: {self.severity} {self.error_id} [{self.category}] {' '.join(self.message.split())}"


@dataclass
class ValidationReport:
    """All diagnostics of one document, split into errors, unit warnings and other warnings."""

    source: str
    issues: list[Issue]
    filtered: dict[int, int] = field(default_factory=dict)

    @property
    def errors(self) -> list[Issue]:
        """Errors and fatal errors, whatever their category."""
        return [i for i in self.issues if i.is_error]

    @property
    def unit_warnings(self) -> list[Issue]:
        """Non-error diagnostics of the unit consistency checks."""
        return [i for i in self.issues if i.is_unit and not i.is_error]

    @property
    def warnings(self) -> list[Issue]:
        """All other non-error diagnostics (modelling practice, SBO, ...)."""
        return [i for i in self.issues if not i.is_unit and not i.is_error]

    @property
    def ok(self) -> bool:
        """True when there are no errors and no unit warnings."""
        return not self.errors and not self.unit_warnings

    def summary(self) -> str:
        """One line of counts, naming the filtered issue classes."""
        text = (
            f"{self.source}: {len(self.errors)} errors, {len(self.unit_warnings)} unit warnings, "
            f"{len(self.warnings)} other warnings"
        )
        if self.filtered:
            text += "; filtered: " + ", ".join(f"{n} x {i} ({FILTERED[i]})" for i, n in sorted(self.filtered.items()))
        return text

    def format(self) -> str:
        """Readable multi-line report: summary, then each issue by group."""
        lines = [self.summary()]
        for title, group in (("errors", self.errors), ("unit warnings", self.unit_warnings), ("warnings", self.warnings)):
            if group:
                lines.append(f"{title}:")
                lines.extend(f"  {issue.format()}" for issue in group)
        return "\n".join(lines)


def _issue(err: libsbml.SBMLError) -> Issue:
    """An Issue from a libsbml SBMLError."""
    return Issue(
        severity=err.getSeverityAsString(),
        error_id=err.getErrorId(),
        category=err.getCategoryAsString(),
        line=err.getLine(),
        message=err.getMessage(),
        is_error=err.getSeverity() in ERROR_SEVERITIES,
        is_unit=err.getCategory() in UNIT_CATEGORIES,
    )


def read_document(path: Path) -> libsbml.SBMLDocument:
    """Read an SBML file with libsbml, as an error when missing or unreadable."""
    return libsbml.readSBMLFromString(read_xml(path, "SBML"))


def _collect(doc: libsbml.SBMLDocument, report: ValidationReport) -> None:
    """Move the document's current diagnostics into the report (dropping only FILTERED ids, counted)."""
    for index in range(doc.getNumErrors()):
        issue = _issue(doc.getError(index))
        if issue.error_id in FILTERED and not issue.is_error:
            report.filtered[issue.error_id] = report.filtered.get(issue.error_id, 0) + 1
        else:
            report.issues.append(issue)
    doc.getErrorLog().clearLog()


def validate_sbml(source: str | Path | bytes | libsbml.SBMLDocument, name: str | None = None) -> ValidationReport:
    """Run libsbml's read, internal and full consistency checks (units included) on a file, XML bytes or document."""
    if isinstance(source, libsbml.SBMLDocument):
        doc, name = source.clone(), name or "<document>"
        doc.getErrorLog().clearLog()
    elif isinstance(source, bytes):
        name = name or "<sbml>"
        doc = libsbml.readSBMLFromString(checked_xml(source, name, "SBML"))
    else:
        doc, name = read_document(Path(source)), str(source)
    report = ValidationReport(name, [])
    _collect(doc, report)  # reading errors
    doc.checkInternalConsistency()
    _collect(doc, report)
    for category in CHECK_CATEGORIES:
        doc.setConsistencyChecks(category, True)
    doc.checkConsistency()
    _collect(doc, report)
    return report
