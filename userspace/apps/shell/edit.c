/*
 * The shell's line editor over raw console input (DmReadConsoleInput): the editing keys
 * arrive as VT100 escape sequences from the serial terminal and, translated by the
 * keyboard driver, from the PS/2 arrows. The screen is redrawn with backspaces, text
 * and blanks only, which the serial terminal and the VGA console both understand.
 * History is a ring of the last lines; Tab cycles through the file names that complete
 * the word before the cursor (in a command's place, programs of C:\Windows\System32 too).
 */
#include "shell.h"

#define HISTORY_MAX  32
#define MATCH_MAX    128 /* names Tab cycles through */
#define MATCH_NAME   64  /* the longest name Tab offers */
#define KEY_EOF      (-1)
#define KEY_UP       0x101
#define KEY_DOWN     0x102
#define KEY_RIGHT    0x103
#define KEY_LEFT     0x104
#define KEY_HOME     0x105
#define KEY_END      0x106
#define KEY_DELETE   0x107
#define KEY_BACKTAB  0x108 /* Shift+Tab */
#define KEY_IGNORED  0x1ff
#define CTRL(c)      ((c) & 0x1f)

static const char system32[] = "C:\\Windows\\System32";

static char history[HISTORY_MAX][SHELL_LINE_MAX + 1];
static int history_count; /* lines in the ring (up to HISTORY_MAX) */
static int history_head;  /* where the next line goes */

static char input[256];
static uint64_t input_len, input_pos;
static bool input_ended, last_was_cr;

struct editor {
    const char *prompt;
    char *buf;
    size_t cap, len, cursor;
};

static void out(const char *s, size_t n)
{
    if (n)
        DmWriteConsole(s, n);
}

static void out_str(const char *s)
{
    out(s, strlen(s));
}

static void backspaces(size_t n)
{
    static const char bs[16] = "\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b";

    for (; n > sizeof bs; n -= sizeof bs)
        out(bs, sizeof bs);
    out(bs, n);
}

static void blanks(size_t n)
{
    static const char sp[16] = "                ";

    for (; n > sizeof sp; n -= sizeof sp)
        out(sp, sizeof sp);
    out(sp, n);
}

/* The next input byte, or KEY_EOF once the input has ended. */
static int next_byte(void)
{
    if (input_pos == input_len) {
        if (input_ended)
            return KEY_EOF;
        uint64_t got = 0;
        dormer_status_t st = DmReadConsoleInput(input, sizeof input, &got);
        if (!NT_SUCCESS(st) || st == STATUS_END_OF_FILE || got == 0) {
            input_ended = true;
            return KEY_EOF;
        }
        input_len = got;
        input_pos = 0;
    }
    return (unsigned char)input[input_pos++];
}

/* A key: a byte, or an editing key decoded from ESC [ ... / ESC O ... */
static int next_key(void)
{
    int c = next_byte();

    if (c != 0x1b)
        return c;
    c = next_byte();
    if (c != '[' && c != 'O')
        return c == KEY_EOF ? KEY_EOF : KEY_IGNORED;
    int param = 0;
    for (;;) {
        c = next_byte();
        if (c == KEY_EOF)
            return KEY_EOF;
        if (c >= '0' && c <= '9')
            param = param * 10 + (c - '0');
        else if (c != ';')
            break;
    }
    switch (c) {
    case 'A':
        return KEY_UP;
    case 'B':
        return KEY_DOWN;
    case 'C':
        return KEY_RIGHT;
    case 'D':
        return KEY_LEFT;
    case 'H':
        return KEY_HOME;
    case 'F':
        return KEY_END;
    case 'Z':
        return KEY_BACKTAB;
    case '~':
        return param == 1 || param == 7   ? KEY_HOME
               : param == 4 || param == 8 ? KEY_END
               : param == 3               ? KEY_DELETE
                                          : KEY_IGNORED;
    default:
        return KEY_IGNORED;
    }
}

/* Shows buf[from..len), blanks out `erase` more cells, and puts the cursor back. */
static void redraw_tail(struct editor *e, size_t from, size_t erase)
{
    out(e->buf + from, e->len - from);
    blanks(erase);
    backspaces(e->len - from + erase - (e->cursor - from));
}

static void insert(struct editor *e, const char *s, size_t n)
{
    if (e->len + n >= e->cap)
        n = e->cap - 1 - e->len;
    if (n == 0)
        return;
    memmove(e->buf + e->cursor + n, e->buf + e->cursor, e->len - e->cursor);
    memcpy(e->buf + e->cursor, s, n);
    e->len += n;
    size_t from = e->cursor;
    e->cursor += n;
    redraw_tail(e, from, 0);
}

static void delete_at_cursor(struct editor *e)
{
    if (e->cursor == e->len)
        return;
    memmove(e->buf + e->cursor, e->buf + e->cursor + 1, e->len - e->cursor - 1);
    e->len--;
    redraw_tail(e, e->cursor, 1);
}

/* Replaces the whole line with s (history). */
static void replace_line(struct editor *e, const char *s)
{
    size_t old = e->len, n = strlen(s);

    backspaces(e->cursor);
    if (n >= e->cap)
        n = e->cap - 1;
    memcpy(e->buf, s, n);
    e->len = e->cursor = n;
    out(e->buf, n);
    if (old > n) {
        blanks(old - n);
        backspaces(old - n);
    }
}

static void history_add(const char *line)
{
    int last = (history_head + HISTORY_MAX - 1) % HISTORY_MAX;

    if (!*line || (history_count && strcmp(history[last], line) == 0))
        return;
    usnprintf(history[history_head], sizeof history[0], "%s", line);
    history_head = (history_head + 1) % HISTORY_MAX;
    if (history_count < HISTORY_MAX)
        history_count++;
}

/* The back-th line from the newest (1: the newest). */
static const char *history_get(int back)
{
    return history[(history_head + HISTORY_MAX - back) % HISTORY_MAX];
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int compare_nocase(const char *a, const char *b)
{
    for (; *a && lower(*a) == lower(*b); a++, b++)
        ;
    return (unsigned char)lower(*a) - (unsigned char)lower(*b);
}

/*
 * Tab completion as cmd does it: the first Tab replaces the word before the cursor with
 * the first name (in alphabetical order) that starts with it, each further Tab with the
 * next (Shift+Tab: the previous), round and round, until another key is pressed. A name
 * with a blank is put in quotes. cd, rd and md complete directories only.
 */
static struct {
    bool active;            /* the last key was Tab or Shift+Tab */
    size_t start;           /* where the replaced text begins in the line */
    size_t dir_len;         /* the directory part of the word, kept as typed */
    char dir[SHELL_PATH_MAX + 1];
    int count, index;
    char names[MATCH_MAX][MATCH_NAME + 1];
} tab;

static void add_match(const char *name)
{
    int i = tab.count;

    for (int k = 0; k < tab.count; k++)
        if (compare_nocase(tab.names[k], name) == 0)
            return; /* a program found in both places */
    if (tab.count == MATCH_MAX)
        return;
    while (i > 0 && compare_nocase(tab.names[i - 1], name) > 0) {
        memcpy(tab.names[i], tab.names[i - 1], sizeof tab.names[0]);
        i--;
    }
    usnprintf(tab.names[i], sizeof tab.names[0], "%s", name);
    tab.count++;
}

/* Adds the names in dir starting with prefix (plen bytes); directories only when
 * dirs_only, and with .exe appended to the pattern when programs. */
static void collect(const char *dir, const char *prefix, size_t plen, bool programs,
                    bool dirs_only)
{
    uint16_t pattern[SHELL_PATH_MAX + 1];
    char pat[SHELL_PATH_MAX + 1], name[SHELL_PATH_MAX + 1];
    struct dormer_find_data fd;
    dormer_handle_t h;

    if (plen > SHELL_PATH_MAX - 8)
        return;
    memcpy(pat, prefix, plen); /* ulib's printf has no %.*s */
    usnprintf(pat + plen, sizeof pat - plen, "*%s", programs ? ".exe" : "");
    size_t n = sh_to_wide(pattern, sizeof pattern / sizeof pattern[0], pat);
    if (!NT_SUCCESS(sh_open(&h, dir, DORMER_FILE_READ_DATA, 7, DORMER_FILE_OPEN,
                            DORMER_FILE_DIRECTORY_FILE)))
        return;
    for (uint64_t restart = 1; NT_SUCCESS(DmQueryDirectoryFile(h, &fd, pattern, n, restart));
         restart = 0) {
        size_t len = sh_from_wide(name, sizeof name, fd.name);
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || len > MATCH_NAME)
            continue;
        if (dirs_only && !(fd.attributes & DORMER_FILE_ATTRIBUTE_DIRECTORY))
            continue;
        add_match(name);
    }
    NtClose(h);
}

/* Is the first word of the command that ends at start one of cd's family? */
static bool wants_directories(const char *line, size_t start)
{
    static const char *const names[] = { "cd", "chdir", "rd", "rmdir", "md", "mkdir" };
    size_t b = start;
    char word[8];

    while (b > 0 && line[b - 1] != '|')
        b--;
    while (b < start && (line[b] == ' ' || line[b] == '\t'))
        b++;
    size_t n = 0;
    while (b + n < start && n + 1 < sizeof word && line[b + n] != ' ' && line[b + n] != '\t')
        n++;
    memcpy(word, line + b, n);
    word[n] = '\0';
    if (b + n == start) /* the word being completed is the command itself */
        return false;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (ulib_strcasecmp(word, names[i]) == 0)
            return true;
    return false;
}

/* Removes the n characters before the cursor. */
static void erase_before(struct editor *e, size_t n)
{
    if (n > e->cursor)
        n = e->cursor;
    if (n == 0)
        return;
    backspaces(n);
    e->cursor -= n;
    memmove(e->buf + e->cursor, e->buf + e->cursor + n, e->len - e->cursor - n);
    e->len -= n;
    redraw_tail(e, e->cursor, n);
}

/* Collects the matches of the word before the cursor; false when there are none. */
static bool tab_begin(struct editor *e)
{
    char word[SHELL_PATH_MAX + 1];
    size_t start = shell_word_start(e->buf, e->len, e->cursor);
    size_t wlen = e->cursor - start;

    if (wlen > SHELL_PATH_MAX - 8)
        return false;
    memcpy(word, e->buf + start, wlen);
    word[wlen] = '\0';
    size_t base = 0; /* where the name being completed starts in word */
    for (size_t i = 0; i < wlen; i++)
        if (word[i] == '\\' || word[i] == '/' || word[i] == ':')
            base = i + 1;
    tab.count = 0;
    tab.start = start;
    tab.dir_len = base;
    memcpy(tab.dir, word, base);
    tab.dir[base] = '\0';
    bool dirs_only = wants_directories(e->buf, start);
    collect(base ? tab.dir : ".", word + base, wlen - base, false, dirs_only);
    /* In a command's place: the programs too. */
    size_t first = 0;
    while (first < start && (e->buf[first] == ' ' || e->buf[first] == '\t'))
        first++;
    bool quoted = start > 0 && e->buf[start - 1] == '"';
    bool command = base == 0 && !quoted &&
                   (first == start || (start > 0 && e->buf[start - 1] == '|'));
    if (command)
        collect(system32, word, wlen, true, false);
    return tab.count > 0;
}

static void complete(struct editor *e, int step)
{
    char text[SHELL_PATH_MAX + MATCH_NAME + 4];

    if (!tab.active) {
        if (!tab_begin(e))
            return;
        tab.index = step > 0 ? 0 : tab.count - 1;
        tab.active = true;
    } else {
        tab.index = (tab.index + step + tab.count) % tab.count;
    }
    /* The word typed (or the last match) goes; this match comes in its place. */
    erase_before(e, e->cursor - tab.start);
    const char *name = tab.names[tab.index];
    bool quote = strchr(name, ' ') && (tab.start == 0 || e->buf[tab.start - 1] != '"');
    usnprintf(text, sizeof text, "%s%s%s%s", quote ? "\"" : "", tab.dir, name,
              quote ? "\"" : "");
    insert(e, text, strlen(text));
}

long sh_read_line(const char *prompt, char *line, size_t cap)
{
    struct editor e = { prompt, line, cap, 0, 0 };
    int back = 0; /* how far into the history (0: the line being typed) */
    static char draft[SHELL_LINE_MAX + 1];

    out_str(prompt);
    tab.active = false;
    for (;;) {
        int k = next_key();
        tab.active = tab.active && (k == '\t' || k == KEY_BACKTAB);
        if (k == '\n' && last_was_cr) {
            last_was_cr = false;
            continue; /* the second half of a CR LF */
        }
        last_was_cr = k == '\r';
        if (k == KEY_EOF) {
            if (e.len == 0) {
                out_str("\n");
                return -1;
            }
            k = '\r'; /* a last line without its Enter still runs */
        }
        switch (k) {
        case '\r':
        case '\n':
            line[e.len] = '\0';
            out_str("\n");
            history_add(line);
            return (long)e.len;
        case CTRL('c'):
            out_str("^C\n");
            line[0] = '\0';
            return 0;
        case '\b':
        case 0x7f:
            if (e.cursor > 0) {
                e.cursor--;
                out_str("\b");
                delete_at_cursor(&e);
            }
            break;
        case KEY_DELETE:
            delete_at_cursor(&e);
            break;
        case KEY_LEFT:
            if (e.cursor > 0) {
                e.cursor--;
                out_str("\b");
            }
            break;
        case KEY_RIGHT:
            if (e.cursor < e.len) {
                out(e.buf + e.cursor, 1);
                e.cursor++;
            }
            break;
        case KEY_HOME:
        case CTRL('a'):
            backspaces(e.cursor);
            e.cursor = 0;
            break;
        case KEY_END:
        case CTRL('e'):
            out(e.buf + e.cursor, e.len - e.cursor);
            e.cursor = e.len;
            break;
        case KEY_UP:
            if (back < history_count) {
                if (back == 0) {
                    memcpy(draft, e.buf, e.len);
                    draft[e.len] = '\0';
                }
                replace_line(&e, history_get(++back));
            }
            break;
        case KEY_DOWN:
            if (back > 0) {
                back--;
                replace_line(&e, back ? history_get(back) : draft);
            }
            break;
        case '\t':
            complete(&e, 1);
            continue;
        case KEY_BACKTAB:
            complete(&e, -1);
            continue;
        default:
            if (k >= ' ' && k < 0x7f) {
                char ch = (char)k;
                insert(&e, &ch, 1);
            }
            break;
        }
    }
}
