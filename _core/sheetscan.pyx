# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True, embedsignature=True
"""Scanning the XML of an xlsx workbook: shared strings, and worksheets column by column.

A worksheet is fed in pieces as it is inflated. Only whole ``<row>`` elements are parsed;
``feed`` returns how many bytes it used and the caller keeps the rest for the next piece.
The first row with a value is the header; the scan then stops until the caller has chosen
the columns to keep (``choose``), so that cells of the other columns are only stepped over.
Values come out as text, as a spreadsheet shows them: shared and inline strings with XML
entities and ``_xHHHH_`` escapes decoded, numbers in their shortest round-trip form,
date-formatted numbers as ``YYYY-MM-DD HH:MM:SS``, booleans as ``true``/``false``; text is
trimmed of white space, and error values, empty cells and white space alone are null. A value its
type cannot have (a date outside 1900-9999, a boolean other than 0/1) is null and counted
(``odd_by_column``). Any form XML allows is read: white space inside tags, either quote, comments,
processing instructions and CDATA sections anywhere. Nothing here raises: malformed XML ends the
scan early and ``complete`` tells the caller. The helpers
for XML text are in ``xml_text.pxd``, those for cell values in ``cell_values.pxd``.
"""

cimport cython
from cpython.buffer cimport PyBuffer_FillInfo
from libc.stdint cimport int64_t, uint8_t
from libc.string cimport memchr, memcmp
from libcpp.string cimport string
from libcpp.vector cimport vector

from cell_values cimport append_datetime, append_number, column_index, parse_int, serial_date
from xml_text cimport Tag, decode_text, find_attr, is_space, read_tag, rich_text, tag_is, text_until, trim_from


cdef class Buffer:
    """Bytes owned by the scanner's result, readable through the buffer protocol (no copy)."""

    cdef string data

    def __len__(self) -> int:
        return self.data.size()

    def __getbuffer__(self, Py_buffer* view, int flags):
        PyBuffer_FillInfo(view, self, <void*>self.data.data(), self.data.size(), 1, flags)

    def __releasebuffer__(self, Py_buffer* view):
        pass


cdef class SharedStrings:
    """The shared-strings table of a workbook, decoded and trimmed, as one buffer with offsets."""

    cdef string data
    cdef vector[int64_t] offsets
    cdef bint ended
    cdef int64_t declared

    def __len__(self) -> int:
        return self.offsets.size() - 1

    @property
    def complete(self) -> bool:
        """The part's closing ``</sst>`` was reached, and it holds as many strings as it declares."""
        return self.ended and (self.declared < 0 or self.declared == <int64_t>self.offsets.size() - 1)

    @property
    def declared(self) -> int:
        """The ``uniqueCount`` the part declares (-1: none)."""
        return self.declared

    def __getitem__(self, Py_ssize_t i) -> str:
        if i < 0 or i >= <Py_ssize_t>self.offsets.size() - 1:
            raise IndexError(i)
        return self.data.substr(self.offsets[i], self.offsets[i + 1] - self.offsets[i]).decode("utf-8", "replace")


cdef const char* _plain_item(const char* p, const char* end) noexcept nogil:
    """If [p, ...) is ``<t ...>text</t></si>``, the end of the text; else NULL."""
    cdef Tag tag
    cdef const char* text_end
    if p >= end or p[0] != b'<' or not read_tag(p, end, &tag) or tag.closing or tag.empty or not tag_is(&tag, b"t", 1):
        return NULL
    text_end = <const char*>memchr(tag.gt + 1, b'<', end - tag.gt - 1)
    if text_end == NULL or not read_tag(text_end, end, &tag) or not tag.closing or not tag_is(&tag, b"t", 1):
        return NULL
    if tag.gt + 1 >= end or not read_tag(tag.gt + 1, end, &tag) or not tag.closing or not tag_is(&tag, b"si", 2):
        return NULL
    return text_end


def parse_shared_strings(const unsigned char[::1] xml) -> SharedStrings:
    """Decode ``xl/sharedStrings.xml``; each string is trimmed of white space at both ends."""
    cdef SharedStrings table = SharedStrings()
    cdef const char* p = <const char*>&xml[0] if xml.shape[0] else NULL
    cdef const char* end = p + xml.shape[0]
    cdef const char* lt
    cdef Tag tag
    cdef const char* body
    cdef const char* text_end
    cdef size_t before
    cdef const char* value
    cdef Py_ssize_t n
    table.offsets.push_back(0)
    table.ended = False
    table.declared = -1
    if p == NULL:
        return table
    # The decoded text is never longer than the XML; reserving it avoids copying while it grows
    # (untouched reserved pages cost nothing); the offsets are a guess that grows if it is short.
    table.data.reserve(xml.shape[0])
    table.offsets.reserve(xml.shape[0] // 13 + 2)
    with nogil:
        while True:
            lt = <const char*>memchr(p, b'<', end - p)
            if lt == NULL or not read_tag(lt, end, &tag):
                break
            p = tag.gt + 1
            if tag_is(&tag, b"sst", 3):
                if tag.closing:
                    table.ended = True
                    break
                if find_attr(&tag, b"uniqueCount", 11, &value, &n):
                    table.declared = parse_int(value, n)
                continue
            if not tag_is(&tag, b"si", 2) or tag.closing:
                continue
            if not tag.empty:
                body = p
                text_end = _plain_item(p, end)
                before = table.data.size()
                if text_end != NULL:  # <si><t>text</t></si>, the usual form
                    decode_text(&table.data, <const char*>memchr(p, b'>', end - p) + 1, text_end)
                    p = <const char*>memchr(text_end + 1, b'>', end - text_end - 1) + 1
                    p = <const char*>memchr(p, b'>', end - p) + 1
                else:
                    while True:  # the matching </si>
                        lt = <const char*>memchr(p, b'<', end - p)
                        if lt == NULL or not read_tag(lt, end, &tag):
                            p = end
                            break
                        p = tag.gt + 1
                        if tag.closing and tag_is(&tag, b"si", 2):
                            break
                    rich_text(&table.data, body, lt if lt != NULL else end)
                trim_from(&table.data, before)  # every use of a shared string is trimmed
            table.offsets.push_back(table.data.size())
    return table


# Cell types, from the t attribute.
cdef enum:
    T_NUMBER, T_SHARED, T_STRING, T_INLINE, T_BOOL, T_ERROR, T_DATE

cdef enum:
    SEEK_SHEET, SEEK_HEADER, HEADER_READ, DATA, DONE


cdef struct Cell:
    Py_ssize_t col            # 0-based column
    const char* style         # the s attribute's value (NULL: none)
    Py_ssize_t style_n
    const char* kind          # the t attribute's value (NULL: none)
    Py_ssize_t kind_n
    const char* v_start       # the text of <v> (NULL: none)
    const char* v_end
    bint mixed                # that text holds a CDATA section or a comment
    const char* is_start      # the content of <is> (NULL: none)
    const char* is_end


# What _value made of a cell.
cdef enum:
    READ, MISSING, ODD



@cython.final
cdef class SheetScanner:
    """Reads one worksheet's XML, fed in pieces; see the module docstring."""

    cdef SharedStrings strings
    cdef vector[uint8_t] date_styles
    cdef double date_shift
    cdef int state
    cdef string row_close, cell_open, v_open, v_cell_close
    cdef int64_t row, header_row, last_row_with_value
    cdef Py_ssize_t widest
    cdef vector[Py_ssize_t] header_columns
    cdef string header_text
    cdef vector[int64_t] header_offsets
    cdef vector[int] slot_of
    cdef vector[string] data
    cdef vector[vector[int64_t]] offsets
    cdef vector[vector[uint8_t]] valid
    cdef bint malformed
    cdef Py_ssize_t max_row, max_cell
    cdef int64_t max_text, text_bytes, long_row_number, cut_count, cut_row
    cdef Py_ssize_t cut_column
    cdef int64_t missing_count, missing_row
    cdef Py_ssize_t missing_column
    cdef int64_t error_count, error_row
    cdef Py_ssize_t error_column
    cdef vector[int64_t] slot_errors
    cdef int64_t odd_count, odd_row
    cdef Py_ssize_t odd_column
    cdef vector[int64_t] slot_odd

    def __init__(self, SharedStrings strings, const unsigned char[::1] date_styles, bint date1904=False,
                 Py_ssize_t max_row=0, Py_ssize_t max_cell=0, int64_t max_text=0):
        """``max_row``: bytes of XML in one row (a longer row stops the scan, see ``long_row``);
        ``max_cell``: characters in one cell (longer text is cut, see ``cells_cut``); ``max_text``:
        bytes of text kept from the sheet (more stops the scan, see ``text_overflow``); 0: no limit."""
        self.strings = strings
        self.max_row = max_row
        self.max_cell = max_cell
        self.max_text = max_text
        self.text_bytes = 0
        self.long_row_number = 0
        self.cut_count = 0
        self.cut_row = 0
        self.cut_column = -1
        self.missing_count = 0
        self.missing_row = 0
        self.missing_column = -1
        self.error_count = 0
        self.error_row = 0
        self.error_column = -1
        self.odd_count = 0
        self.odd_row = 0
        self.odd_column = -1
        cdef Py_ssize_t i
        for i in range(date_styles.shape[0]):
            self.date_styles.push_back(date_styles[i])
        self.date_shift = 1462.0 if date1904 else 0.0
        self.state = SEEK_SHEET
        self.row = 0
        self.header_row = 0
        self.last_row_with_value = 0
        self.widest = -1
        self.header_offsets.push_back(0)
        self.malformed = False

    @property
    def needs_columns(self) -> bool:
        """The header row has been read and ``choose`` has not been called yet."""
        return self.state == HEADER_READ

    @property
    def complete(self) -> bool:
        """The end of the sheet data was reached without malformed XML or a limit."""
        return self.state == DONE and not self.malformed and not self.long_row_number and not (
            self.max_text > 0 and self.text_bytes > self.max_text)

    @property
    def header_row_number(self) -> int:
        return self.header_row

    @property
    def last_row(self) -> int:
        """Spreadsheet number of the last row read."""
        return self.row

    @property
    def long_row(self) -> int:
        """The row longer than ``max_row`` that stopped the scan (0: none)."""
        return self.long_row_number

    @property
    def text_overflow(self) -> bool:
        """The columns kept hold more than ``max_text`` bytes: the scan stopped."""
        return self.max_text > 0 and self.text_bytes > self.max_text

    @property
    def cells_cut(self) -> int:
        """How many cells were cut to ``max_cell`` characters."""
        return self.cut_count

    @property
    def first_cut(self) -> tuple[int, int] | None:
        """(spreadsheet row, 0-based column) of the first cell cut, if any."""
        return (self.cut_row, self.cut_column) if self.cut_count else None

    @property
    def strings_missing(self) -> int:
        """How many cells read refer to a shared string the table does not hold (read as empty)."""
        return self.missing_count

    @property
    def first_missing(self) -> tuple[int, int] | None:
        """(spreadsheet row, 0-based column) of the first such cell, if any."""
        return (self.missing_row, self.missing_column) if self.missing_count else None

    @property
    def errors(self) -> int:
        """How many cells read hold a spreadsheet error value (#N/A, #REF!, #VALUE!...), read as empty."""
        return self.error_count

    @property
    def first_error(self) -> tuple[int, int] | None:
        """(spreadsheet row, 0-based column) of the first such cell, if any."""
        return (self.error_row, self.error_column) if self.error_count else None

    def errors_by_column(self) -> dict[int, int]:
        """0-based column -> how many of its cells hold an error value (columns without any left out)."""
        cdef Py_ssize_t col
        return {col: self.slot_errors[self.slot_of[col]] for col in range(<Py_ssize_t>self.slot_of.size())
                if self.slot_of[col] >= 0 and self.slot_errors[self.slot_of[col]] > 0}

    @property
    def first_odd(self) -> tuple[int, int] | None:
        """(spreadsheet row, 0-based column) of the first cell read whose value its type cannot have, if any."""
        return (self.odd_row, self.odd_column) if self.odd_count else None

    def odd_by_column(self) -> dict[int, int]:
        """0-based column -> how many of its cells hold a value their type cannot have, read as empty: a date
        before 1900 or after 9999 (or not a number), a boolean other than 0 and 1 (columns without any left out)."""
        cdef Py_ssize_t col
        return {col: self.slot_odd[self.slot_of[col]] for col in range(<Py_ssize_t>self.slot_of.size())
                if self.slot_of[col] >= 0 and self.slot_odd[self.slot_of[col]] > 0}

    @property
    def width(self) -> int:
        """One more than the rightmost column holding a value (header included)."""
        return self.widest + 1

    def header(self) -> list[tuple[int, str]]:
        """(0-based column, text) of the header row's cells that hold a value."""
        return [
            (self.header_columns[i], self.header_text.substr(
                self.header_offsets[i], self.header_offsets[i + 1] - self.header_offsets[i]
            ).decode("utf-8", "replace"))
            for i in range(self.header_columns.size())
        ]

    def choose(self, columns: list[int]) -> None:
        """Keep these 0-based columns (in this order in ``finish``); skip every other."""
        cdef Py_ssize_t i, col
        if self.state != HEADER_READ:
            raise RuntimeError("choose() is called once, after the header row")
        for i, col in enumerate(columns):
            if col < 0:
                raise ValueError(f"column {col} is negative")
            if col >= <Py_ssize_t>self.slot_of.size():
                self.slot_of.resize(col + 1, -1)
            self.slot_of[col] = i
        self.data.resize(len(columns))
        self.offsets.resize(len(columns))
        self.valid.resize(len(columns))
        self.slot_errors.resize(len(columns), 0)
        self.slot_odd.resize(len(columns), 0)
        for i in range(len(columns)):
            self.offsets[i].push_back(0)
        self.state = DATA

    def feed(self, const unsigned char[::1] xml, Py_ssize_t start=0, Py_ssize_t known=0) -> int:
        """Parse the whole rows of ``xml[start:]``; return the offset of the first byte not used.

        ``known``: the caller hands back, at ``xml[start:known]``, the bytes a previous call did not
        use; they hold no row's end, so the search for one starts at the new bytes. Thus a row that
        arrives in many pieces costs each piece once, not the whole row again.
        """
        cdef const char* base
        cdef const char* stop
        cdef const char* fresh
        if start >= xml.shape[0] or self.state == DONE or self.state == HEADER_READ:
            return start if self.state != DONE else xml.shape[0]
        base = <const char*>&xml[0]
        fresh = base + start
        if known > start + <Py_ssize_t>self.row_close.size():
            fresh = base + known  # a closing tag may straddle the two, with white space before its '>'
            while fresh > base + start and is_space(fresh[-1]):
                fresh -= 1
            fresh = max(fresh - self.row_close.size(), base + start)
        with nogil:
            stop = self._feed(base + start, base + xml.shape[0], fresh)
        return stop - base

    def finish(self) -> tuple[int, list[tuple[Buffer, Buffer, Buffer | None, int]]]:
        """(data rows, [(utf-8 text, int64 offsets, validity bitmap or None, nulls) per chosen column]).

        The buffers are handed over without copying (they follow Arrow's large_string layout);
        the scanner is empty afterwards.
        """
        cdef Py_ssize_t rows = max(0, self.last_row_with_value - self.header_row)
        cdef Py_ssize_t i, r, nulls
        cdef Buffer text, offsets, bitmap
        cdef uint8_t* bits
        columns = []
        for i in range(<Py_ssize_t>self.data.size()):
            self._pad(i, rows)
            text, offsets, bitmap = Buffer(), Buffer(), Buffer()
            text.data.swap(self.data[i])
            offsets.data.assign(<const char*>self.offsets[i].data(), (rows + 1) * sizeof(int64_t))
            bitmap.data.assign((rows + 7) // 8, 0)
            bits = <uint8_t*>bitmap.data.data()
            nulls = 0
            for r in range(rows):
                if self.valid[i][r]:
                    bits[r >> 3] |= <uint8_t>(1 << (r & 7))
                else:
                    nulls += 1
            self.offsets[i].clear()
            self.offsets[i].shrink_to_fit()
            self.valid[i].clear()
            self.valid[i].shrink_to_fit()
            columns.append((text, offsets, bitmap if nulls else None, nulls))
        return rows, columns

    cdef const char* _feed(self, const char* p, const char* end, const char* fresh) noexcept nogil:
        cdef const char* lt
        cdef const char* limit = NULL  # just after the last whole row in [p, end)
        cdef const char* value
        cdef Py_ssize_t n
        cdef int64_t number
        cdef Tag tag
        while self.state != DONE and self.state != HEADER_READ:
            lt = <const char*>memchr(p, b'<', end - p)
            if lt == NULL:
                return end
            if not read_tag(lt, end, &tag):
                return lt
            if self.state == SEEK_SHEET:
                if tag_is(&tag, b"sheetData", 9) and not tag.closing:
                    if tag.empty:
                        self.state = DONE
                    else:
                        self._prefix(lt + 1, tag.name - lt - 1)
                        self.state = SEEK_HEADER
                p = tag.gt + 1
                continue
            if tag_is(&tag, b"sheetData", 9) and tag.closing:
                self.state = DONE
                return tag.gt + 1
            if tag.closing or not tag_is(&tag, b"row", 3):
                p = tag.gt + 1
                continue
            number = parse_int(value, n) if find_attr(&tag, b'r', 1, &value, &n) else self.row + 1
            if number <= self.row:  # rows out of order or a bad number: stop, say so
                self.malformed = True
                self.state = DONE
                return end
            if tag.empty:
                self.row = number
                p = tag.gt + 1
                continue
            if limit == NULL:
                limit = self._last_row_end(tag.gt + 1 if tag.gt + 1 > fresh else fresh, end)
            if limit == NULL or tag.gt >= limit:
                return lt  # the row continues in the next piece
            self.row = number
            p = self._cells(tag.gt + 1, limit)
            if p == NULL:
                self.malformed = True
                self.state = DONE
                return end
            if (self.max_row and p - lt > self.max_row) or (self.max_text and self.text_bytes > self.max_text):
                if self.max_row and p - lt > self.max_row:
                    self.long_row_number = number
                self.state = DONE  # the caller refuses the sheet
                return end
        return p

    cdef void _prefix(self, const char* prefix, Py_ssize_t n) noexcept nogil:
        """Spell the tags the fast paths compare against with the sheet's namespace prefix."""
        cdef string pre = string(prefix, n)
        self.row_close = string(b"</") + pre + string(b"row")  # then '>', perhaps after white space
        self.cell_open = string(b"<") + pre + string(b"c")
        self.v_open = string(b"<") + pre + string(b"v>")
        self.v_cell_close = string(b"</") + pre + string(b"v></") + pre + string(b"c>")

    cdef const char* _last_row_end(self, const char* p, const char* end) noexcept nogil:
        """Just after the last row's closing tag in [p, end), or NULL."""
        cdef Py_ssize_t n = self.row_close.size()
        cdef const char* needle = self.row_close.data()
        cdef const char* q = end - n - 1
        cdef const char* gt
        while q >= p:  # backwards from the end: a row is short, so this is a few hundred bytes
            if q[0] == b'<' and memcmp(q, needle, n) == 0:
                gt = _close_end(q + n, end)
                if gt != NULL:
                    return gt
            q -= 1
        return NULL

    cdef void _pad(self, Py_ssize_t slot, Py_ssize_t rows) noexcept nogil:
        """Nulls up to ``rows`` entries."""
        cdef int64_t size = self.data[slot].size()
        while <Py_ssize_t>self.valid[slot].size() < rows:
            self.offsets[slot].push_back(size)
            self.valid[slot].push_back(0)

    cdef const char* _cells(self, const char* p, const char* end) noexcept nogil:
        """Parse the cells of one row; return the byte after its </row>, or NULL if malformed.

        ``end`` lies after this row's closing tag, so every look-ahead below stays in bounds.
        """
        cdef const char* lt
        cdef Cell cell
        cdef Tag tag
        cdef Py_ssize_t n_open = self.cell_open.size(), n_close = self.row_close.size()
        cdef Py_ssize_t n_vc = self.v_cell_close.size()
        cdef const char* n_v_open = self.v_open.data()
        cdef Py_ssize_t n_v = self.v_open.size()
        cdef bint header = self.state == SEEK_HEADER
        cdef bint any_value = False
        cell.col = -1
        while True:
            lt = p if p[0] == b'<' else <const char*>memchr(p, b'<', end - p)
            if lt == NULL:
                return NULL
            if lt[1] == b'/' and memcmp(lt, self.row_close.data(), n_close) == 0:
                p = _close_end(lt + n_close, end)
                if p != NULL:
                    break
            if lt[1] == b'/' or memcmp(lt, self.cell_open.data(), n_open) != 0 or not (
                    lt[n_open] == b'>' or lt[n_open] == b'/' or is_space(lt[n_open])):
                if not read_tag(lt, end, &tag):  # another element, a comment...: stepped over
                    return NULL
                p = tag.gt + 1
                continue
            p = _attributes(lt + n_open, &cell)
            if p == NULL:
                return NULL
            if p[0] == b'/':
                p += 2
                continue
            p += 1
            # the value: <v>text</v></c> directly, else the general walk over the children
            cell.v_start = cell.v_end = cell.is_start = cell.is_end = NULL
            cell.mixed = False
            if memcmp(p, n_v_open, n_v) == 0:
                cell.v_end = p + n_v
                while cell.v_end[0] != b'<':  # bounded by this row's closing tag
                    cell.v_end += 1
                if memcmp(cell.v_end, self.v_cell_close.data(), n_vc) == 0:
                    cell.v_start = p + n_v
                    p = cell.v_end + n_vc
                else:
                    cell.v_end = NULL
                    p = _children(p, end, &cell)
            else:
                p = _children(p, end, &cell)
            if p == NULL:
                return NULL
            if cell.v_start == NULL and cell.is_start == NULL:
                continue
            if self._store(&cell, header):
                any_value = True
        if header:
            if self.header_columns.size():
                self.header_row = self.row
                self.last_row_with_value = self.row
                self.state = HEADER_READ
            else:
                self.widest = -1
        elif any_value:
            self.last_row_with_value = self.row
        return p

    cdef bint _store(self, Cell* cell, bint header) noexcept nogil:
        """Append one cell's value to its column (or the header); whether the cell holds a value."""
        cdef Py_ssize_t col = cell.col, slot = -1, index
        cdef string* out
        cdef size_t before
        cdef int kind = _kind(cell.kind, cell.kind_n)
        cdef int read
        if header:
            out = &self.header_text
        else:
            slot = self.slot_of[col] if col < <Py_ssize_t>self.slot_of.size() else -1
            if slot < 0:  # not read, so counted as a value even if it is only white space
                if col > self.widest:
                    self.widest = col
                return True
            index = self.row - self.header_row - 1
            if <Py_ssize_t>self.valid[slot].size() > index:
                return False  # the same cell twice: the first one counts
            self._pad(slot, index)
            out = &self.data[slot]
        before = out.size()
        if not header and cell.v_start != NULL and cell.v_end != cell.v_start and kind == T_ERROR:
            self.slot_errors[slot] += 1
            self.error_count += 1
            if self.error_count == 1:
                self.error_row, self.error_column = self.row, col
        read = self._value(out, kind, cell)
        if read == MISSING:
            self.missing_count += 1
            if self.missing_count == 1:
                self.missing_row, self.missing_column = self.row, col
        elif read == ODD and not header:
            self.slot_odd[slot] += 1
            self.odd_count += 1
            if self.odd_count == 1:
                self.odd_row, self.odd_column = self.row, col
        if self.max_cell and <Py_ssize_t>(out.size() - before) > self.max_cell \
                and _cut_chars(out, before, self.max_cell):
            self.cut_count += 1
            if self.cut_count == 1:
                self.cut_row, self.cut_column = self.row, col
        if not header:
            self.text_bytes += out.size() - before
        if out.size() > before and col > self.widest:
            self.widest = col
        if header:
            if out.size() > before:
                self.header_columns.push_back(col)
                self.header_offsets.push_back(out.size())
        else:
            self.offsets[slot].push_back(out.size())
            self.valid[slot].push_back(out.size() > before)
        return out.size() > before

    cdef int _value(self, string* out, int kind, const Cell* cell) noexcept nogil:
        """Append the cell's text (nothing for an empty or error cell); MISSING for a shared string the table does
        not hold, ODD for a value its type cannot have (appending nothing), else READ."""
        cdef int64_t index, style_index
        cdef size_t before = out.size()
        cdef const char* v_start = cell.v_start
        cdef const char* v_end = cell.v_end
        cdef double serial
        if kind == T_INLINE or (cell.is_start != NULL and v_start == NULL):
            if cell.is_start != NULL and cell.is_end != NULL:
                rich_text(out, cell.is_start, cell.is_end)
                trim_from(out, before)
            return READ
        if v_start == NULL or v_end == v_start or kind == T_ERROR:
            return READ
        if cell.mixed:  # the text holds a CDATA section or a comment
            return self._mixed(out, kind, cell)
        if kind == T_SHARED:
            index = parse_int(v_start, v_end - v_start)
            if not 0 <= index < <int64_t>self.strings.offsets.size() - 1:
                return MISSING
            out.append(self.strings.data, self.strings.offsets[index],
                       self.strings.offsets[index + 1] - self.strings.offsets[index])
        elif kind == T_STRING or kind == T_DATE:
            decode_text(out, v_start, v_end)
            trim_from(out, before)
        elif kind == T_BOOL:
            return _boolean(out, v_start, v_end)
        else:
            style_index = parse_int(cell.style, cell.style_n) if cell.style != NULL else 0
            if 0 <= style_index < <int64_t>self.date_styles.size() and self.date_styles[style_index]:
                serial = serial_date(v_start, v_end, self.date_shift)
                if serial < 0:
                    return ODD
                append_datetime(out, serial)
            else:
                append_number(out, v_start, v_end)
        return READ

    cdef int _mixed(self, string* out, int kind, const Cell* cell) noexcept nogil:
        """_value for a <v> whose text holds a CDATA section or a comment."""
        cdef string text
        cdef Cell plain = cell[0]
        cdef size_t before = out.size()
        text_until(&text, cell.v_start, cell.v_end + 1)
        if kind == T_STRING or kind == T_DATE:
            out.append(text)
            trim_from(out, before)
            return READ
        plain.v_start, plain.v_end, plain.mixed = text.data(), text.data() + text.size(), False
        return self._value(out, kind, &plain)


cdef inline const char* _close_end(const char* p, const char* end) noexcept nogil:
    """After the '>' that ends a closing tag whose name ends at ``p`` (white space may come first), or NULL."""
    while p < end and is_space(p[0]):
        p += 1
    return p + 1 if p < end and p[0] == b'>' else NULL


cdef inline const char* _attributes(const char* q, Cell* cell) noexcept nogil:
    """Read the attributes of <c> from just after its name: r (where), s (style), t (type); return the '>' or '/'
    that ends the tag, or NULL if malformed. Short scans, bounded by the '<' of the row's closing tag."""
    cdef const char* eq
    cdef const char* name_end
    cdef const char* gt
    cdef const char* ref = NULL
    cdef Py_ssize_t ref_n = 0
    cdef char quote
    cell.style = cell.kind = NULL
    cell.style_n = cell.kind_n = 0
    while True:
        while is_space(q[0]):
            q += 1
        if q[0] == b'>' or q[0] == b'/':
            break
        eq = q
        while eq[0] != b'=' and eq[0] != b'>' and eq[0] != b'<':
            eq += 1
        if eq[0] != b'=':
            return NULL
        name_end = eq
        while name_end > q and is_space(name_end[-1]):  # r = "B2" is as good as r="B2"
            name_end -= 1
        eq += 1
        while is_space(eq[0]):
            eq += 1
        quote = eq[0]
        if quote != b'"' and quote != b"'":
            return NULL
        gt = eq + 1
        while gt[0] != quote and gt[0] != b'<':
            gt += 1
        if gt[0] != quote:
            return NULL
        if name_end - q == 1:
            if q[0] == b'r':
                ref, ref_n = eq + 1, gt - eq - 1
            elif q[0] == b's':
                cell.style, cell.style_n = eq + 1, gt - eq - 1
            elif q[0] == b't':
                cell.kind, cell.kind_n = eq + 1, gt - eq - 1
        q = gt + 1
    if ref != NULL:
        cell.col = column_index(ref, ref_n)
        if cell.col < 0:
            return NULL
    else:
        cell.col += 1
    return q


cdef inline int _boolean(string* out, const char* p, const char* e) noexcept nogil:
    """A boolean cell: 1 or 0 (true or false, white space around), else ODD."""
    while p < e and is_space(p[0]):
        p += 1
    while e > p and is_space(e[-1]):
        e -= 1
    if (e - p == 1 and p[0] == b'1') or (e - p == 4 and memcmp(p, b"true", 4) == 0):
        out.append(b"true")
    elif (e - p == 1 and p[0] == b'0') or (e - p == 5 and memcmp(p, b"false", 5) == 0):
        out.append(b"false")
    else:
        return ODD
    return READ


cdef inline bint _cut_chars(string* out, size_t before, Py_ssize_t chars) noexcept nogil:
    """Cut the UTF-8 text at ``before`` to ``chars`` characters; False if it was not longer."""
    cdef size_t i = before, size = out.size()
    cdef Py_ssize_t seen = 0
    while i < size:
        if ((<const uint8_t*>out.data())[i] & 0xC0) != 0x80:  # the first byte of a character
            if seen == chars:
                out.resize(i)
                return True
            seen += 1
        i += 1
    return False


cdef inline int _kind(const char* text, Py_ssize_t n) noexcept nogil:
    """The cell type from its t attribute (absent: a number)."""
    if text == NULL:
        return T_NUMBER
    if n == 1:
        if text[0] == b's':
            return T_SHARED
        if text[0] == b'b':
            return T_BOOL
        if text[0] == b'e':
            return T_ERROR
        if text[0] == b'd':
            return T_DATE
        return T_NUMBER
    if n == 3 and memcmp(text, b"str", 3) == 0:
        return T_STRING
    if n == 9 and memcmp(text, b"inlineStr", 9) == 0:
        return T_INLINE
    return T_NUMBER


cdef const char* _children(const char* p, const char* end, Cell* cell) noexcept nogil:
    """Walk a cell's children up to its </c>: find <v> text and <is> content; NULL if malformed."""
    cdef const char* lt
    cdef Tag child
    while True:
        lt = <const char*>memchr(p, b'<', end - p)
        if lt == NULL or not read_tag(lt, end, &child):
            return NULL
        p = child.gt + 1
        if child.closing:
            if tag_is(&child, b"c", 1):
                return p
            if tag_is(&child, b"is", 2):
                cell.is_end = lt
        elif tag_is(&child, b"v", 1) and not child.empty:
            cell.v_start = p
            while True:  # to </v>, over any CDATA section or comment in the text
                lt = <const char*>memchr(p, b'<', end - p)
                if lt == NULL or not read_tag(lt, end, &child):
                    return NULL
                if child.name_len or child.closing:
                    break
                cell.mixed = True
                p = child.gt + 1
            cell.v_end = p = lt
        elif tag_is(&child, b"is", 2) and not child.empty:
            cell.is_start = p
