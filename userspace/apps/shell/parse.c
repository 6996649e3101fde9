/*
 * The shell's line parser (see parse.h): expansion of %NAME% first, into a bounded
 * buffer, then one left-to-right scan that splits commands, words and redirections.
 * No library calls at all (the same file builds freestanding for Dormer and hosted for
 * the tests); every store is checked against the end of its buffer.
 */
#include "parse.h"

struct sink {
    char *buf;
    size_t len, cap; /* cap excludes the NUL's slot */
};

static bool sink_put(struct sink *s, char c)
{
    if (s->len >= s->cap)
        return false;
    s->buf[s->len++] = c;
    return true;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_operator(char c)
{
    return c == '|' || c == '<' || c == '>';
}

static bool name_char(char c)
{
    return c && c != '%' && !is_blank(c) && !is_operator(c) && c != '"';
}

/* Copies line into out->expanded with %NAME% replaced; false when it does not fit. */
static bool expand(const char *line, size_t len, shell_lookup_fn lookup, void *ctx,
                   struct shell_pipeline *out)
{
    struct sink s = { out->expanded, 0, SHELL_EXPANDED_MAX };

    for (size_t i = 0; i < len; i++) {
        if (line[i] == '%' && lookup) {
            size_t j = i + 1;
            while (j < len && name_char(line[j]))
                j++;
            const char *v = j < len && line[j] == '%' && j > i + 1
                                ? lookup(ctx, line + i + 1, j - i - 1)
                                : NULL;
            if (v) {
                for (size_t k = 0; v[k]; k++)
                    if (k >= SHELL_EXPANDED_MAX || !sink_put(&s, v[k]))
                        return false;
                i = j;
                continue;
            }
        }
        if (!sink_put(&s, line[i]))
            return false;
    }
    s.buf[s.len] = '\0';
    return true;
}

struct scanner {
    const char *p;          /* the expanded line, NUL-terminated */
    struct sink words;      /* every word, each NUL-terminated */
    struct sink texts;      /* each command's text, NUL-terminated */
};

/* Reads a word at sc->p (quotes group and are removed) into the word store; NULL when
 * the store is full. Also appends it as typed to text when text is not NULL. */
static char *read_word(struct scanner *sc, bool *open_quote, struct sink *text)
{
    char *start = sc->words.buf + sc->words.len;
    bool quoted = false;

    while (*sc->p && (quoted || (!is_blank(*sc->p) && !is_operator(*sc->p)))) {
        char c = *sc->p++;
        if (text && !sink_put(text, c))
            return NULL;
        if (c == '"') {
            quoted = !quoted;
            continue;
        }
        if (!sink_put(&sc->words, c))
            return NULL;
    }
    if (!sink_put(&sc->words, '\0'))
        return NULL;
    *open_quote = quoted;
    return start;
}

/* A redirection operator at sc->p: its kind (0 none, '<', '>', '2' for 2>, '&' for
 * 2>&1) and whether it appends; sc->p moves past it. */
static char read_operator(struct scanner *sc, bool *append)
{
    const char *p = sc->p;
    char kind = 0;

    *append = false;
    if (*p == '<') {
        sc->p = p + 1;
        return '<';
    }
    if ((p[0] == '1' || p[0] == '2') && p[1] == '>') {
        kind = p[0] == '2' ? '2' : '>';
        p++;
    } else if (*p == '>') {
        kind = '>';
    } else {
        return 0;
    }
    p++; /* the '>' */
    if (*p == '>') {
        *append = true;
        p++;
    } else if (kind == '2' && p[0] == '&' && p[1] == '1') {
        kind = '&';
        p += 2;
    }
    sc->p = p;
    return kind;
}

static enum shell_parse_result finish_command(struct scanner *sc, struct shell_command *c)
{
    if (c->argc == 0)
        return SHELL_PARSE_EMPTY_COMMAND;
    c->argv[c->argc] = NULL;
    while (sc->texts.len > 0 && c->text < sc->texts.buf + sc->texts.len &&
           is_blank(sc->texts.buf[sc->texts.len - 1]))
        sc->texts.len--;
    if (!sink_put(&sc->texts, '\0'))
        return SHELL_PARSE_TOO_LONG;
    char *t = c->text;
    while (is_blank(*t))
        t++;
    c->text = t;
    return SHELL_PARSE_OK;
}

/* One redirection at sc->p (the operator is next): records it in c. */
static enum shell_parse_result redirect(struct scanner *sc, struct shell_command *c)
{
    bool append, open_quote;
    char kind = read_operator(sc, &append);

    if (kind == '&') {
        c->err_to_out = true;
        c->err_path = NULL;
        return SHELL_PARSE_OK;
    }
    while (is_blank(*sc->p))
        sc->p++;
    if (!*sc->p || is_operator(*sc->p))
        return SHELL_PARSE_NO_TARGET;
    char *w = read_word(sc, &open_quote, NULL);
    if (!w)
        return SHELL_PARSE_TOO_LONG;
    if (open_quote)
        return SHELL_PARSE_OPEN_QUOTE;
    if (!*w)
        return SHELL_PARSE_NO_TARGET;
    if (kind == '<') {
        c->in_path = w;
    } else if (kind == '>') {
        c->out_path = w;
        c->out_append = append;
    } else {
        c->err_path = w;
        c->err_append = append;
        c->err_to_out = false;
    }
    return SHELL_PARSE_OK;
}

/*
 * cmd's internal commands whose name may touch their first argument: `cd..`, `cd\`,
 * `dir/b`, `echo.` (the name ends at one of these characters). Programs are not split:
 * `hello.exe` stays one word.
 */
static const char *const split_names[] = {
    "cd", "chdir", "cls", "copy", "del", "dir", "echo", "erase", "exit", "md",
    "mkdir", "rd", "ren", "rename", "rmdir", "set", "type",
};

static bool name_delimiter(char c)
{
    return c == '.' || c == '\\' || c == '/' || c == ':' || c == '(' || c == '+' || c == '=' ||
           c == ',' || c == ';';
}

static char fold(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* The length of the internal command name p starts with when a delimiter follows it
 * directly (0: none). */
static size_t split_name_length(const char *p)
{
    for (size_t i = 0; i < sizeof split_names / sizeof split_names[0]; i++) {
        const char *n = split_names[i];
        size_t k = 0;
        while (n[k] && fold(p[k]) == n[k])
            k++;
        if (!n[k] && name_delimiter(p[k]))
            return k;
    }
    return 0;
}

static void command_init(struct shell_command *c, char *text)
{
    *c = (struct shell_command){ .argc = 0, .text = text };
}

enum shell_parse_result shell_parse(const char *line, size_t len, shell_lookup_fn lookup,
                                    void *ctx, struct shell_pipeline *out)
{
    size_t n = 0;

    while (n < len && line[n])
        n++;
    out->count = 0;
    if (n > SHELL_LINE_MAX)
        return SHELL_PARSE_TOO_LONG;
    if (!expand(line, n, lookup, ctx, out))
        return SHELL_PARSE_TOO_LONG;
    struct scanner sc = { out->expanded, { out->words, 0, sizeof out->words - 1 },
                          { out->texts, 0, sizeof out->texts - 1 } };
    const char *q = sc.p;
    while (is_blank(*q))
        q++;
    if (!*q)
        return SHELL_PARSE_EMPTY;

    struct shell_command *c = &out->cmds[0];
    command_init(c, sc.texts.buf);
    out->count = 1;
    enum shell_parse_result r;
    for (;;) {
        const char *blanks = sc.p;
        while (is_blank(*sc.p))
            sc.p++;
        if (!*sc.p || *sc.p == '|') {
            if ((r = finish_command(&sc, c)) != SHELL_PARSE_OK)
                return r;
            if (!*sc.p)
                return SHELL_PARSE_OK;
            sc.p++;
            if (out->count == SHELL_MAX_CMDS)
                return SHELL_PARSE_TOO_MANY;
            c = &out->cmds[out->count++];
            command_init(c, sc.texts.buf + sc.texts.len);
            continue;
        }
        bool append;
        struct scanner probe = sc;
        if (read_operator(&probe, &append)) {
            if ((r = redirect(&sc, c)) != SHELL_PARSE_OK)
                return r;
            continue;
        }
        if (c->argc == SHELL_MAX_ARGS)
            return SHELL_PARSE_TOO_MANY;
        struct sink *text = NULL;
        if (c->argc > 0) { /* the blanks before it, as typed, then the word */
            text = &sc.texts;
            for (const char *b = blanks; b < sc.p; b++)
                if (!sink_put(text, *b))
                    return SHELL_PARSE_TOO_LONG;
        }
        size_t split = c->argc == 0 ? split_name_length(sc.p) : 0;
        if (split) { /* the name alone; its argument is the next word */
            char *w = sc.words.buf + sc.words.len;
            for (size_t k = 0; k < split; k++)
                if (!sink_put(&sc.words, sc.p[k]))
                    return SHELL_PARSE_TOO_LONG;
            if (!sink_put(&sc.words, '\0'))
                return SHELL_PARSE_TOO_LONG;
            sc.p += split;
            /* echo's delimiter is not text: `echo.` prints an empty line */
            if (split == 4 && fold(w[0]) == 'e' && fold(w[1]) == 'c') {
                sc.p++;
                c->echo_blank = true;
            }
            c->argv[c->argc++] = w;
            continue;
        }
        bool open_quote;
        char *w = read_word(&sc, &open_quote, text);
        if (!w)
            return SHELL_PARSE_TOO_LONG;
        if (open_quote)
            return SHELL_PARSE_OPEN_QUOTE;
        c->argv[c->argc++] = w;
    }
}

const char *shell_parse_message(enum shell_parse_result r)
{
    switch (r) {
    case SHELL_PARSE_OK:
        return "ok";
    case SHELL_PARSE_EMPTY:
        return "empty line";
    case SHELL_PARSE_TOO_LONG:
        return "the line is too long";
    case SHELL_PARSE_TOO_MANY:
        return "too many words or commands";
    case SHELL_PARSE_NO_TARGET:
        return "a redirection needs a file name";
    case SHELL_PARSE_EMPTY_COMMAND:
        return "a command is missing (around | or a redirection)";
    case SHELL_PARSE_OPEN_QUOTE:
        return "a quote is not closed";
    }
    return "unknown error";
}

size_t shell_word_start(const char *line, size_t len, size_t pos)
{
    if (pos > len)
        pos = len;
    bool quoted = false;
    size_t start = 0;
    for (size_t i = 0; i < pos; i++) {
        char c = line[i];
        if (c == '"') {
            quoted = !quoted;
            start = i + 1;
        } else if (!quoted && (is_blank(c) || is_operator(c))) {
            start = i + 1;
        }
    }
    return start;
}
