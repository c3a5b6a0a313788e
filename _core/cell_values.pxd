# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
# Cell values of the scanner (sheetscan.pyx): numbers as text, Excel serial dates, integers,
# cell references. Header only, cimported by bare name.
#
# strtod and snprintf follow the C library's numeric locale. Python leaves it at "C" (a point
# as the decimal separator) unless a program calls setlocale(LC_NUMERIC, ...) itself; most
# numbers (integers, short decimals) never reach them (see plain_number).
from libc.math cimport floor, isfinite
from libc.stdint cimport int64_t
from libc.stdio cimport snprintf
from libc.stdlib cimport strtod
from libc.string cimport memcpy
from libcpp.string cimport string


cdef inline bint plain_number(const char* p, const char* e) noexcept nogil:
    """Whether the text is already a number's shortest positional form (e.g. 4096, -0.25)."""
    cdef const char* q = p
    cdef int digits = 0
    cdef bint point = False
    if q < e and q[0] == b'-':
        q += 1
    if q >= e or not (c'0' <= q[0] <= c'9'):
        return False
    if q[0] == b'0' and q + 1 < e and q[1] != b'.':
        return False
    while q < e:
        if c'0' <= q[0] <= c'9':
            if digits or q[0] != b'0':
                digits += 1
        elif q[0] == b'.' and not point:
            point = True
        else:
            return False
        q += 1
    if point and (e[-1] == b'0' or e[-1] == b'.'):
        return False
    return digits <= 15


cdef inline void append_number(string* out, const char* p, const char* e) noexcept nogil:
    """Append a numeric cell as its shortest round-trip positional text (1E+20 -> 100000...)."""
    cdef char buf[40]
    cdef char text[64]
    cdef double value, back
    cdef int precision, length, exponent, i, k
    cdef char* mark
    cdef const char* digits
    if plain_number(p, e):
        out.append(p, e - p)
        return
    length = min(<int>(e - p), 63)
    memcpy(text, p, length)
    text[length] = 0
    value = strtod(text, &mark)
    if mark == text or not isfinite(value):
        out.append(p, e - p)
        return
    for precision in range(1, 18):
        snprintf(buf, sizeof(buf), b"%.*e", precision - 1, value)
        back = strtod(buf, NULL)
        if back == value:
            break
    # buf is [-]d[.ddd]e[+-]xx: collect the digits and the exponent
    mark = buf
    if mark[0] == b'-':
        out.push_back(b'-')
        mark += 1
    k = 0
    for i in range(40):
        if mark[i] == b'e':
            break
        if mark[i] != b'.':
            text[k] = mark[i]
            k += 1
    exponent = <int>strtod(mark + i + 1, NULL)
    while k > 1 and text[k - 1] == b'0':
        k -= 1
    if exponent >= 0:
        for i in range(max(k, exponent + 1)):
            out.push_back(text[i] if i < k else b'0')
            if i == exponent and i + 1 < k:
                out.push_back(b'.')
    else:
        out.append(b"0.", 2)
        for i in range(-exponent - 1):
            out.push_back(b'0')
        out.append(text, k)


cdef inline void append_datetime(string* out, double serial) noexcept nogil:
    """Append an Excel serial date (1900 system, already shifted for 1904) as YYYY-MM-DD HH:MM:SS[.mmm]."""
    cdef char buf[32]
    cdef int64_t day = <int64_t>floor(serial)
    cdef int64_t millis = <int64_t>floor((serial - day) * 86400000.0 + 0.5)
    cdef int64_t seconds, z, era, doe, yoe, y, doy, mp, d, m
    cdef int length
    if millis >= 86400000:
        day += 1
        millis -= 86400000
    seconds = millis // 1000
    if day < 61:  # Excel counts a 29 February 1900 that never was
        day += 1
    z = day - 25569 + 719468  # days since 0000-03-01
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    if m <= 2:
        y += 1
    length = snprintf(buf, sizeof(buf), b"%04d-%02d-%02d %02d:%02d:%02d", <int>y, <int>m, <int>d,
                      <int>(seconds // 3600), <int>(seconds // 60 % 60), <int>(seconds % 60))
    out.append(buf, <size_t>length)
    if millis % 1000:
        length = snprintf(buf, sizeof(buf), b".%03d", <int>(millis % 1000))
        out.append(buf, <size_t>length)


cdef inline int64_t parse_int(const char* p, Py_ssize_t n) noexcept nogil:
    """A non-negative decimal integer, or -1."""
    cdef int64_t value = 0
    cdef Py_ssize_t i
    if n <= 0 or n > 18:
        return -1
    for i in range(n):
        if not (c'0' <= p[i] <= c'9'):
            return -1
        value = value * 10 + (p[i] - c'0')
    return value


cdef inline Py_ssize_t column_index(const char* p, Py_ssize_t n) noexcept nogil:
    """The 0-based column of a cell reference such as 'AB12', or -1."""
    cdef Py_ssize_t col = 0, i = 0
    while i < n and (c'A' <= p[i] <= c'Z' or c'a' <= p[i] <= c'z'):  # a1 is A1, as spreadsheets read it
        col = col * 26 + ((p[i] & ~0x20) - c'A' + 1)
        i += 1
    return col - 1 if 0 < i <= 3 else -1


cdef inline double serial_date(const char* p, const char* e, double shift) noexcept nogil:
    """The serial date (1900 system, ``shift`` added for 1904) of a date-styled number cell's text, or -1 if the
    text is not a number or the date lies outside the years 1900-9999 that spreadsheets show (NaN, inf, 1e20,
    negative numbers)."""
    cdef char text[64]
    cdef char* mark
    cdef double value
    cdef int length
    while p < e and (p[0] == b' ' or p[0] == b'\t' or p[0] == b'\n' or p[0] == b'\r'):
        p += 1
    while e > p and (e[-1] == b' ' or e[-1] == b'\t' or e[-1] == b'\n' or e[-1] == b'\r'):
        e -= 1
    length = <int>(e - p)
    if length == 0 or length > 63:
        return -1
    memcpy(text, p, length)
    text[length] = 0
    value = strtod(text, &mark)
    if mark != text + length or not isfinite(value) or value < 0:
        return -1
    value += shift
    return value if value < 2958466.0 else -1  # 2958466 is 10000-01-01
