# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
# Reading XML text in the scanner (sheetscan.pyx): tags, attributes, entities, white space.
# Header only, cimported by bare name. Every function works on [p, end) ranges of bytes that
# the caller has checked; none of them allocates except by appending to a std::string.
from libc.string cimport memchr, memcmp, memmove
from libcpp.string cimport string


cdef struct Tag:
    const char* name      # element name without its namespace prefix
    Py_ssize_t name_len
    const char* attrs     # first byte after the name
    const char* gt        # the closing '>' of the tag
    bint closing          # </name>
    bint empty            # <name/>


cdef inline bint is_space(char c) noexcept nogil:
    """XML white space."""
    return c == b' ' or c == b'\t' or c == b'\n' or c == b'\r'


cdef inline const char* find_end(const char* p, const char* end, const char* term, Py_ssize_t n) noexcept nogil:
    """Just after the first ``term`` (``n`` bytes) in [p, end), or NULL."""
    cdef const char* q
    while True:
        q = <const char*>memchr(p, term[0], end - p)
        if q == NULL or end - q < n:
            return NULL
        if memcmp(q, term, n) == 0:
            return q + n
        p = q + 1


cdef inline const char* special_end(const char* lt, const char* end) noexcept nogil:
    """At ``lt`` ('<'): after the comment, CDATA section or processing instruction that starts there (NULL if it
    does not end before ``end``); ``lt`` itself if none starts there."""
    if end - lt >= 4 and memcmp(lt, b"<!--", 4) == 0:
        return find_end(lt + 4, end, b"-->", 3)
    if end - lt >= 9 and memcmp(lt, b"<![CDATA[", 9) == 0:
        return find_end(lt + 9, end, b"]]>", 3)
    if end - lt >= 2 and lt[1] == b'?':
        return find_end(lt + 2, end, b"?>", 2)
    return lt


cdef inline const char* text_until(string* out, const char* p, const char* end) noexcept nogil:
    """Append the text at ``p`` (entities decoded, CDATA sections as they are, comments left out) up to the next
    tag; return that tag's '<', or NULL if there is none before ``end``."""
    cdef const char* lt
    cdef const char* after
    while True:
        lt = <const char*>memchr(p, b'<', end - p)
        if lt == NULL:
            return NULL
        decode_text(out, p, lt)
        after = special_end(lt, end)
        if after == lt:
            return lt
        if after == NULL:
            return NULL
        if lt[1] == b'!' and lt[2] == b'[':
            out.append(lt + 9, after - 3 - lt - 9)
        p = after


cdef inline bint read_tag(const char* lt, const char* end, Tag* tag) noexcept nogil:
    """Read the tag starting at ``lt`` ('<'); False if it does not end before ``end``."""
    cdef const char* p = lt + 1
    cdef const char* q
    if p < end and (p[0] == b'!' or p[0] == b'?'):
        q = special_end(lt, end)
        if q != lt:  # a comment, CDATA section or processing instruction: a tag with no name
            if q == NULL:
                return False
            tag.name = p
            tag.name_len = 0
            tag.attrs = p
            tag.gt = q - 1
            tag.closing = False
            tag.empty = True
            return True
    tag.closing = p < end and p[0] == b'/'
    if tag.closing:
        p += 1
    q = p
    while q < end and q[0] != b' ' and q[0] != b'>' and q[0] != b'/' and q[0] != b'\t' \
            and q[0] != b'\n' and q[0] != b'\r':
        if q[0] == b':':
            p = q + 1
        q += 1
    tag.name = p
    tag.name_len = q - p
    tag.attrs = q
    q = <const char*>memchr(q, b'>', end - q)
    if q == NULL:
        return False
    tag.gt = q
    tag.empty = q[-1] == b'/'
    return True


cdef inline bint tag_is(const Tag* tag, const char* name, Py_ssize_t n) noexcept nogil:
    return tag.name_len == n and memcmp(tag.name, name, n) == 0


cdef inline bint find_attr(const Tag* tag, const char* name, Py_ssize_t name_len, const char** value,
                           Py_ssize_t* n) noexcept nogil:
    """Find the attribute ``name`` (``name_len`` bytes, unprefixed) of a start tag."""
    cdef const char* p = tag.attrs
    cdef const char* start
    cdef const char* eq
    cdef const char* close
    cdef const char* name_end
    cdef char quote
    while True:
        while p < tag.gt and (p[0] == b' ' or p[0] == b'\t' or p[0] == b'\n' or p[0] == b'\r'):
            p += 1
        if p >= tag.gt:
            return False
        start = p
        eq = <const char*>memchr(p, b'=', tag.gt - p)
        if eq == NULL:
            return False
        p = eq
        while p > start and is_space(p[-1]):  # name = "value" is as good as name="value"
            p -= 1
        name_end = p
        p = eq + 1
        while p < tag.gt and is_space(p[0]):
            p += 1
        if p >= tag.gt:
            return False
        quote = p[0]
        if quote != b'"' and quote != b"'":
            return False
        p += 1
        close = <const char*>memchr(p, quote, tag.gt - p)
        if close == NULL:
            return False
        if name_end - start == name_len and memcmp(start, name, name_len) == 0:
            value[0] = p
            n[0] = close - p
            return True
        p = close + 1


cdef inline void append_utf8(string* out, unsigned int cp) noexcept nogil:
    if cp < 0x80:
        out.push_back(<char>cp)
    elif cp < 0x800:
        out.push_back(<char>(0xC0 | (cp >> 6)))
        out.push_back(<char>(0x80 | (cp & 0x3F)))
    elif cp < 0x10000:
        out.push_back(<char>(0xE0 | (cp >> 12)))
        out.push_back(<char>(0x80 | ((cp >> 6) & 0x3F)))
        out.push_back(<char>(0x80 | (cp & 0x3F)))
    else:
        out.push_back(<char>(0xF0 | (cp >> 18)))
        out.push_back(<char>(0x80 | ((cp >> 12) & 0x3F)))
        out.push_back(<char>(0x80 | ((cp >> 6) & 0x3F)))
        out.push_back(<char>(0x80 | (cp & 0x3F)))


cdef inline int hex_digit(char c) noexcept nogil:
    if c'0' <= c <= c'9':
        return c - c'0'
    if c'a' <= c <= c'f':
        return c - c'a' + 10
    if c'A' <= c <= c'F':
        return c - c'A' + 10
    return -1


cdef inline void decode_text(string* out, const char* p, const char* end) noexcept nogil:
    """Append text content with entities and _xHHHH_ escapes decoded."""
    cdef const char* run
    cdef const char* semi
    cdef const char* amp = <const char*>memchr(p, b'&', end - p)
    cdef const char* escape = <const char*>memchr(p, b'_', end - p)
    cdef unsigned int cp
    cdef int i, d
    if amp == NULL and escape == NULL:
        out.append(p, end - p)
        return
    if amp == NULL or (escape != NULL and escape < amp):
        amp = escape
    out.append(p, amp - p)
    p = amp
    run = p
    while p < end:
        if p[0] == b'&':
            semi = <const char*>memchr(p, b';', end - p)
            if semi == NULL or semi - p > 12:
                p += 1
                continue
            out.append(run, p - run)
            if semi - p == 4 and memcmp(p, b"&amp", 4) == 0:
                out.push_back(b'&')
            elif semi - p == 3 and memcmp(p, b"&lt", 3) == 0:
                out.push_back(b'<')
            elif semi - p == 3 and memcmp(p, b"&gt", 3) == 0:
                out.push_back(b'>')
            elif semi - p == 5 and memcmp(p, b"&quot", 5) == 0:
                out.push_back(b'"')
            elif semi - p == 5 and memcmp(p, b"&apos", 5) == 0:
                out.push_back(b"'")
            elif semi - p >= 3 and p[1] == b'#':
                cp = 0
                if p[2] == b'x' or p[2] == b'X':
                    for i in range(3, semi - p):
                        d = hex_digit(p[i])
                        if d < 0:
                            break
                        cp = cp * 16 + d
                else:
                    for i in range(2, semi - p):
                        if not (c'0' <= p[i] <= c'9'):
                            break
                        cp = cp * 10 + (p[i] - c'0')
                append_utf8(out, cp if cp <= 0x10FFFF else 0xFFFD)
            else:
                out.append(p, semi + 1 - p)
            p = semi + 1
            run = p
        elif p[0] == b'_' and end - p >= 7 and p[1] == b'x' and p[6] == b'_' \
                and hex_digit(p[2]) >= 0 and hex_digit(p[3]) >= 0 and hex_digit(p[4]) >= 0 and hex_digit(p[5]) >= 0:
            out.append(run, p - run)
            append_utf8(out, (hex_digit(p[2]) << 12) | (hex_digit(p[3]) << 8) | (hex_digit(p[4]) << 4) | hex_digit(p[5]))
            p += 7
            run = p
        else:
            p += 1
    out.append(run, end - run)


cdef inline Py_ssize_t space_at(const unsigned char* p, const unsigned char* end) noexcept nogil:
    """Length of the Unicode white space character (as Rust and polars see it) at p, or 0."""
    if p[0] == 0x20 or 0x09 <= p[0] <= 0x0D:
        return 1
    if p[0] == 0xC2 and end - p >= 2 and (p[1] == 0x85 or p[1] == 0xA0):
        return 2
    if end - p >= 3:
        if p[0] == 0xE1 and p[1] == 0x9A and p[2] == 0x80:
            return 3
        if p[0] == 0xE2 and p[1] == 0x80 and (p[2] <= 0x8A or p[2] == 0xA8 or p[2] == 0xA9 or p[2] == 0xAF):
            return 3
        if p[0] == 0xE2 and p[1] == 0x81 and p[2] == 0x9F:
            return 3
        if p[0] == 0xE3 and p[1] == 0x80 and p[2] == 0x80:
            return 3
    return 0


cdef inline void trim_from(string* out, size_t start) noexcept nogil:
    """Strip white space from both ends of the text appended since ``start``."""
    cdef const unsigned char* base = <const unsigned char*>out.data()
    cdef const unsigned char* p = base + start
    cdef const unsigned char* end = base + out.size()
    cdef const unsigned char* q
    cdef Py_ssize_t n
    cdef int k
    while p < end:
        n = space_at(p, end)
        if n == 0:
            break
        p += n
    while end > p:
        q = end - 1
        for k in range(3):  # back to the start of the last character
            if q > p and (q[0] & 0xC0) == 0x80:
                q -= 1
        if space_at(q, end) != end - q:
            break
        end = q
    if p != base + start or end != base + out.size():
        n = end - p
        if n and p != base + start:
            memmove(<char*>out.data() + start, p, n)
        out.resize(start + n)


cdef inline bint rich_text(string* out, const char* p, const char* end) noexcept nogil:
    """Append the text of every <t> inside [p, end) that is not a phonetic run (<rPh>)."""
    cdef Tag tag
    cdef const char* lt
    cdef bint phonetic = False
    while True:
        lt = <const char*>memchr(p, b'<', end - p)
        if lt == NULL or not read_tag(lt, end, &tag):
            return True
        if tag_is(&tag, b"rPh", 3) and not tag.empty:
            phonetic = not tag.closing
        elif tag_is(&tag, b"t", 1) and not tag.closing and not tag.empty and not phonetic:
            p = text_until(out, tag.gt + 1, end)
            if p == NULL:
                return False
            continue
        p = tag.gt + 1
