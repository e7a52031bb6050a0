"""The private PDFs (docs/declaration.md, "The PDFs"): the CPD Declaration, the CPD Activity and
Planning Reports of a review year, and the CV.

Each PDF is an HTML document rendered from the Jinja templates in
`site_templates/pdf/` (the member may override any of them by name) and
printed by WeasyPrint. The HTML goes through the same template environment
as the site (`render.templating`: autoescape, Markdown sanitised by
`render.markup`), and WeasyPrint may load nothing but cpdgen's own assets
(`render.pdf_assets`). These documents carry private data, so they are made
from all the records, private ones included, and go only to output/private/.

Output is deterministic: the same records, templates and date give the same
bytes (the document dates come from the data, the PDF identifier is a hash of
the content), so a build reuses a PDF whose key has not changed.

WeasyPrint is imported only inside `render_pdf`: `cpdgen --help` and
`cpdgen validate` never pay for it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any

from cpdgen.common.errors import UserError
from cpdgen.compute.checklist import SECTIONS, DeclarationStatus, year_status
from cpdgen.compute.competences import competence_coverage
from cpdgen.compute.cv import employment_order, study_order
from cpdgen.compute.digest import combined_digest, declaration_records, record_digests
from cpdgen.compute.documents import DECLARATION_PDF, generated_file
from cpdgen.compute.hours import category_rows, year_hours
from cpdgen.compute.reports import activity_report, planning_report
from cpdgen.compute.year import default_year, shown_employment, shown_qualifications
from cpdgen.loading.evidence import EvidenceFile
from cpdgen.loading.evidence import read_evidence as read_evidence_file
from cpdgen.model.documents import GENERATE, DocumentFacts
from cpdgen.model.policy import Policy
from cpdgen.model.records import Declaration, Profile, Records, Source, Training, as_data
from cpdgen.render.pdf_assets import ASSETS, PdfAssets

InspectDocuments = Callable[[Iterable[str]], Mapping[str, DocumentFacts]]

# Bump when the way PDFs are made changes beyond the templates (the cache key).
PDF_FORMAT = "cpdgen-pdf-1"
PDF_VARIANT = "pdf/a-3b"  # archival; composes with the declaration's attachment (PDF/A-3)
LANG = "en-GB"
ATTACHMENT_FORMAT = "cpdgen-declaration-1"
TOC_MIN_ENTRIES = 8  # a report with more entries than this gets a table of contents
CV = "cv"
ACTIVITY_REPORT = "activity_report"
PLANNING_REPORT = "planning_report"
PRIVATE_PREFIX = "private"  # generated_file() names are below output/private/

TEMPLATES = {
    DECLARATION_PDF: f"{ASSETS}/declaration.html",
    ACTIVITY_REPORT: f"{ASSETS}/activity-report.html",
    PLANNING_REPORT: f"{ASSETS}/planning-report.html",
    CV: f"{ASSETS}/cv.html",
}


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes
    description: str
    mime_type: str = "application/json"
    relationship: str = "Data"  # PDF/A-3's AFRelationship: Data (the year as data), Supplement (evidence)


# Evidence files travel inside the PDFs that show them (the CPD Activity
# Report, and the declaration whose appendix A it is) while together they
# take at most this share of the body's upload limit, so the PDF stays
# uploadable; the others are listed with their size and SHA-256.
EVIDENCE_SHARE = 0.5


@dataclass(frozen=True)
class EvidenceShown:
    """An evidence file as a PDF shows it."""

    path: str  # as the record names it
    name: str  # the file's name, as attached
    size: int
    sha256: str
    attached: bool
    problem: str | None = None


@dataclass(frozen=True)
class YearEvidence:
    files: tuple[EvidenceShown, ...]  # in the order the report first names them
    attachments: tuple[Attachment, ...]
    budget: int  # bytes the attached files may take

    def of(self, path: str) -> EvidenceShown | None:
        return next((file for file in self.files if file.path == path), None)


@dataclass(frozen=True)
class PdfJob:
    """One PDF to make: its HTML and what goes with it."""

    document: str  # a key of TEMPLATES
    year: int | None  # None for the CV
    html: str
    dated: date  # the document's date (PDF CreationDate/ModDate, the attachment's dates)
    attachments: tuple[Attachment, ...] = ()

    @property
    def output_name(self) -> str:
        """Below output/, e.g. private/cpd-declaration-2025.pdf."""
        return generated_file(self.document, self.year or 0)

    @property
    def private_name(self) -> str:
        """Below output/private/."""
        return PurePosixPath(self.output_name).relative_to(PRIVATE_PREFIX).as_posix()


# ---- what a build makes ------------------------------------------------------------------------


def pdf_years(records: Records, today: date) -> list[int]:
    """Every year with a declaration file, and the default review year."""
    return sorted({declaration.year for declaration in records.declarations} | {default_year(today)})


YEAR_DOCUMENTS = (DECLARATION_PDF, ACTIVITY_REPORT, PLANNING_REPORT)  # a build's PDFs of each year


def build_jobs(maker: PdfMaker, today: date) -> list[PdfJob]:
    """Every PDF a build makes: the CV, and each year's declaration (for a
    body with a declaration checklist) and reports."""
    jobs = [maker.job(CV, None)]
    for year in pdf_years(maker.records, today):
        jobs += [maker.job(document, year) for document in year_documents(maker.policy)]
    return jobs


def year_documents(policy: Policy) -> tuple[str, ...]:
    """A build's PDFs of each year: the declaration where the body has a checklist, and the reports."""
    return tuple(d for d in YEAR_DOCUMENTS if d != DECLARATION_PDF or policy.has_checklist)


def build_job_count(records: Records, policy: Policy, today: date) -> int:
    """How many PDFs `build_jobs` makes (known before any is made, for a progress bar)."""
    return 1 + len(year_documents(policy)) * len(pdf_years(records, today))


# ---- the documents ------------------------------------------------------------------------------


class PdfMaker:
    """Builds the HTML of each PDF of one repository and renders it."""

    def __init__(
        self,
        records: Records,
        policy: Policy,
        root: Path,
        today: date,
        inspect: InspectDocuments,
        read_evidence: Callable[[str], EvidenceFile] | None = None,
    ) -> None:
        from cpdgen.render.templating import environment
        from cpdgen.render.text import display_label

        self.records = records
        self.policy = policy
        self.root = root
        self.today = today
        self.inspect = inspect  # paths → the facts of those supporting documents (read by the caller)
        self.read_evidence = read_evidence or partial(read_evidence_file, root)  # a path → its evidence file
        self.assets = PdfAssets(root)
        self._statuses: dict[int, DeclarationStatus] = {}
        self._evidence: dict[int, YearEvidence] = {}
        self._fonts = None
        self.env = environment(
            root,
            globals_={"policy": self.policy, "lang": LANG},
            filters={"toc_entry": toc_entry, "display": display_label, "competence": self.competence},
        )

    def competence(self, code: str) -> str:
        """A competence code with its title: A1 Maintain and extend knowledge."""
        framework = self.policy.competences
        title = framework.title(code) if framework else code
        return code if title == code else f"{code} {title}"

    def evidence(self, year: int) -> YearEvidence:
        """The evidence files of the year's completed activities and courses,
        and those that travel attached (in order, while they fit the budget)."""
        if year not in self._evidence:
            budget = int(self.policy.documents.max_bytes * EVIDENCE_SHARE)
            paths: list[str] = []
            for item in activity_report(self.records, self.policy, year).items:
                certificate = item.certificate if isinstance(item, Training) else None
                named = [*item.evidence, *([certificate] if certificate else [])]
                paths += [path for path in named if path not in paths]
            files: list[EvidenceShown] = []
            attachments: list[Attachment] = []
            used = 0
            names: set[str] = set()
            for path in paths:
                found = self.read_evidence(path)
                name = _unique(PurePosixPath(path).name, names)
                fits = found.data is not None and used + found.size <= budget
                if fits:
                    used += found.size
                    attachments.append(
                        Attachment(name, found.data or b"", f"Evidence: {path}", _mime(name), "Supplement")
                    )
                files.append(EvidenceShown(path, name, found.size, found.sha256, fits, found.problem))
            self._evidence[year] = YearEvidence(tuple(files), tuple(attachments), budget)
        return self._evidence[year]

    def status(self, year: int) -> DeclarationStatus:
        if year not in self._statuses:
            self._statuses[year] = year_status(self.records, self.policy, year, self.inspect)
        return self._statuses[year]

    def dated(self, year: int | None) -> date:
        """A submitted year's documents are dated by the submission; others by today."""
        if year is not None:
            declaration = self.status(year).declaration
            submitted = declaration.submitted.get("date") if declaration else None
            if submitted:
                return date.fromisoformat(str(submitted))
        return self.today

    def job(self, document: str, year: int | None) -> PdfJob:
        dated = self.dated(year)
        context = self.context(document, year, dated)
        from cpdgen.render.templating import template_errors

        with template_errors(self.root):
            html = self.env.get_template(TEMPLATES[document]).render(**context)
        attachments: tuple[Attachment, ...] = ()
        if document == DECLARATION_PDF:
            assert year is not None, "a declaration is of a year"
            data = declaration_data(self.records, self.policy, self.status(year))
            text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
            attachments = (
                Attachment(
                    f"cpd-declaration-{year}.json",
                    text.encode("utf-8"),
                    f"Verification data: the {year} CPD Declaration's records and their digest",
                ),
            )
        if document in (DECLARATION_PDF, ACTIVITY_REPORT) and year is not None:
            attachments += self.evidence(year).attachments
        return PdfJob(document, year, html, dated, attachments)

    def context(self, document: str, year: int | None, dated: date) -> dict[str, Any]:
        records = self.records
        profile = records.profile or Profile(id="profile", source=Source(""), name="")
        context: dict[str, Any] = {
            "member": profile,
            "dated": dated,
            "today": self.today,
            "year": year,
            "objective_titles": {o.id: o.title for o in records.objectives},
            "toc_min": TOC_MIN_ENTRIES,
            "draft": False,
            "appendices": True,
        }
        if year is not None:
            status = self.status(year)
            activities = activity_report(records, self.policy, year)
            framework = self.policy.competences
            context.update(
                status=status,
                declaration=answers_of(status),
                draft=document == DECLARATION_PDF and not status.submitted,  # the reports are uploaded as they are
                # A draft leaves the reports out (they are their own PDFs): most of a
                # declaration's pages, and so of its time, are theirs.
                appendices=status.submitted,
                activity=activities,
                planning=planning_report(records, year),
                hours_rows=category_rows(activities.hours, self.policy),
                coverage=competence_coverage(records, framework, year) if framework else None,
                evidence=self.evidence(year) if document in (DECLARATION_PDF, ACTIVITY_REPORT) else None,
            )
        if document == DECLARATION_PDF:
            assert year is not None, "a declaration is of a year"
            answers = context["declaration"]
            context.update(
                employment=shown_employment(records, year, answers.employment_history.get("display")),
                study=shown_qualifications(records, year, answers.academic_study.get("display")),
                documents=document_rows(answers, self.policy, year, context["appendices"]),
                sections=SECTIONS,
                recommendation=recommendation_text(status, self.policy),
                shortfall=status.recommendation.shortfall,
            )
        elif document == CV:
            context.update(cv_context(records, self.policy, self.today))
        return context

    def render(self, job: PdfJob) -> bytes:
        return render_pdf(job, self.assets, self._font_config())

    def _font_config(self):
        if self._fonts is None:
            _weasyprint()  # a clear error if it cannot load
            from weasyprint.text.fonts import FontConfiguration

            self._fonts = FontConfiguration()
        return self._fonts


def answers_of(status: DeclarationStatus) -> Declaration:
    """The declaration's answers; an empty declaration when the year has no file yet."""
    return status.declaration or Declaration(id=str(status.year), source=Source(""), year=status.year)


def declaration_data(records: Records, policy, status: DeclarationStatus) -> dict[str, Any]:
    """The machine-readable year embedded in the declaration PDF: what the
    declaration covers (the records, as the submission digest sees them),
    their digest, the hours and the checklist. `digest` equals
    `submitted.digest` of a submitted declaration whose records are unchanged."""
    year = status.year
    answers = answers_of(status)
    covered = declaration_records(records, year, answers)
    records_data: dict[str, dict[str, Any]] = {}
    for (kind, record_id), data in sorted(covered.items()):
        records_data.setdefault(kind, {})[record_id] = data
    submitted = {key: value for key, value in as_data(answers.submitted).items() if key != "records"}
    return {
        "format": ATTACHMENT_FORMAT,
        "year": year,
        "policy": policy.id,
        "digest": combined_digest(record_digests(covered)),
        "records": records_data,
        "hours": status.hours.as_data(),
        "status": {
            "ready": status.ready,
            "submitted": submitted or None,
            "items": [item.as_data() for item in status.items],
        },
    }


@dataclass(frozen=True)
class DocumentRow:
    """A supporting document as the declaration shows it, in words."""

    title: str  # the body's name for the type
    shown: str  # what the assessor gets: "Appendix A: the CPD Activity Report 2025", a file's name...
    short: str  # the same for the checklist's Complete column: Appendix A, Given, Not given
    given: bool  # the member gives one (generated or a file)


# The declaration's appendices, by the supporting-document type they equal.
APPENDICES = {ACTIVITY_REPORT: ("A", "CPD Activity Report"), PLANNING_REPORT: ("B", "CPD Planning Report")}


def document_rows(answers: Declaration, policy, year: int, appendices: bool = True) -> list[DocumentRow]:
    """The supporting documents in words. A draft (`appendices` False) does not
    carry the reports, so it names their own PDFs, which become appendices
    once the year is submitted."""
    rows = []
    for document_type in policy.documents.types:
        title = document_type.title
        value = answers.supporting_documents.get(document_type.key)
        letter, report = APPENDICES.get(document_type.key, (None, None))
        name = PurePosixPath(generated_file(document_type.key, year)).name if value == GENERATE or letter else ""
        if letter and not appendices and (value == GENERATE or not value):
            prefix = "" if value == GENERATE else "Not uploaded; the same report is "
            shown = f"{prefix}{name} (appendix {letter} once submitted)"
            rows.append(DocumentRow(title, shown[:1].upper() + shown[1:], "Separate PDF", value == GENERATE))
        elif value == GENERATE and letter:
            rows.append(DocumentRow(title, f"Appendix {letter}: the {report} {year}", f"Appendix {letter}", True))
        elif value == GENERATE:
            rows.append(DocumentRow(title, f"Generated from the records ({name})", "Given", True))
        elif value:
            rows.append(DocumentRow(title, PurePosixPath(str(value)).name, "Given", True))
        elif letter:
            rows.append(
                DocumentRow(title, f"Not uploaded; the same report is appendix {letter}", f"Appendix {letter}", False)
            )
        else:
            rows.append(DocumentRow(title, "Not given", "Not given", False))
    return rows


def recommendation_text(status: DeclarationStatus, policy) -> str:
    from cpdgen.render.text import recommendation_note

    return recommendation_note(status.recommendation, policy)


CV_YEARS = 3  # the CV's CPD summary: the last three review years


def cv_context(records: Records, policy, today: date) -> dict[str, Any]:
    last = default_year(today)
    years = list(range(last - CV_YEARS + 1, last + 1))
    by_year = [year_hours(records, policy, year) for year in years]
    rows = [
        (label, [hours.as_data()[key] for hours in by_year]) for key, label, _ in category_rows(by_year[-1], policy)
    ]
    return {
        "jobs": employment_order(records.employment),
        "qualifications": study_order(records.qualifications),
        "cpd_years": years,
        "cpd_rows": rows,
    }


_MIME = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
         ".gif": "image/gif", ".doc": "application/msword",
         ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}  # fmt: skip


def _mime(name: str) -> str:
    return _MIME.get(PurePosixPath(name).suffix.lower(), "application/octet-stream")


def _unique(name: str, taken: set[str]) -> str:
    """`name`, or name-2.pdf, ... when an attachment of the PDF has it already."""
    candidate, number = name, 1
    stem, dot, suffix = name.rpartition(".")
    while candidate in taken:
        number += 1
        candidate = f"{stem}-{number}.{suffix}" if dot else f"{name}-{number}"
    taken.add(candidate)
    return candidate


# ---- filters ---------------------------------------------------------------------------------


def toc_entry(item) -> tuple[str, str, bool]:
    """A checklist item as a line of the declaration's contents: (anchor, title, indented)."""
    return (f"item-{item.number}", f"{item.number}. {item.title}", True)


# ---- rendering and writing -------------------------------------------------------------------------


def render_pdf(job: PdfJob, assets: PdfAssets, font_config=None) -> bytes:
    """The PDF of `job` (WeasyPrint: tagged, PDF/A-3b, fonts subset and
    embedded, attachments with dates from the data)."""
    import logging

    weasyprint = _weasyprint()
    # WeasyPrint warns on stderr about each refused asset and ignored CSS property: noise for a member.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    moment = datetime(job.dated.year, job.dated.month, job.dated.day, tzinfo=UTC)
    attachments = [
        weasyprint.Attachment(
            string=a.data,
            name=a.name,
            description=a.description,
            created=moment,
            modified=moment,
            relationship=a.relationship,
        )
        for a in job.attachments
    ]
    document = weasyprint.HTML(string=job.html, base_url=assets.base_url(), url_fetcher=weasy_fetcher(assets))
    del assets.unreadable[:]
    data = document.write_pdf(
        pdf_variant=PDF_VARIANT,
        pdf_tags=True,
        attachments=attachments,
        font_config=font_config,
        finisher=_one_entry_per_attachment,
    )
    if assets.unreadable:  # a stylesheet or image that exists but cannot be read: not a PDF without it
        raise UserError(assets.unreadable[0])
    return data


def _one_entry_per_attachment(document, pdf) -> None:
    """WeasyPrint's PDF/A-3 step lists each attachment twice in the
    catalogue's /AF array (from the name tree and again from the file
    specifications); keep one entry each."""
    entries = pdf.catalog.get("AF")
    if entries:
        unique = {str(entry): entry for entry in entries}
        entries[:] = list(unique.values())


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the Pango libraries it loads are missing
        raise UserError(
            f"cannot make PDFs: WeasyPrint does not load ({exc}); it needs Pango "
            "(Debian/Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; "
            "macOS: brew install pango)"
        ) from None
    return weasyprint


def weasy_fetcher(assets: PdfAssets):
    """`assets.fetch` in the shape the installed WeasyPrint wants."""
    from weasyprint import urls

    if hasattr(urls, "URLFetcher"):  # WeasyPrint 66+

        class AssetFetcher(urls.URLFetcher):
            def fetch(self, url, headers=None):
                asset = assets.fetch(url)
                return urls.URLFetcherResponse(asset.url, asset.data, {"Content-Type": asset.mime_type})

        return AssetFetcher(allowed_protocols=("file",))

    def fetch(url: str) -> dict:  # older WeasyPrint: a function returning a dict
        asset = assets.fetch(url)
        return {"string": asset.data, "mime_type": asset.mime_type, "redirected_url": asset.url}

    return fetch


def weasyprint_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("weasyprint")
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"
