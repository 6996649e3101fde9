/*
 * Code pages and strings. The ANSI code page is 1252 (what Windows uses for English and
 * Western European locales) and is also the OEM one here (Dormer's console has no
 * 437 glyphs); UTF-8 (65001) and the other single-byte pages Windows names for
 * Latin-1 and ASCII are converted too. No double-byte code pages.
 */
#include "k32.h"

/* 0x80-0x9F of code page 1252; 0 where 1252 has no character (kept as the byte). */
static const WCHAR cp1252_high[32] = {
    0x20ac, 0,      0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
    0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017d, 0,
    0,      0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
    0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0,      0x017e, 0x0178,
};

size_t k32_wcslen(const WCHAR *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

WCHAR *k32_wcschr(const WCHAR *s, WCHAR c)
{
    for (;; s++) {
        if (*s == c)
            return (WCHAR *)s;
        if (!*s)
            return NULL;
    }
}

static UINT resolve_cp(UINT cp)
{
    if (cp == CP_ACP || cp == CP_OEMCP || cp == CP_THREAD_ACP || cp == CP_MACCP)
        return 1252;
    return cp;
}

static BOOL cp_supported(UINT cp)
{
    return cp == 1252 || cp == CP_UTF8 || cp == 28591 || cp == 20127 || cp == 437;
}

UINT WINAPI GetACP(void)
{
    return 1252;
}

UINT WINAPI GetOEMCP(void)
{
    return 1252;
}

UINT WINAPI GetConsoleCP(void)
{
    return 1252;
}

UINT WINAPI GetConsoleOutputCP(void)
{
    return 1252;
}

BOOL WINAPI SetConsoleOutputCP(UINT cp)
{
    if (!cp_supported(resolve_cp(cp))) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    return TRUE;
}

BOOL WINAPI SetConsoleCP(UINT cp)
{
    return SetConsoleOutputCP(cp);
}

BOOL WINAPI IsValidCodePage(UINT cp)
{
    return cp_supported(cp);
}

BOOL WINAPI GetCPInfo(UINT cp, LPCPINFO info)
{
    cp = resolve_cp(cp);
    if (!info || !cp_supported(cp)) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    memset(info, 0, sizeof *info);
    info->MaxCharSize = cp == CP_UTF8 ? 4 : 1;
    info->DefaultChar[0] = '?';
    return TRUE;
}

BOOL WINAPI IsDBCSLeadByteEx(UINT cp, BYTE c)
{
    (void)cp;
    (void)c;
    return FALSE; /* single-byte code pages only */
}

BOOL WINAPI IsDBCSLeadByte(BYTE c)
{
    (void)c;
    return FALSE;
}

static WCHAR byte_to_wide(UINT cp, unsigned char c)
{
    if (cp == 1252 && c >= 0x80 && c < 0xa0 && cp1252_high[c - 0x80])
        return cp1252_high[c - 0x80];
    return c;
}

/* The byte for w in a single-byte code page, or -1. */
static int wide_to_byte(UINT cp, WCHAR w)
{
    if (w < 0x80)
        return w;
    if (cp == 20127)
        return -1;
    if (cp == 1252) {
        for (int i = 0; i < 32; i++)
            if (cp1252_high[i] == w)
                return 0x80 + i;
        if (w >= 0x80 && w < 0xa0)
            return -1;
    }
    return w < 0x100 ? w : -1;
}

/* Decodes one UTF-8 sequence at s (n bytes left); returns its length, or 0 if invalid. */
static int utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    int len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 :
              (c & 0xf8) == 0xf0 ? 4 : 0;
    static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};

    if (len == 0 || (size_t)len > n)
        return 0;
    uint32_t v = len == 1 ? c : c & (0x7f >> len);
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3f);
    }
    if (v < min[len] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return len;
}

int WINAPI MultiByteToWideChar(UINT cp, DWORD flags, LPCCH src, int srclen, LPWSTR dst,
                               int dstlen)
{
    cp = resolve_cp(cp);
    if (!src || srclen == 0 || dstlen < 0 || (dstlen && !dst) ||
        (dst && (const void *)dst == (const void *)src)) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (!cp_supported(cp)) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return 0;
    }
    size_t n = srclen < 0 ? strlen(src) + 1 : (size_t)srclen;
    const unsigned char *s = (const unsigned char *)src;
    int out = 0;
    for (size_t i = 0; i < n;) {
        WCHAR units[2];
        int count = 1;
        if (cp == CP_UTF8) {
            uint32_t v;
            int len = utf8_decode(s + i, n - i, &v);
            if (len == 0) {
                if (flags & MB_ERR_INVALID_CHARS) {
                    k32_set_error(ERROR_NO_UNICODE_TRANSLATION);
                    return 0;
                }
                v = 0xfffd;
                len = 1;
            }
            i += (size_t)len;
            if (v >= 0x10000) {
                units[0] = (WCHAR)(0xd800 + ((v - 0x10000) >> 10));
                units[1] = (WCHAR)(0xdc00 + ((v - 0x10000) & 0x3ff));
                count = 2;
            } else {
                units[0] = (WCHAR)v;
            }
        } else {
            units[0] = byte_to_wide(cp, s[i++]);
        }
        if (dstlen) {
            if (out + count > dstlen) {
                k32_set_error(ERROR_INSUFFICIENT_BUFFER);
                return 0;
            }
            for (int k = 0; k < count; k++)
                dst[out + k] = units[k];
        }
        out += count;
    }
    return out;
}

int WINAPI WideCharToMultiByte(UINT cp, DWORD flags, LPCWCH src, int srclen, LPSTR dst,
                               int dstlen, LPCCH defchar, LPBOOL used_default)
{
    cp = resolve_cp(cp);
    (void)flags;
    if (!src || srclen == 0 || dstlen < 0 || (dstlen && !dst) || !cp_supported(cp) ||
        (cp == CP_UTF8 && (defchar || used_default))) {
        k32_set_error(ERROR_INVALID_PARAMETER);
        return 0;
    }
    size_t n = srclen < 0 ? k32_wcslen(src) + 1 : (size_t)srclen;
    char fallback = defchar ? *defchar : '?';
    int out = 0;
    if (used_default)
        *used_default = FALSE;
    for (size_t i = 0; i < n;) {
        unsigned char bytes[4];
        int count;
        uint32_t v = src[i++];
        if (cp == CP_UTF8) {
            if (v >= 0xd800 && v < 0xdc00 && i < n && src[i] >= 0xdc00 && src[i] < 0xe000)
                v = 0x10000 + ((v - 0xd800) << 10) + (src[i++] - 0xdc00);
            else if (v >= 0xd800 && v < 0xe000)
                v = 0xfffd; /* a lone surrogate */
            if (v < 0x80) {
                bytes[0] = (unsigned char)v;
                count = 1;
            } else if (v < 0x800) {
                bytes[0] = (unsigned char)(0xc0 | v >> 6);
                bytes[1] = (unsigned char)(0x80 | (v & 0x3f));
                count = 2;
            } else if (v < 0x10000) {
                bytes[0] = (unsigned char)(0xe0 | v >> 12);
                bytes[1] = (unsigned char)(0x80 | ((v >> 6) & 0x3f));
                bytes[2] = (unsigned char)(0x80 | (v & 0x3f));
                count = 3;
            } else {
                bytes[0] = (unsigned char)(0xf0 | v >> 18);
                bytes[1] = (unsigned char)(0x80 | ((v >> 12) & 0x3f));
                bytes[2] = (unsigned char)(0x80 | ((v >> 6) & 0x3f));
                bytes[3] = (unsigned char)(0x80 | (v & 0x3f));
                count = 4;
            }
        } else {
            int b = wide_to_byte(cp, (WCHAR)v);
            if (b < 0) {
                b = (unsigned char)fallback;
                if (used_default)
                    *used_default = TRUE;
            }
            bytes[0] = (unsigned char)b;
            count = 1;
        }
        if (dstlen) {
            if (out + count > dstlen) {
                k32_set_error(ERROR_INSUFFICIENT_BUFFER);
                return 0;
            }
            memcpy(dst + out, bytes, (size_t)count);
        }
        out += count;
    }
    return out;
}

WCHAR *k32_to_wide(const char *s)
{
    int n = MultiByteToWideChar(CP_ACP, 0, s, -1, NULL, 0);
    WCHAR *w;

    if (n <= 0)
        return NULL;
    w = HeapAlloc(k32_process_heap(), 0, (size_t)n * sizeof(WCHAR));
    if (!w) {
        k32_set_error(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    MultiByteToWideChar(CP_ACP, 0, s, -1, w, n);
    return w;
}

char *k32_to_ansi(const WCHAR *s)
{
    int n = WideCharToMultiByte(CP_ACP, 0, s, -1, NULL, 0, NULL, NULL);
    char *a;

    if (n <= 0)
        return NULL;
    a = HeapAlloc(k32_process_heap(), 0, (size_t)n);
    if (!a) {
        k32_set_error(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    WideCharToMultiByte(CP_ACP, 0, s, -1, a, n, NULL, NULL);
    return a;
}

DWORD k32_copy_out_ansi(const WCHAR *src, char *buf, DWORD size)
{
    int need = WideCharToMultiByte(CP_ACP, 0, src, -1, NULL, 0, NULL, NULL);

    if (need <= 0)
        return 0;
    if ((DWORD)need > size)
        return (DWORD)need;
    WideCharToMultiByte(CP_ACP, 0, src, -1, buf, need, NULL, NULL);
    return (DWORD)need - 1;
}

/* ------------------------------------------------------------------ lstr* ---- */

int WINAPI lstrlenA(LPCSTR s)
{
    return s ? (int)strlen(s) : 0;
}

int WINAPI lstrlenW(LPCWSTR s)
{
    return s ? (int)k32_wcslen(s) : 0;
}

LPSTR WINAPI lstrcpyA(LPSTR dst, LPCSTR src)
{
    memmove(dst, src, strlen(src) + 1);
    return dst;
}

LPWSTR WINAPI lstrcpyW(LPWSTR dst, LPCWSTR src)
{
    memmove(dst, src, (k32_wcslen(src) + 1) * sizeof(WCHAR));
    return dst;
}

LPSTR WINAPI lstrcatA(LPSTR dst, LPCSTR src)
{
    lstrcpyA(dst + strlen(dst), src);
    return dst;
}

LPWSTR WINAPI lstrcatW(LPWSTR dst, LPCWSTR src)
{
    lstrcpyW(dst + k32_wcslen(dst), src);
    return dst;
}

static int fold_char(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

int WINAPI lstrcmpA(LPCSTR a, LPCSTR b)
{
    int c = strcmp(a ? a : "", b ? b : "");
    return c < 0 ? -1 : c > 0;
}

int WINAPI lstrcmpiA(LPCSTR a, LPCSTR b)
{
    const unsigned char *x = (const unsigned char *)(a ? a : "");
    const unsigned char *y = (const unsigned char *)(b ? b : "");

    for (;; x++, y++) {
        int c = fold_char(*x) - fold_char(*y);
        if (c || !*x)
            return c < 0 ? -1 : c > 0;
    }
}

int WINAPI lstrcmpW(LPCWSTR a, LPCWSTR b)
{
    const WCHAR *x = a ? a : L"", *y = b ? b : L"";

    for (;; x++, y++)
        if (*x != *y || !*x)
            return *x < *y ? -1 : *x > *y;
}

int WINAPI lstrcmpiW(LPCWSTR a, LPCWSTR b)
{
    const WCHAR *x = a ? a : L"", *y = b ? b : L"";

    for (;; x++, y++) {
        int c = fold_char(*x) - fold_char(*y);
        if (c || !*x)
            return c < 0 ? -1 : c > 0;
    }
}
