/*
 * Path parsing and normalization with Windows' rules, and name comparison. The walk is
 * lexical and single-pass: components are appended to the caller's buffer and ".." pops
 * the last one, so the work is linear in the input and the buffer bounds every write.
 * Names are checked only once they are part of the result, as Windows checks a name
 * when the file system sees it ("a<b\..\c" is "c").
 */
#include <fs/path.h>
#include <lib/errno.h>

#define SEP '\\'

static bool is_sep(uint16_t c)
{
    return c == '\\' || c == '/';
}

static bool is_letter(uint16_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

uint16_t path_fold(uint16_t c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 0xE0 && c <= 0xFE && c != 0xF7))
        return (uint16_t)(c - 32);
    if (c == 0xFF)
        return 0x178;
    return c;
}

bool path_name_equal(const uint16_t *a, size_t alen, const uint16_t *b, size_t blen)
{
    if (alen != blen)
        return false;
    for (size_t i = 0; i < alen; i++) {
        if (path_fold(a[i]) != path_fold(b[i]))
            return false;
    }
    return true;
}

static bool reserved_char(uint16_t c)
{
    return c < 0x20 || c == '<' || c == '>' || c == ':' || c == '"' || c == '|' || c == '?' ||
           c == '*' || c == '/' || c == '\\';
}

/* Does the ASCII word w equal units [0, n) of s without regard to case? */
static bool word_is(const uint16_t *s, size_t n, const char *w)
{
    size_t i = 0;

    for (; i < n && w[i]; i++) {
        if (path_fold(s[i]) != path_fold((uint16_t)(unsigned char)w[i]))
            return false;
    }
    return i == n && !w[i];
}

/* CON, PRN, AUX, NUL, COM1-9, LPT1-9, alone or with an extension, and with spaces
 * before the extension ("nul .txt"), as Win32 treats them. */
static bool device_name(const uint16_t *s, size_t len)
{
    static const char *const plain[] = { "CON", "PRN", "AUX", "NUL" };
    size_t base = 0;

    while (base < len && s[base] != '.')
        base++;
    while (base > 0 && s[base - 1] == ' ')
        base--;
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        if (word_is(s, base, plain[i]))
            return true;
    }
    return base == 4 && (word_is(s, 3, "COM") || word_is(s, 3, "LPT")) && s[3] >= '1' &&
           s[3] <= '9';
}

bool path_name_valid(const uint16_t *name, size_t len)
{
    if (len == 0 || len > PATH_MAX_NAME)
        return false;
    if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
        return false;
    for (size_t i = 0; i < len; i++) {
        if (reserved_char(name[i]))
            return false;
    }
    return !device_name(name, len);
}

/* Appends component [s, s + n) (already stripped) to out[*olen..]. */
static int push(uint16_t *out, size_t cap, size_t *olen, const uint16_t *s, size_t n)
{
    size_t need = *olen + (*olen > 3 ? 1 : 0) + n;

    if (need > PATH_MAX_CHARS)
        return K_EBADNAME;
    if (need + 1 > cap)
        return K_ERANGE;
    if (*olen > 3)
        out[(*olen)++] = SEP;
    for (size_t i = 0; i < n; i++)
        out[(*olen)++] = s[i];
    return 0;
}

/* Drops the last component of out (never the root "X:\"). */
static void pop(uint16_t *out, size_t *olen)
{
    while (*olen > 3 && out[*olen - 1] != SEP)
        (*olen)--;
    if (*olen > 3)
        (*olen)--; /* its separator */
}

/* Walks the components of s[0, n) onto out, applying "." and "..". */
static int walk(const uint16_t *s, size_t n, uint16_t *out, size_t cap, size_t *olen)
{
    size_t i = 0;

    while (i < n) {
        while (i < n && is_sep(s[i]))
            i++;
        size_t start = i;
        while (i < n && !is_sep(s[i]))
            i++;
        size_t clen = i - start;
        if (clen == 0)
            break;
        if (clen == 1 && s[start] == '.')
            continue;
        if (clen == 2 && s[start] == '.' && s[start + 1] == '.') {
            pop(out, olen);
            continue;
        }
        if (clen > PATH_MAX_CHARS)
            return K_EBADNAME;
        while (clen > 0 && (s[start + clen - 1] == '.' || s[start + clen - 1] == ' '))
            clen--;
        if (clen == 0)
            continue; /* only dots and spaces: nothing left of it */
        int rc = push(out, cap, olen, s + start, clen);
        if (rc)
            return rc;
    }
    return 0;
}

/* Sets out to the root of drive (an ASCII letter). */
static void root_of(uint16_t drive, uint16_t *out, size_t *olen)
{
    out[0] = path_fold(drive);
    out[1] = ':';
    out[2] = SEP;
    *olen = 3;
}

/* Is cwd a usable normalized path ("X:\..." with a letter)? */
static bool cwd_ok(const uint16_t *cwd, size_t cwd_len)
{
    return cwd && cwd_len >= 3 && cwd_len <= PATH_MAX_CHARS && is_letter(cwd[0]) &&
           cwd[1] == ':' && cwd[2] == SEP;
}

/* Starts out as a copy of cwd. */
static int start_at_cwd(const uint16_t *cwd, size_t cwd_len, uint16_t *out, size_t cap,
                        size_t *olen)
{
    if (!cwd_ok(cwd, cwd_len))
        return K_ESYNTAX;
    if (cwd_len + 1 > cap)
        return K_ERANGE;
    root_of(cwd[0], out, olen);
    return walk(cwd + 3, cwd_len - 3, out, cap, olen);
}

long path_normalize(const uint16_t *in, size_t len, const uint16_t *cwd, size_t cwd_len,
                    uint16_t *out, size_t cap, bool *dir_only)
{
    size_t n = 0, olen = 0, i = 0;
    int rc = 0;

    if (dir_only)
        *dir_only = false;
    if (!out || cap < 4)
        return K_ERANGE;
    while (n < len && n <= PATH_MAX_CHARS && in[n] != 0)
        n++;
    if (n == 0 || n > PATH_MAX_CHARS)
        return K_EBADNAME;
    /* \\?\X:\... is the same path without the prefix; other \\ forms are not files. */
    if (n >= 2 && is_sep(in[0]) && is_sep(in[1])) {
        if (n >= 6 && in[2] == '?' && is_sep(in[3]) && is_letter(in[4]) && in[5] == ':') {
            in += 4;
            n -= 4;
        } else {
            return K_ESYNTAX;
        }
    }
    if (n >= 2 && is_letter(in[0]) && in[1] == ':') {
        i = 2;
        if (n > 2 && is_sep(in[2]))
            root_of(in[0], out, &olen);
        else if (cwd_ok(cwd, cwd_len) && path_fold(cwd[0]) == path_fold(in[0]))
            rc = start_at_cwd(cwd, cwd_len, out, cap, &olen); /* "C:a": C's directory */
        else
            root_of(in[0], out, &olen);
    } else if (is_sep(in[0])) {
        if (!cwd_ok(cwd, cwd_len))
            return K_ESYNTAX;
        root_of(cwd[0], out, &olen);
    } else {
        rc = start_at_cwd(cwd, cwd_len, out, cap, &olen);
    }
    if (rc)
        return rc;
    rc = walk(in + i, n - i, out, cap, &olen);
    if (rc)
        return rc;
    /* Every component of the result must be a valid name. */
    size_t pos = 0, clen;
    const uint16_t *c;
    while (path_next_component(out, olen, &pos, &c, &clen)) {
        if (!path_name_valid(c, clen))
            return K_EBADNAME;
    }
    if (dir_only)
        *dir_only = n > i && is_sep(in[n - 1]) && olen > 3;
    out[olen] = 0;
    return (long)olen;
}

bool path_next_component(const uint16_t *path, size_t len, size_t *pos, const uint16_t **name,
                         size_t *name_len)
{
    size_t i = *pos < 3 ? 3 : *pos;

    while (i < len && path[i] == SEP)
        i++;
    if (i >= len) {
        *pos = len;
        return false;
    }
    size_t start = i;
    while (i < len && path[i] != SEP)
        i++;
    *name = path + start;
    *name_len = i - start;
    *pos = i;
    return true;
}

size_t path_split_last(const uint16_t *path, size_t len, const uint16_t **last,
                       size_t *last_len)
{
    size_t i = len;

    if (len <= 3) {
        *last = path + len;
        *last_len = 0;
        return len;
    }
    while (i > 3 && path[i - 1] != SEP)
        i--;
    *last = path + i;
    *last_len = len - i;
    return i > 3 ? i - 1 : 3;
}

bool path_match_all(const uint16_t *pattern, size_t plen)
{
    return plen == 0 || (plen == 1 && pattern[0] == '*') ||
           (plen == 3 && pattern[0] == '*' && pattern[1] == '.' && pattern[2] == '*');
}

bool path_match(const uint16_t *pattern, size_t plen, const uint16_t *name, size_t nlen)
{
    size_t p = 0, n = 0, star_p = (size_t)-1, star_n = 0;

    if (path_match_all(pattern, plen))
        return true;
    while (n < nlen) {
        if (p < plen && pattern[p] == '*') {
            star_p = p++;
            star_n = n;
        } else if (p < plen && (pattern[p] == '?' || path_fold(pattern[p]) == path_fold(name[n]))) {
            p++;
            n++;
        } else if (star_p != (size_t)-1) {
            p = star_p + 1;
            n = ++star_n;
        } else {
            return false;
        }
    }
    while (p < plen && pattern[p] == '*')
        p++;
    return p == plen;
}
