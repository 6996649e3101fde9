/*
 * Character classes of the C locale (code page 1252 above 127 is not classified,
 * as in msvcrt's "C" locale). The table is msvcrt's _pctype layout: 257 entries from
 * EOF (-1) up, so mingw's ctype macros index it directly.
 */
#include "crt.h"

/* The header's macro forms would rewrite the definitions below. */
#undef _pctype
#undef _pwctype
#undef __pctype_func
#undef __pwctype_func
#undef isalpha
#undef isupper
#undef islower
#undef isdigit
#undef isxdigit
#undef isspace
#undef ispunct
#undef isalnum
#undef isprint
#undef isgraph
#undef iscntrl
#undef isblank
#undef __isascii
#undef __toascii
#undef __iscsym
#undef __iscsymf
#undef toupper
#undef tolower
#undef _toupper
#undef _tolower
#undef iswalpha
#undef iswupper
#undef iswlower
#undef iswdigit
#undef iswxdigit
#undef iswspace
#undef iswpunct
#undef iswalnum
#undef iswprint
#undef iswgraph
#undef iswcntrl
#undef iswctype
#undef towupper
#undef towlower

static unsigned short table[257];
static LONG table_ready;

static void table_init(void)
{
    if (table_ready)
        return;
    for (int c = 0; c < 128; c++) {
        unsigned short t = 0;
        if (c < 32 || c == 127)
            t |= _CONTROL;
        if (c == ' ' || (c >= 9 && c <= 13))
            t |= _SPACE;
        if (c == ' ')
            t |= _BLANK;
        if (c >= '0' && c <= '9')
            t |= _DIGIT | _HEX;
        if (c >= 'A' && c <= 'Z')
            t |= _UPPER | (c <= 'F' ? _HEX : 0);
        if (c >= 'a' && c <= 'z')
            t |= _LOWER | (c <= 'f' ? _HEX : 0);
        if (c > 32 && c < 127 && !(t & (_DIGIT | _UPPER | _LOWER)))
            t |= _PUNCT;
        if (t & (_UPPER | _LOWER))
            t |= _ALPHA & ~(_UPPER | _LOWER); /* msvcrt's _ALPHA includes both case bits */
        table[c + 1] = t;
    }
    /* "\t" is also a blank in msvcrt's table. */
    table['\t' + 1] |= _BLANK;
    InterlockedExchange(&table_ready, 1);
}

/* Exported as _pctype and _pwctype (see msvcrt.def). */
const unsigned short *crt_pctype;
const unsigned short *crt_pwctype;

const unsigned short *__cdecl __pctype_func(void);
const unsigned short *__cdecl __pctype_func(void)
{
    table_init();
    return table + 1;
}

const wctype_t *__cdecl __pwctype_func(void);
const wctype_t *__cdecl __pwctype_func(void)
{
    table_init();
    return table + 1;
}

void crt_ctype_init(void)
{
    table_init();
    crt_pctype = table + 1;
    crt_pwctype = table + 1;
}

int __cdecl _isctype(int c, int mask)
{
    table_init();
    if (c < -1 || c > 255)
        return 0;
    return table[c + 1] & mask;
}

int __cdecl isalpha(int c) { return _isctype(c, _ALPHA); }
int __cdecl isupper(int c) { return _isctype(c, _UPPER); }
int __cdecl islower(int c) { return _isctype(c, _LOWER); }
int __cdecl isdigit(int c) { return _isctype(c, _DIGIT); }
int __cdecl isxdigit(int c) { return _isctype(c, _HEX); }
int __cdecl isspace(int c) { return _isctype(c, _SPACE); }
int __cdecl ispunct(int c) { return _isctype(c, _PUNCT); }
int __cdecl isalnum(int c) { return _isctype(c, _ALPHA | _DIGIT); }
int __cdecl isprint(int c) { return _isctype(c, _BLANK | _PUNCT | _ALPHA | _DIGIT) && c != '\t'; }
int __cdecl isgraph(int c) { return _isctype(c, _PUNCT | _ALPHA | _DIGIT); }
int __cdecl iscntrl(int c) { return _isctype(c, _CONTROL); }
int __cdecl isblank(int c) { return c == ' ' || c == '\t'; }
int __cdecl __isascii(int c) { return (unsigned)c < 0x80; }
int __cdecl __toascii(int c) { return c & 0x7f; }
int __cdecl __iscsym(int c) { return isalnum(c) || c == '_'; }
int __cdecl __iscsymf(int c) { return isalpha(c) || c == '_'; }

int __cdecl toupper(int c)
{
    return c >= 'a' && c <= 'z' ? c - 32 : c;
}

int __cdecl tolower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

int __cdecl _toupper(int c)
{
    return c - 'a' + 'A';
}

int __cdecl _tolower(int c)
{
    return c - 'A' + 'a';
}

int __cdecl iswctype(wint_t c, wctype_t mask)
{
    return c < 256 ? _isctype((int)c, mask) : 0;
}

int __cdecl iswalpha(wint_t c) { return iswctype(c, _ALPHA); }
int __cdecl iswupper(wint_t c) { return iswctype(c, _UPPER); }
int __cdecl iswlower(wint_t c) { return iswctype(c, _LOWER); }
int __cdecl iswdigit(wint_t c) { return iswctype(c, _DIGIT); }
int __cdecl iswxdigit(wint_t c) { return iswctype(c, _HEX); }
int __cdecl iswspace(wint_t c) { return iswctype(c, _SPACE); }
int __cdecl iswpunct(wint_t c) { return iswctype(c, _PUNCT); }
int __cdecl iswalnum(wint_t c) { return iswctype(c, _ALPHA | _DIGIT); }
int __cdecl iswprint(wint_t c) { return iswctype(c, _BLANK | _PUNCT | _ALPHA | _DIGIT); }
int __cdecl iswgraph(wint_t c) { return iswctype(c, _PUNCT | _ALPHA | _DIGIT); }
int __cdecl iswcntrl(wint_t c) { return iswctype(c, _CONTROL); }

wint_t __cdecl towupper(wint_t c)
{
    return c >= 'a' && c <= 'z' ? c - 32 : c;
}

wint_t __cdecl towlower(wint_t c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}
