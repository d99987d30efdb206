"""Render a ``reports.document.Document`` as PDF with reportlab (platypus).

Be Vietnam Pro is embedded (reportlab subsets TTFs), every text is NFC, table headers repeat on
each page and every page carries "Trang x/y". Data cells are plain strings wrapped with
``simpleSplit`` rather than Paragraphs: a 5,000-row list stays close to a bare reportlab table.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFBase85Encode,
    PDFDocument,
    PDFName,
    PDFStream,
    PDFZCompress,
    pdfdocEnc,
)
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    LongTable,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
)
from reportlab.platypus import Table as RLTable
from reportlab.platypus.flowables import HRFlowable

import resources
from reports.document import (
    Column,
    Document,
    Header,
    Para,
    Part,
    Signatures,
    Table,
    clean,
    esc,
    format_number,
)

FONT = "BeVietnamPro"
FONT_BOLD = "BeVietnamPro-Bold"
FONT_ITALIC = "BeVietnamPro-Italic"
FONT_BOLDITALIC = "BeVietnamPro-BoldItalic"
TABLE_FONT_SIZE = 10.0  # the floor for any text on our paper (issue 15, item 12)
TABLE_LEADING = 12.0
BODY_SIZE = 13.0
BODY_LEADING = 16.5
FOOTER_SIZE = 10.0
MARGIN = 15 * mm

Progress = Callable[[int, int], None]
ROMAN_MARKS = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"}


def register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    for name, style in (
        (FONT, "regular"),
        (FONT_BOLD, "bold"),
        (FONT_ITALIC, "italic"),
        (FONT_BOLDITALIC, "bolditalic"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(resources.font_path(style))))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLDITALIC
    )


def _styles() -> dict[str, ParagraphStyle]:
    # Sizes of Decree 30/2020/NĐ-CP, Appendix I, as commune paper is printed: body 13 pt, title
    # 14, issuer and national-name lines 12-13, motto and date line 13; nothing under 10 pt
    # (issue 15, item 12), tables included.
    base = ParagraphStyle(
        "body", fontName=FONT, fontSize=BODY_SIZE, leading=BODY_LEADING, alignment=TA_JUSTIFY
    )
    return {
        "body": base,
        "heading": ParagraphStyle("heading", base, fontName=FONT_BOLD, spaceBefore=4),
        "bold": ParagraphStyle("bold", base, fontName=FONT_BOLD),
        "italic": ParagraphStyle("italic", base, fontName=FONT_ITALIC),
        "center": ParagraphStyle("center", base, alignment=TA_CENTER),
        "small": ParagraphStyle("small", base, fontSize=11, leading=13.5),
        "title": ParagraphStyle(
            "title", base, fontName=FONT_BOLD, fontSize=14, leading=18, alignment=TA_CENTER
        ),
        "subtitle": ParagraphStyle(
            "subtitle", base, fontName=FONT_BOLD, fontSize=13, leading=16.5, alignment=TA_CENTER
        ),
        "hdr": ParagraphStyle("hdr", base, fontSize=13, leading=16, alignment=TA_CENTER),
        # The issuer and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM": 12-13 pt, here the smaller so
        # the national name keeps one line in a portrait header's right column.
        "hdr_bold": ParagraphStyle(
            "hdr_bold", base, fontName=FONT_BOLD, fontSize=12, leading=15, alignment=TA_CENTER
        ),
        "hdr_motto": ParagraphStyle(
            "hdr_motto", base, fontName=FONT_BOLD, fontSize=13, leading=16, alignment=TA_CENTER
        ),
        "hdr_italic": ParagraphStyle(
            "hdr_italic", base, fontName=FONT_ITALIC, fontSize=13, leading=16, alignment=TA_CENTER
        ),
        "th": ParagraphStyle(
            "th",
            base,
            fontName=FONT_BOLD,
            fontSize=TABLE_FONT_SIZE,
            leading=TABLE_LEADING,
            alignment=TA_CENTER,
        ),
        "caption": ParagraphStyle("caption", base, fontName=FONT_BOLD, fontSize=12, leading=15.5),
        "sig": ParagraphStyle(
            "sig", base, fontName=FONT_BOLD, fontSize=13, leading=16, alignment=TA_CENTER
        ),
        "sig_note": ParagraphStyle(
            "sig_note", base, fontName=FONT_ITALIC, fontSize=12, leading=15, alignment=TA_CENTER
        ),
        # Decree 30/2020/NĐ-CP: "Nơi nhận" 12 pt bold italic, its lines 11 pt, set left.
        "recipients_title": ParagraphStyle(
            "recipients_title",
            base,
            fontName=FONT_BOLDITALIC,
            fontSize=12,
            leading=15,
            alignment=TA_LEFT,
        ),  # fmt: skip
        "recipients": ParagraphStyle(
            "recipients", base, fontName=FONT, fontSize=11, leading=13.5, alignment=TA_LEFT
        ),
        # "Mẫu số 01" at the top right, as the annex forms carry it (documents.md).
        "mark": ParagraphStyle(
            "mark", base, fontName=FONT_ITALIC, fontSize=11, leading=13.5, alignment=TA_RIGHT
        ),
    }


# Signs that data files and labels use but Be Vietnam Pro has no glyph for: drawn as a gap
# otherwise. Everything text-like passes through ``_printable``.
# In a table's cells, drawn as plain strings (a paragraph a cell made a what-if's or a
# history's thousands of rows about 8 times slower to print), an arrow is the font's "»".
FALLBACK = str.maketrans({"→": "»", "⇒": "»", "←": "«", "✓": "x", "✔": "x", "✗": "x"})
# Arrows ("điểm B1: 120 → 135", "Phiếu A: … → không thuộc diện") are drawn from the PDF's
# standard Symbol font, which every viewer has: as "->" they read as a programmer's arrow.
ARROWS = {a: f'<font name="Symbol">{a}</font>' for a in ("→", "⇒", "←")}
_ARROWED = re.compile("|".join(ARROWS))


def _printable(text: str) -> str:
    return str(clean(text)).translate(FALLBACK)


@cache
def _section_style() -> ParagraphStyle:
    """A section row's text as a paragraph (one holding an arrow): bold at the table's size,
    reportlab's leading for it, as the row's string would be."""
    return ParagraphStyle(
        "section", fontName=FONT_BOLD, fontSize=TABLE_FONT_SIZE, leading=TABLE_FONT_SIZE * 1.2
    )


_SIGNS = str.maketrans({k: v for k, v in FALLBACK.items() if chr(k) not in ARROWS})


def _with_arrows(markup: str) -> str:
    """Paragraph markup with its arrows in the Symbol font, the other signs as ``_printable``
    draws them."""
    return _ARROWED.sub(lambda m: ARROWS[m[0]], str(clean(markup)).translate(_SIGNS))


def balanced_title(text: str, style: ParagraphStyle, width: float) -> str:
    """A title too long for one line, broken into two of about the same length (after a
    comma where one comes near the middle), as a title is set by hand: wrapped as it comes,
    "DANH SÁCH NIÊM YẾT CÔNG KHAI … HỘ THOÁT CẬN" filled the line and left "NGHÈO" alone
    under it. One that fits, or needs three lines, is left to the paragraph."""
    font, size = style.fontName, style.fontSize

    def wide(words: str) -> float:
        return float(pdfmetrics.stringWidth(words, font, size))

    if "<" in text or wide(text) <= width:
        return text
    best: tuple[float, int] | None = None
    for i, c in enumerate(text):
        if c != " ":
            continue
        first, second = wide(text[:i]), wide(text[i + 1 :])
        if max(first, second) > width:
            continue
        # A comma ends a phrase: worth a tenth of the line over a break between two words.
        score = max(first, second) - (0.1 * width if text[i - 1] == "," else 0)
        if best is None or score < best[0]:
            best = (score, i)
    if best is None:
        return text
    return f"{text[: best[1]]}<br/>{text[best[1] + 1 :]}"


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    # Paragraph markup: our texts may carry <b>/<i>/<br/> on purpose, so no escaping here.
    return Paragraph(_with_arrows(text), style)


class _NumberedCanvas(Canvas):
    """Writes "Trang x/y" on every page once the total is known (two-pass numbering) without
    holding the pages until then.

    reportlab keeps every page's operators as text until the save, then builds the whole
    file in memory before writing it. Here each page's operators are encoded (compressed) as
    the page ends and spooled to a temporary file (``_SpooledStream``); at the save each page
    gets a second, small content stream with its label (a page's /Contents may be an array of
    streams, read as one), and the file is written object by object as reportlab formats it
    (``_WrittenDocument``). The what-if of 100,000 households (23,418 pages, 54 MB of PDF)
    held its pages twice and the file twice before (issue 22).

    With part numbering on, each part (a certificate, a household's form) counts its own pages:
    ``_PartStart`` records the page each part begins on.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Else Helvetica is referenced, unembedded. The doc template passes None explicitly,
        # so setdefault would keep it.
        kwargs["initialFontName"] = kwargs.get("initialFontName") or FONT
        super().__init__(*args, **kwargs)
        self.part_starts: list[int] = []
        # Closed at the save, or with the canvas when a build fails.
        self._spool = tempfile.TemporaryFile()  # noqa: SIM115

    def showPage(self) -> None:  # reportlab's name
        super().showPage()
        page = self._doc.Pages.pages[-1]
        if page.compression and page.stream:
            page.Contents = _SpooledStream(self._spool, page.stream)
            page.stream = None

    def save(self) -> None:
        pages = self._doc.Pages.pages
        total = len(pages)
        starts = sorted(set(self.part_starts)) or [1]
        bounds = [*starts[1:], total + 1]
        for number, page in enumerate(pages, start=1):
            first, end = 1, total + 1
            for start, stop in zip(starts, bounds, strict=True):
                if start <= number < stop:
                    first, end = start, stop
            self._code: list[str] = []
            self.setFont(FONT_ITALIC, FOOTER_SIZE)
            label = f"Trang {number - first + 1}/{end - first}"
            self.drawCentredString(page.pagewidth / 2, 8 * mm, label)
            footer = PDFStream(content="\n".join(self._code) + "\n")
            if page.Contents is None:  # a page left to reportlab: its text, then the label
                page.setStream([page.stream or "", footer.content])
            else:
                page.Contents = PDFArray([page.Contents, footer])
        self._code = []
        try:
            if isinstance(self._filename, str):
                with open(self._filename, "wb") as out:
                    self._doc.__class__ = _WrittenDocument
                    self._doc.out = out
                    self._doc.SaveToFile(out, self)
            else:  # a file object of the caller's
                super().save()
        finally:
            self._spool.close()


class _SpooledStream(PDFStream):
    """A page's content stream, encoded with reportlab's page filters as the page ends (it
    would encode it at the save, holding the text until then) and kept in ``spool`` until
    the save writes it."""

    def __init__(self, spool: Any, text: str) -> None:
        filters = [PDFBase85Encode, PDFZCompress] if rl_config.useA85 else [PDFZCompress]
        content: Any = text
        for f in reversed(filters):
            content = f.encode(content)
        content = pdfdocEnc(content)  # ASCII85 gives text; the file takes bytes
        super().__init__()
        self.dictionary["Filter"] = PDFArray([PDFName(f.pdfname) for f in filters])
        spool.seek(0, 2)
        self.spool, self.at, self.size = spool, spool.tell(), len(content)
        spool.write(content)

    def format(self, document: Any) -> bytes:
        self.spool.seek(self.at)
        self.content = self.spool.read(self.size)
        try:
            return super().format(document)
        finally:
            self.content = None


class _WrittenDocument(PDFDocument):
    """reportlab's document, its file written as it is formatted instead of gathered whole.

    ``PDFDocument.format`` collects every formatted object in a ``PDFFile`` (``__accum__``)
    and joins them at the end; here that file's writes go to ``out`` as they come (its
    offsets, counted by ``PDFFile.add``, stay right), so the join returns nothing more."""

    out: Any

    @property
    def __accum__(self) -> Any:
        return self._accum

    @__accum__.setter
    def __accum__(self, accum: Any) -> None:
        self.out.write(b"".join(accum.strings))  # the header, added as it was made
        accum.strings.clear()
        accum.write = self.out.write
        self._accum = accum

    @__accum__.deleter
    def __accum__(self) -> None:
        del self._accum


class _PartStart(Flowable):
    """Zero-size mark: the page a part begins on (for per-part page numbers)."""

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.part_starts.append(self.canv.getPageNumber())


class _Story(list):  # type: ignore[type-arg]
    """The flowables reportlab lays out, made a part at a time as it reaches them.

    ``BaseDocTemplate.build`` takes the story as a list and only ever asks ``len`` of it,
    reads and deletes at its front and puts split pieces back there; it keeps nothing it has
    drawn. A part's flowables (a certificate's paragraphs, tables and signatures) made for
    every part before the build began were held to its end: the commune's 16,500 certificates
    of 100,000 households peaked at 1,024 MB (issue 22: every command under 500 MB). Asked
    its length, the story adds the next part's flowables once it holds no more than the last
    part added: the part being laid out is then always whole in it, with the next one whole
    too, so what reportlab looks ahead at (a chain of ``keepWithNext``, never across a part's
    page break) is there as it was in the whole story. It cannot be iterated: a reportlab
    that walked the story (``multiBuild`` does) would miss the parts not made yet, and leave
    them out of the document without a word."""

    def __init__(self, parts: Iterator[list[Flowable]]) -> None:
        super().__init__()
        self._parts: Iterator[list[Flowable]] | None = parts
        self._last = 0  # how many flowables the last part added had

    def __len__(self) -> int:
        while self._parts is not None and list.__len__(self) <= self._last:
            made = next(self._parts, None)
            if made is None:
                self._parts = None
                break
            self.extend(made)
            self._last = len(made)
        return list.__len__(self)

    def __iter__(self) -> Iterator[Flowable]:
        raise TypeError("the story is made a part at a time: read it only from its front")


def page_size(doc: Document) -> tuple[float, float]:
    return landscape(A4) if doc.landscape else A4


def _landscape(doc: Document, part: Part) -> bool:
    return doc.landscape if part.landscape is None else part.landscape


def render_pdf(doc: Document, out: Path, progress: Progress | None = None) -> Path:
    register_fonts()
    styles = _styles()
    top, bottom = 12 * mm, 15 * mm
    # One page template per orientation the parts use, the first part's first.
    wanted = [_landscape(doc, p) for p in doc.parts] or [doc.landscape]
    names = {False: "portrait", True: "landscape"}
    templates = []
    for flag in dict.fromkeys(wanted):
        size = landscape(A4) if flag else A4
        frame = Frame(MARGIN, bottom, size[0] - 2 * MARGIN, size[1] - top - bottom)
        templates.append(PageTemplate(names[flag], [frame], pagesize=size))
    template = BaseDocTemplate(
        str(out),
        pagesize=landscape(A4) if wanted[0] else A4,
        pageTemplates=templates,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=top,
        bottomMargin=bottom,
        title=clean(doc.title),
        author="Rà soát",
        creator="Rà soát (rasoat)",
    )
    total_rows = sum(len(t.rows) for t in doc.tables()) or 1
    offset = [0]  # rows of the tables laid out before the current one

    def tick_for(rows: int) -> Callable[[int], None]:
        base = offset[0]
        offset[0] += rows

        def report(done: int) -> None:
            if progress is not None:
                progress(min(base + done, total_rows), total_rows)

        return report

    def flowables() -> Iterator[list[Flowable]]:
        for index, part in enumerate(doc.parts):
            flag = _landscape(doc, part)
            size = landscape(A4) if flag else A4
            made: list[Flowable] = []
            if index:
                if flag != _landscape(doc, doc.parts[index - 1]):
                    made.append(NextPageTemplate(names[flag]))
                made.append(PageBreak())
            if doc.pages_per_part:
                made.append(_PartStart())
            width = size[0] - 2 * MARGIN
            # What a flowable may use at the top of a page: the frame less its 6 pt paddings.
            frame_height = size[1] - top - bottom - 12
            made.extend(_part(part, styles, width, frame_height, tick_for))
            yield made

    template.build(_Story(flowables()), canvasmaker=_NumberedCanvas)
    if progress is not None:
        progress(total_rows, total_rows)
    return out


def _part(
    part: Part,
    styles: dict[str, ParagraphStyle],
    width: float,
    frame_height: float,
    tick_for: Callable[[int], Callable[[int], None]],
) -> list[Flowable]:
    out: list[Flowable] = [_header(part.header, styles, width), Spacer(1, 5 * mm)]
    out.append(_p(balanced_title(part.title.upper(), styles["title"], width), styles["title"]))
    for line in part.subtitles:
        out.append(_p(line, styles["subtitle"]))
    out.append(Spacer(1, 4 * mm))
    for block in part.blocks:
        if isinstance(block, Para):
            style = styles[block.style]
            if block.style == "heading":
                # A section heading ("III. Ý KIẾN KHÁC") never ends a page: it moves on when
                # the page has no room for it and a few lines of what it heads.
                out.append(CondPageBreak(HEADING_ROOM))
            out.append(_p(block.text if block.markup else esc(block.text), style))
            out.append(Spacer(1, 1.2 * mm))
        elif isinstance(block, Table):
            if block.caption:
                out.append(CondPageBreak(60 * mm))  # a caption never ends a page
                out.append(_p(block.caption, styles["caption"]))
                out.append(Spacer(1, 1.5 * mm))
            out.extend(_table(block, styles, width, frame_height, tick_for(len(block.rows))))
            out.append(Spacer(1, 3 * mm))
        elif isinstance(block, Signatures):
            out.append(_keep_with_signatures(out, _signatures(block, styles, width)))
    if isinstance(out[-1], Spacer):
        out.pop()  # a trailing spacer on a full page would start an empty one
    return out


HEADING_ROOM = 35 * mm  # a heading and about four lines under it


def _keep_with_signatures(out: list[Flowable], signatures: list[Flowable]) -> Flowable:
    """The signature block with what it signs: the last rows of the table before it (its tail
    piece, see ``_table``) or the last paragraph, taken off ``out`` and kept on one page with
    the signatures, so a signature block never stands alone at the top of a page."""
    kept: list[Flowable] = []
    while out:
        item = out.pop()
        kept.insert(0, item)
        if isinstance(item, CondPageBreak):
            continue
        if isinstance(item, _HeadedTable | Paragraph):
            break
    if not any(isinstance(k, _HeadedTable | Paragraph) for k in kept):
        out.extend(kept)
        kept = []
    # One flat KeepTogether: a nested one reports a height of 0xffffff to force its own split,
    # which would push the whole group to a new page even where it fits.
    return KeepTogether([*kept, *signatures])


def _header(header: Header, styles: dict[str, ParagraphStyle], width: float) -> Flowable:
    right: list[Flowable] = []
    if header.form_mark:
        right.append(_p(header.form_mark, styles["mark"]))
    right += [
        _p("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", styles["hdr_bold"]),
        _p("Độc lập - Tự do - Hạnh phúc", styles["hdr_motto"]),
        # Clear of the descenders above and the italics below (a rule touching letters).
        HRFlowable(width="45%", thickness=0.6, color=colors.black, spaceBefore=3, spaceAfter=4),
        _p(header.date_line(), styles["hdr_italic"]),
    ]
    if header.motto_only:
        return _layout_grid(
            [[right]],
            [width],
            [("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "CENTER")],
        )
    left: list[Flowable] = []
    for i, line in enumerate(header.issuer):
        last = i == len(header.issuer) - 1
        # Both lines of the issuer bold, as the administrative header is printed.
        left.append(_p(line.upper() if last else line, styles["hdr_bold"]))
    left.append(HRFlowable(width="35%", thickness=0.6, color=colors.black, spaceBefore=3))
    if header.number:
        left.append(Spacer(1, 2))
        left.append(_p(header.number, styles["hdr"]))
    return _layout_grid(
        [[left, right]],
        [width * 0.4, width * 0.6],
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ],
    )


def _layout_grid(cells: list[list[Any]], widths: list[float], commands: list[Any]) -> RLTable:
    """A borderless table that only places paragraphs side by side. Its cells still get
    reportlab's default font (Helvetica, unembedded) unless told otherwise."""
    return RLTable(cells, colWidths=widths, style=[("FONTNAME", (0, 0), (-1, -1), FONT), *commands])


CELL_PAD = 4.0  # left + right padding of a table cell


def _widths(columns: list[Column], width: float) -> list[float]:
    """The columns' weights scaled to the page, each at least as wide as the longest word of
    its title (and its code), so a header never breaks inside a word ("DTT/S") at 10 pt. What
    a narrow column gains comes off the columns with room to spare, in proportion."""
    total = sum(c.width for c in columns) or 1
    out = [width * c.width / total for c in columns]
    need = [
        max(
            pdfmetrics.stringWidth(word, FONT_BOLD, TABLE_FONT_SIZE)
            for word in [*c.title.split(), c.code, ""]
        )
        + CELL_PAD
        + 1
        for c in columns
    ]
    short = sum(max(n - w, 0) for n, w in zip(need, out, strict=True))
    spare = sum(max(w - n, 0) for n, w in zip(need, out, strict=True))
    if short <= 0 or spare <= short:
        return out
    return [n if w < n else w - (w - n) * short / spare for n, w in zip(need, out, strict=True)]


def _header_rows(
    table: Table, styles: dict[str, ParagraphStyle]
) -> tuple[list[list[Any]], list[tuple[Any, ...]]]:
    cols = table.columns
    rows: list[list[Any]] = []
    commands: list[tuple[Any, ...]] = []
    grouped = any(c.group for c in cols)
    if grouped:
        top: list[Any] = []
        bottom: list[Any] = []
        i = 0
        while i < len(cols):
            col = cols[i]
            if not col.group:
                top.append(_p(col.title, styles["th"]))
                bottom.append("")
                commands.append(("SPAN", (i, 0), (i, 1)))
                i += 1
                continue
            j = i
            while j + 1 < len(cols) and cols[j + 1].group == col.group:
                j += 1
            top.append(_p(col.group, styles["th"]))
            top.extend([""] * (j - i))
            bottom.extend(_p(c.title, styles["th"]) for c in cols[i : j + 1])
            if j > i:
                commands.append(("SPAN", (i, 0), (j, 0)))
            i = j + 1
        rows += [top, bottom]
    else:
        rows.append([_p(c.title, styles["th"]) for c in cols])
    if table.show_codes:
        rows.append([c.code for c in cols])
        n = len(rows) - 1
        commands += [
            ("FONTNAME", (0, n), (-1, n), FONT_ITALIC),
            ("ALIGN", (0, n), (-1, n), "CENTER"),
        ]
    return rows, commands


class _HeadedTable(Flowable):
    """A piece of a table's body with the header drawn above it where a reader needs one.

    reportlab's own ``repeatRows`` rebuilds a cell map of the whole remaining table at every
    page break when any cell spans (the grouped header always does), and LongTable re-measures
    all remaining rows at each break: both grow with the square of the rows. Here the spans
    live in a small header table, and the body comes in chunks of ``CHUNK_ROWS`` rows. A chunk
    draws the header when it is the table's first, or when it starts at the top of a page
    (its available height is the whole frame), so chunk joins are invisible.

    ``body`` may be a function making the chunk's LongTable: it is then made when the chunk
    is first laid out, and dropped with it once drawn. reportlab keeps a cell style object
    for every cell of a table, about 1 KB each: a 16,000-household detail list (80,000 rows)
    held them all until the build ended, 800 MB (issue 22: every command under 500 MB).
    """

    def __init__(
        self,
        head: RLTable,
        body: LongTable | Callable[[], LongTable],
        on_split: Callable[[int], None] | None,
        frame_height: float,
        first: bool,
        head_heights: dict[float, float],
    ) -> None:
        super().__init__()
        self.head, self._body, self.on_split = head, body, on_split
        self.frame_height, self.first = frame_height, first
        # The header is the same on every page: lay it out once per width, not per piece.
        self.head_heights = head_heights
        self._body_h = 0.0
        self._show_head = first

    @property
    def body(self) -> LongTable:
        if not isinstance(self._body, Flowable):
            self._body = self._body()
        return self._body

    def _head_height(self, aw: float, ah: float) -> float:
        self._show_head = self.first or ah >= self.frame_height - 1
        if not self._show_head:
            return 0.0
        if aw not in self.head_heights:
            self.head_heights[aw] = self.head.wrap(aw, ah)[1]
        return self.head_heights[aw]

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        head_h = self._head_height(aw, ah)
        _w, self._body_h = self.body.wrap(aw, ah - head_h)
        self.width, self.height = aw, head_h + self._body_h
        return self.width, self.height

    def split(self, aw: float, ah: float) -> list[Flowable]:
        pieces = self.body.split(aw, ah - self._head_height(aw, ah))
        if len(pieces) < 2:
            return []
        if self.on_split is not None:
            self.on_split(len(pieces[-1]._cellvalues))
        return [
            _HeadedTable(
                self.head,
                p,
                self.on_split,
                self.frame_height,
                self.first and i == 0,
                self.head_heights,
            )
            for i, p in enumerate(pieces)
        ]

    def draw(self) -> None:
        self.body.drawOn(self.canv, 0, 0)
        if self._show_head:
            self.head.drawOn(self.canv, 0, self._body_h)


CHUNK_ROWS = 400
TAIL_ROWS = 2  # the rows a signature block keeps with it (the last household, the total)


def column_widths(doc: Document, part: Part, table: Table) -> list[float]:
    """The widths ``table``'s columns get on ``part``'s pages (points)."""
    size = landscape(A4) if _landscape(doc, part) else A4
    return _widths(table.columns, size[0] - 2 * MARGIN)


def wrap_cell(text: str, font: str, inner: float) -> list[str]:
    """``text`` in lines no wider than ``inner`` at the table's size: at spaces, and a word
    too long for the cell ("Vợ/chồng", a laptop's id) cut after a "/" or "-" where one
    fits, else where the cell ends, rather than drawn over the next cell."""
    size = TABLE_FONT_SIZE
    lines = []
    for line in simpleSplit(text, font, size, inner):
        while len(line) > 1 and pdfmetrics.stringWidth(line, font, size) > inner:
            fit = 1
            while fit < len(line) and pdfmetrics.stringWidth(line[: fit + 1], font, size) <= inner:
                fit += 1
            cut = max(line.rfind("/", 0, fit), line.rfind("-", 0, fit)) + 1
            head, line = line[: cut or fit].rstrip(), line[cut or fit :].lstrip()
            lines.append(head)
        if line:
            lines.append(line)
    return lines


def _table(
    table: Table,
    styles: dict[str, ParagraphStyle],
    width: float,
    frame_height: float,
    tick: Callable[[int], None],
) -> list[Flowable]:
    cols = table.columns
    widths = _widths(cols, width)
    header, head_commands = _header_rows(table, styles)
    pad = CELL_PAD
    # Every command visits every cell: one FONT instead of FONTNAME + FONTSIZE + LEADING.
    common: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), FONT, TABLE_FONT_SIZE, TABLE_LEADING),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("LEFTPADDING", (0, 0), (-1, -1), pad / 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad / 2),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    head = RLTable(
        header,
        colWidths=widths,
        style=[
            *common,
            *head_commands,
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BACKGROUND", (0, 0), (-1, -1), colors.Color(0.92, 0.92, 0.92)),
        ],
    )
    commands = [*common, ("VALIGN", (0, 0), (-1, -1), "TOP")]
    for i, col in enumerate(cols):
        if col.kind != "text":
            commands.append(("ALIGN", (i, 0), (i, -1), "RIGHT"))
    # Section rows (a list, a village) write their text in the widest of the first three
    # columns, the way official tables put "I" / "HỘ NGHÈO" in the STT and name columns.
    label = max(range(min(3, len(cols))), key=lambda i: widths[i])
    # The rows' styles, spans and ties first; their cells are formatted when their chunk is
    # laid out (``cells``): a what-if of 100,000 households held every changed household's
    # wrapped reason until the build ended (issue 22).
    rows = table.rows
    row_styles: list[tuple[int, str, Any]] = []  # (row, command, value) over the whole row
    spans: list[tuple[int, int, int]] = []  # (row, first column, last column)
    reaches: dict[int, dict[int, int]] = {}  # a total row's label -> the last cell it covers
    for r, row in enumerate(rows):
        if row.style == "section":
            row_styles += [(r, "FONTNAME", FONT_BOLD), (r, "ALIGN", "LEFT")]
        elif row.style == "total":
            reach = reaches[r] = {}
            values = [*row.cells, *[None] * (len(cols) - len(row.cells))]
            for i, col in enumerate(cols):
                if col.kind == "text" and values[i] not in (None, ""):
                    j = i
                    while j + 1 < len(cols) and values[j + 1] in (None, ""):
                        j += 1
                    if j > i:
                        reach[i] = j
                        spans.append((r, i, j))
            row_styles.append((r, "FONTNAME", FONT_BOLD))
        elif row.style == "member":
            row_styles.append((r, "TEXTCOLOR", colors.Color(0.2, 0.2, 0.2)))

    def cells(r: int) -> list[Any]:
        row = rows[r]
        out: list[Any]
        if row.style == "section":
            out = [""] * len(cols)
            text = str(clean(str(row.cells[0] or "")))
            mark, dot, rest = text.partition(". ")
            if label > 0 and dot and mark in ROMAN_MARKS:
                out[0], text = mark, rest
            if _ARROWED.search(text):  # a paragraph, its arrows drawn (a table has few)
                out[label] = Paragraph(_with_arrows(esc(text)), _section_style())
                return out
            inner = widths[label] - pad
            lines = simpleSplit(text.translate(FALLBACK), FONT_BOLD, TABLE_FONT_SIZE, inner)
            out[label] = "\n".join(lines)
            return out
        font = FONT_BOLD if row.style == "total" else FONT
        reach = reaches.get(r, {})
        out = []
        for i, col in enumerate(cols):
            value = row.cells[i] if i < len(row.cells) else None
            text = format_number(clean(value), col.kind)
            if col.kind == "text" and text:
                text = text.translate(FALLBACK)
                # "Tổng cộng: 1.234 hộ, 5.678 khẩu" on one line over the empty cells beside it.
                inner = sum(widths[i : reach.get(i, i) + 1]) - pad
                if pdfmetrics.stringWidth(text, font, TABLE_FONT_SIZE) > inner:
                    text = "\n".join(wrap_cell(text, font, inner))
            out.append(text)
        return out

    if not rows:
        return [head]
    total = len(rows)
    sections = {r for r, name, _v in row_styles if name == "ALIGN"}  # section rows
    # A section row (a list's "II. HỘ CẬN NGHÈO", a village) never ends a page, nor a row
    # kept with the next (a unit's "Hộ" row above its "Nhân khẩu" row): each run of them is
    # tied to the first row after it.
    sections |= {r for r, row in enumerate(rows) if row.keep_with_next}
    ties: list[tuple[int, int]] = []
    r = 0
    while r < total:
        if r in sections:
            end = r
            while end + 1 < total and end in sections:
                end += 1
            ties.append((r, end))
            r = end + 1
        else:
            r += 1
    # Chunks (see _HeadedTable) join where a page may break: never inside a tie, and the last
    # TAIL_ROWS rows form their own piece, which the signatures keep with them.
    cuts = list(range(CHUNK_ROWS, total, CHUNK_ROWS))
    if total > TAIL_ROWS:
        cuts.append(total - TAIL_ROWS)
    bounds = [0]
    for cut in sorted(set(cuts)):
        for a, b in ties:
            if a < cut <= b:
                cut = a
        if cut > bounds[-1]:
            bounds.append(cut)
    bounds.append(total)
    heights: dict[float, float] = {}
    out: list[Flowable] = []
    for start, stop in zip(bounds, bounds[1:], strict=False):
        chunk_commands = commands + [
            (name, (0, r - start), (-1, r - start), value)
            for r, name, value in row_styles
            if start <= r < stop
        ]
        chunk_commands += [
            ("NOSPLIT", (0, a - start), (-1, b - start)) for a, b in ties if start <= a and b < stop
        ]
        chunk_commands += [
            ("SPAN", (i, r - start), (j, r - start)) for r, i, j in spans if start <= r < stop
        ]

        def body(
            start: int = start, stop: int = stop, style: list[Any] = chunk_commands
        ) -> LongTable:
            data = [cells(r) for r in range(start, stop)]
            return LongTable(data, colWidths=widths, style=style)

        def on_split(remaining: int, stop: int = stop) -> None:
            tick(stop - remaining)

        out.append(_HeadedTable(head, body, on_split, frame_height, start == 0, heights))
    return out


def _signature_widths(
    block: Signatures, styles: dict[str, ParagraphStyle], width: float
) -> list[float]:
    """Each box as wide as its longest line ("ĐẠI DIỆN CÁC HỘ GIA ĐÌNH" keeps one line beside
    "THƯ KÝ" at 13 pt), the room left shared equally."""
    needs = []
    for box in block.boxes:
        lines = [(box.above, "sig"), (box.title, "sig"), (box.note, "sig_note"), (box.name, "sig")]
        needs.append(
            max(
                pdfmetrics.stringWidth(
                    _printable(line), styles[style].fontName, styles[style].fontSize
                )
                for text, style in lines
                for line in text.split("<br/>")  # "Nơi nhận" lists its lines so
            )
            + 14  # the cell's paddings and a little air
        )
    n = max(len(needs), 1)
    total = sum(needs)
    if not needs or total > width:
        return [width / n] * n
    return [need + (width - total) / n for need in needs]


def _signatures(
    block: Signatures, styles: dict[str, ParagraphStyle], width: float
) -> list[Flowable]:
    cells: list[list[Flowable]] = []
    for box in block.boxes:
        cell: list[Flowable] = []
        if box.recipients:
            cell.append(_p(box.title, styles["recipients_title"]))
            if box.note:
                cell.append(_p(box.note, styles["recipients"]))
            cells.append(cell)
            continue
        if box.above:
            cell.append(_p(box.above, styles["sig"]))
        cell.append(_p(box.title, styles["sig"]))
        if box.note:
            cell.append(_p(box.note, styles["sig_note"]))
        cell.append(Spacer(1, 20 * mm))
        if box.name:
            cell.append(_p(box.name, styles["sig"]))
        cells.append(cell)
    grid = _layout_grid(
        [cells],
        _signature_widths(block, styles, width),
        [("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "CENTER")],
    )
    return [Spacer(1, 4 * mm), grid]


__all__ = ["TA_LEFT", "register_fonts", "render_pdf"]
