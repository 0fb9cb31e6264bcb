"""Realistic source fixtures: news pages around an article, and multi-page PDFs made by a PDF
library with running headers and page numbers, as reports and printed articles come."""

from __future__ import annotations

import datetime
from pathlib import Path

from fpdf import FPDF

SOURCES = Path(__file__).resolve().parent / "data" / "sources"
NEWS_PAGE = SOURCES / "harbour-tram.html"
NO_ARTICLE_PAGE = SOURCES / "section-front.html"
# A second site's layout: a consent dialog, a breaking-news ticker, share buttons, an in-article
# "Read more" promotion and newsletter box, more-stories and comments, metadata in JSON-LD only.
FERRY_PAGE = SOURCES / "ferry-strike.html"
FERRY_PAGE_BOILERPLATE = (
    "812 partners",
    "I agree",
    "Coastal road closed",
    "Share on Facebook",
    "Read more",
    "Harbour fees to double",
    "morning briefing",
    "Pier repairs",
    "islandgirl",
    "Another summer ruined",
    "Seaboard Media",
)

# Text on the news page that is not the article: none of it may ever be quoted.
NEWS_PAGE_BOILERPLATE = (
    "We use cookies",
    "Accept all cookies",
    "Subscribe for 1 pound a week",
    "Win a cruise for two",
    "Bus fares to rise",
    "Swing bridge closed",
    "TramFan88",
    "white elephant",
    "The bus is faster anyway",
    "Privacy policy",
    "Sign up to our newsletter",
    "All rights reserved",
)

REPORT_TITLE = "Flood defences on the River Wend: progress report"
REPORT_HEADER = "Wendmouth District Council - Environment Committee"
# (heading or None, paragraph) in reading order; long enough to run over three pages.
REPORT_BODY: tuple[tuple[str | None, str], ...] = (
    (
        None,
        "This report sets out the progress made on the River Wend flood defence scheme "
        "since the committee last met in January. The scheme protects 2,300 homes and 140 "
        "businesses in the lower town.",
    ),
    (
        None,
        "The embankment at Millford was raised by 1.2 metres over a length of 900 metres "
        "between March and June. The work was finished three weeks ahead of the programme.",
    ),
    (
        None,
        "Two new pumping stations were built at Carter's Reach and at the old tannery "
        "site. Each station can move 4,000 litres of water a second into the tidal channel.",
    ),
    (
        "Costs",
        "The scheme's budget is 18.6 million pounds, of which 11 million pounds comes "
        "from the national flood fund. The council's share is met from reserves and from a "
        "levy on new development in the flood plain.",
    ),
    (
        None,
        "Spending to the end of September stands at 12.4 million pounds. The committee is "
        "asked to note an overspend of 350,000 pounds on the pumping stations, caused by the "
        "price of steel piling.",
    ),
    (
        None,
        "Officers have negotiated a fixed price for the remaining piling work with the "
        "main contractor, Harlow and Vance Ltd. No further overspend is expected on this item.",
    ),
    (
        "Consultation",
        "A public consultation on the third phase ran from 1 July to 12 August. "
        "It drew 1,184 responses, most of them from residents of the Quayside and Eastgate "
        "wards.",
    ),
    (
        None,
        "Most respondents supported the glass flood walls proposed for the quayside, "
        "which keep the view of the river open. Traders asked that the work avoid the summer "
        "months, when the quay is busiest.",
    ),
    (
        None,
        "The fishing club objected to the closure of the towpath during construction. "
        "Officers propose a temporary footpath along the top of the embankment instead.",
    ),
    (
        "Risks",
        "The main risk to the programme is a wet winter, which would stop work on the "
        "river bed. A contingency of eight weeks has been built into the timetable for this "
        "reason.",
    ),
    (
        None,
        "A second risk is the supply of steel, which remains uncertain. The contractor "
        "has ordered the steel for phase three early and is storing it at the depot in "
        "Wend Road.",
    ),
    (
        "Recommendation",
        "The committee is recommended to approve phase three of the scheme, "
        "to note the spending to date, and to ask officers to report again in March.",
    ),
    (
        None,
        "Phase three is expected to begin in April and to be complete by the end of the "
        "following year, when the whole of the lower town will be protected against a one in "
        "two hundred year flood.",
    ),
)


class _Report(FPDF):
    def header(self) -> None:
        self.set_font("Helvetica", "I", 8)
        self.cell(0, 8, REPORT_HEADER, align="C")
        self.ln(12)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", "", 8)
        self.cell(0, 10, f"Page {self.page_no()} of {{nb}}", align="C")


def report_pdf(body: tuple[tuple[str | None, str], ...] = REPORT_BODY) -> bytes:
    """A council report as a three-page PDF: a running header, 'Page N of M' footers, a
    headline, section headings, wrapped paragraphs (one runs on over a page break) and title
    and author metadata."""
    pdf = _Report()
    pdf.set_title(REPORT_TITLE)
    pdf.set_author("Wendmouth District Council")
    pdf.set_creation_date(datetime.datetime(2025, 10, 14, tzinfo=datetime.UTC))
    pdf.set_margins(25, 20, 25)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, REPORT_TITLE, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for heading, paragraph in body:
        if heading == "Recommendation":
            pdf.add_page()  # as a report starts its recommendation on a page of its own
        if heading is not None:
            pdf.set_font("Helvetica", "B", 13)
            pdf.multi_cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        pdf.set_font("Times", "", 12)
        pdf.multi_cell(0, 7, paragraph, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
    return bytes(pdf.output())


def scanned_pdf() -> bytes:
    """A PDF with pages but no text layer, as a scanner makes (here: drawn shapes only)."""
    pdf = FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.rect(20, 20, 170, 250, style="F")
    return bytes(pdf.output())


def zip_bytes() -> bytes:
    """A small zip archive (what a '.pdf' download sometimes really is)."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("report.txt", "not a pdf " * 100)
    return buffer.getvalue()


NOTICE_PARAGRAPHS = (
    "The library on Mill Lane will close for six weeks from 3 March while its roof is "
    "replaced. The mobile library will visit the car park every Tuesday and Friday instead.",
    "Books borrowed before the closure can be returned at any branch, and no fines will be "
    "charged for the weeks the library is shut.",
    "The reopened library will have a new children's corner and longer opening hours on "
    "Saturdays, from nine in the morning until five in the afternoon.",
)


def notice_pdf() -> bytes:
    """A one-page notice as a word processor prints it: paragraphs spaced too closely for a
    blank line in the text layer, and a bold heading before the last one."""
    pdf = FPDF()
    pdf.set_title("Mill Lane library closure")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(0, 8, "Mill Lane library closure", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    for number, paragraph in enumerate(NOTICE_PARAGRAPHS):
        if number == 2:
            pdf.set_font("Helvetica", "B", 12)
            pdf.multi_cell(0, 6, "After the works", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Times", "", 12)
        pdf.multi_cell(0, 5.5, paragraph, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
    return bytes(pdf.output())
