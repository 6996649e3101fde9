/*
 * Command-line parsing: one pass at boot splits a private copy into words in place;
 * lookups then scan the word table (a few dozen entries at most).
 */
#include <core/cmdline.h>
#include <lib/string.h>

static char raw_copy[CMDLINE_MAX];
static char words_buf[CMDLINE_MAX];
static const char *keys[CMDLINE_MAX_WORDS];
static const char *values[CMDLINE_MAX_WORDS];
static int word_count;

bool cmdline_init(const char *text, size_t len)
{
    bool complete = true;

    if (len >= CMDLINE_MAX) {
        len = CMDLINE_MAX - 1;
        complete = false;
    }
    /* GRUB passes `"` and `\` escaped with a backslash; undo that. */
    size_t n = 0;
    for (size_t i = 0; i < len && text[i]; i++) {
        if (text[i] == '\\' && i + 1 < len && (text[i + 1] == '"' || text[i + 1] == '\\'))
            i++;
        raw_copy[n++] = text[i];
    }
    raw_copy[n] = '\0';
    len = n;
    memcpy(words_buf, raw_copy, len + 1);
    word_count = 0;

    char *p = words_buf;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            *p++ = '\0';
        if (!*p)
            break;
        if (word_count == CMDLINE_MAX_WORDS) {
            complete = false;
            break;
        }
        keys[word_count] = p;
        values[word_count] = "";
        bool has_value = false;
        for (; *p && *p != ' ' && *p != '\t'; p++) {
            if (*p == '=' && !has_value) {
                /* The first '=' ends the key; later ones belong to the value. */
                *p = '\0';
                values[word_count] = p + 1;
                has_value = true;
            }
        }
        word_count++;
    }
    return complete;
}

const char *cmdline_get(const char *key)
{
    for (int i = word_count - 1; i >= 0; i--) {
        if (strcmp(keys[i], key) == 0)
            return values[i];
    }
    return NULL;
}

bool cmdline_flag(const char *key)
{
    const char *v = cmdline_get(key);

    if (!v)
        return false;
    return strcmp(v, "0") != 0 && strcmp(v, "no") != 0 && strcmp(v, "off") != 0;
}

uint64_t cmdline_get_u64(const char *key, uint64_t min, uint64_t max, uint64_t fallback)
{
    const char *v = cmdline_get(key);
    uint64_t n = 0;

    if (!v || !*v)
        return fallback;
    for (; *v; v++) {
        if (*v < '0' || *v > '9')
            return fallback;
        uint64_t digit = (uint64_t)(*v - '0');
        if (n > (UINT64_MAX - digit) / 10)
            return fallback; /* would wrap */
        n = n * 10 + digit;
    }
    return n < min || n > max ? fallback : n;
}

const char *cmdline_raw(void)
{
    return raw_copy;
}
