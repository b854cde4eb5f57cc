"""The page layout: A4, a cover page, then pages with a running header and page numbers.

In the pretix pattern the layout class knows pages, not data: the story (the list of
flowables) is built elsewhere from plain data and handed to :meth:`ReportDocument.render`.
Headings registered with :class:`Heading` land in the table of contents and in the PDF's
outline (bookmarks), which needs ReportLab's ``multiBuild`` (a second pass knows the pages).
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Frame,
    KeepInFrame,
    KeepTogether,
    PageTemplate,
    Paragraph,
)
from reportlab.platypus.doctemplate import BaseDocTemplate
from reportlab.platypus.tableofcontents import TableOfContents

from oko.reporting.fonts import BOLD, REGULAR
from oko.reporting.styles import ACCENT, MUTED, NOTICE, RULE

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
TOP_MARGIN = MARGIN + 6 * mm
BOTTOM_MARGIN = MARGIN + 4 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN
FRAME_HEIGHT = PAGE_HEIGHT - TOP_MARGIN - BOTTOM_MARGIN
MAX_PASSES = 4


class Chart(Flowable):
    """A chart drawing that is only drawn in the final pass (see :meth:`ReportDocument.render`).

    Outside a :class:`ReportDocument` (no ``draw_charts`` attribute) it always draws.
    """

    def __init__(self, drawing: Drawing) -> None:
        super().__init__()
        self.drawing = drawing
        self.width, self.height = drawing.width, drawing.height

    def wrap(self, _available_width: float, _available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        if self._doctemplateAttr("draw_charts") is False:
            return
        renderPDF.draw(self.drawing, self.canv, 0, 0)


class FixedHeight(Flowable):
    """Content in a box of fixed height, shrunk to fit if a translation runs longer.

    Indicator blocks, domain intros and table rows have the same height in every language,
    so a Dutch and an English report paginate identically: same pages, same page numbers.
    """

    def __init__(self, height: float, content: Sequence[Flowable]) -> None:
        super().__init__()
        self.height = height
        self.box = KeepInFrame(0, height, list(content), mode="shrink", vAlign="TOP")

    def wrap(self, available_width: float, _available_height: float) -> tuple[float, float]:
        self.width = available_width
        self._content_height = self.box.wrapOn(self.canv, available_width, self.height)[1]
        return available_width, self.height

    def draw(self) -> None:
        self.box.drawOn(self.canv, 0, self.height - self._content_height)


class Heading(Paragraph):
    """A heading that gets an entry in the table of contents and a PDF bookmark."""

    def __init__(self, text: str, style: object, *, level: int, key: str) -> None:
        super().__init__(text, style)
        self.toc_level = level
        self.toc_key = key


@dataclass(frozen=True)
class PageTexts:
    """What the page furniture says: running header, page label and a demo-data notice."""

    header: str
    page: str  # with "{page}", e.g. "page {page}"
    notice: str | None = None


@dataclass(frozen=True)
class Metadata:
    title: str
    author: str
    subject: str
    language: str
    keywords: tuple[str, ...] = ()


class ReportDocument(BaseDocTemplate):
    """A4 report; the first page uses the cover template, the rest the body template."""

    def __init__(self, buffer: io.BytesIO, metadata: Metadata, page_texts: PageTexts) -> None:
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=TOP_MARGIN,
            bottomMargin=BOTTOM_MARGIN,
            title=metadata.title,
            author=metadata.author,
            subject=metadata.subject,
            creator="oko",
            producer="oko (ReportLab)",
            keywords=list(metadata.keywords),
            lang=metadata.language,
            initialFontName=REGULAR,
            initialFontSize=9.5,
            displayDocTitle=True,
            invariant=1,
            pageCompression=1,
        )
        self.page_texts = page_texts
        self._heading_pages: dict[str, int] = {}
        self.pages: dict[str, int] = {}
        frame = Frame(
            self.leftMargin, self.bottomMargin, self.width, self.height, id="body", showBoundary=0
        )
        self.addPageTemplates(
            [
                PageTemplate(id="cover", frames=[frame], onPage=self._cover_page),
                PageTemplate(id="body", frames=[frame], onPage=self._body_page),
            ]
        )

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Heading):
            self._heading_pages[flowable.toc_key] = self.page
            text = flowable.getPlainText()
            self.canv.bookmarkPage(flowable.toc_key)
            self.canv.addOutlineEntry(text, flowable.toc_key, level=flowable.toc_level)
            self.notify("TOCEntry", (flowable.toc_level, text, self.page, flowable.toc_key))

    def render(
        self, story: Sequence[Flowable], known_pages: Mapping[str, int] | None = None
    ) -> bytes:
        """Draw the story; passes only as many as the table of contents needs.

        ReportLab's ``multiBuild`` draws every pass in full, starting from an empty table of
        contents (so usually three passes), and charts are most of the drawing cost. Here the
        table of contents starts with every heading, so it has its final size from the start,
        and with the page of each heading when ``known_pages`` gives them (reports of one
        definition and language paginate alike): then one pass is normally enough. Otherwise a
        first pass lays out without drawing charts (:class:`Chart` keeps its size) to learn
        the pages. Either way the output is only accepted once the table of contents the last
        pass drew equals the headings that pass found (ReportLab's own check).
        After rendering, :attr:`pages` maps each heading key to its page.
        """
        known = known_pages or {}
        self._indexingFlowables = [f for f in story if f.isIndexing()]
        tocs = [f for f in self._indexingFlowables if isinstance(f, TableOfContents)]
        entries = [
            (f.toc_level, f.getPlainText(), known.get(f.toc_key, 0), f.toc_key)
            for f in headings(story)
        ]
        for toc in tocs:
            toc.addEntries(entries)
        self._doSave = 0
        if tocs and not all(key in known for *_rest, key in entries):
            self.draw_charts = False
            self._pass(story)
        self.draw_charts = True
        for _ in range(MAX_PASSES):
            self._pass(story)
            if self._allSatisfied():
                break
        else:
            raise RuntimeError(f"table of contents not stable after {MAX_PASSES} passes")
        self.canv.save()
        self.pages = dict(self._heading_pages)
        buffer = self.filename
        assert isinstance(buffer, io.BytesIO)
        return buffer.getvalue()

    def _pass(self, story: Sequence[Flowable]) -> None:
        """One build of a copy of the story, as a pass of ``multiBuild`` does it: including
        undoing the marks a pass leaves on flowables (``_multiBuildEdits``), such as the
        "postponed" mark that would make the next pass reject a moved paragraph."""
        edits: list[tuple[Any, ...]] = []
        self._multiBuildEdits = edits.append
        for flowable in self._indexingFlowables:
            flowable.beforeBuild()
        self.build(list(story))
        for flowable in self._indexingFlowables:
            flowable.afterBuild()
        for function, *arguments in edits:
            function(*arguments)

    def _notice(self, canvas: Canvas) -> None:
        if not self.page_texts.notice:
            return
        canvas.setFillColor(NOTICE)
        canvas.rect(MARGIN, 7 * mm, FRAME_WIDTH, 6 * mm, stroke=0, fill=1)
        canvas.setFillColor(MUTED)
        canvas.setFont(BOLD, 7.5)
        canvas.drawCentredString(PAGE_WIDTH / 2, 9 * mm, self.page_texts.notice)

    def _cover_page(self, canvas: Canvas, _doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFillColor(ACCENT)
        canvas.rect(0, PAGE_HEIGHT - 14 * mm, PAGE_WIDTH, 14 * mm, stroke=0, fill=1)
        self._notice(canvas)
        canvas.restoreState()

    def _body_page(self, canvas: Canvas, _doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(MUTED)
        top = PAGE_HEIGHT - MARGIN + 1 * mm
        canvas.drawString(MARGIN, top, self.page_texts.header)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, top - 2 * mm, PAGE_WIDTH - MARGIN, top - 2 * mm)
        canvas.drawRightString(
            PAGE_WIDTH - MARGIN, 15 * mm, self.page_texts.page.format(page=canvas.getPageNumber())
        )
        self._notice(canvas)
        canvas.restoreState()


def headings(flowables: Sequence[Flowable]) -> Iterator[Heading]:
    """Headings in story order, also inside KeepTogether groups."""
    for flowable in flowables:
        if isinstance(flowable, Heading):
            yield flowable
        elif isinstance(flowable, KeepTogether):
            yield from headings(flowable._content)
