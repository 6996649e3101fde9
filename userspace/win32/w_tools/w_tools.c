/* The code paths of a few small real tools, written as their authors would: a word
 * counter with a hash table, sort(1) over a file read with fgets, CRC-32, base64 both
 * ways, and an RPN calculator on strtod. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct word {
    char *text;
    int count;
    struct word *next;
};

static unsigned hash(const char *s)
{
    unsigned h = 5381;
    while (*s)
        h = h * 33 + (unsigned char)*s++;
    return h;
}

static int by_count(const void *a, const void *b)
{
    const struct word *x = *(const struct word *const *)a, *y = *(const struct word *const *)b;
    if (x->count != y->count)
        return y->count - x->count;
    return strcmp(x->text, y->text);
}

static void word_count(const char *text)
{
    struct word *table[211] = {0}, *all[256];
    int distinct = 0, total = 0;
    char buf[64];

    for (const char *p = text; *p;) {
        while (*p && !isalpha((unsigned char)*p))
            p++;
        size_t n = 0;
        while (isalpha((unsigned char)*p) && n < sizeof buf - 1)
            buf[n++] = (char)tolower((unsigned char)*p++);
        if (!n)
            continue;
        buf[n] = 0;
        total++;
        unsigned h = hash(buf) % 211;
        struct word *w = table[h];
        while (w && strcmp(w->text, buf))
            w = w->next;
        if (!w && distinct < 256) {
            w = malloc(sizeof *w);
            w->text = _strdup(buf);
            w->count = 0;
            w->next = table[h];
            table[h] = w;
            all[distinct++] = w;
        }
        if (w)
            w->count++;
    }
    qsort(all, (size_t)distinct, sizeof all[0], by_count);
    printf("words: %d total, %d distinct; top:", total, distinct);
    for (int i = 0; i < 5 && i < distinct; i++)
        printf(" %s=%d", all[i]->text, all[i]->count);
    printf("\n");
    for (int i = 0; i < distinct; i++) {
        free(all[i]->text);
        free(all[i]);
    }
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sort_file(void)
{
    const char *names[] = {"pear", "apple", "fig", "banana", "cherry", "apple", "date"};
    FILE *f = fopen("wt_lines.txt", "w");
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        fprintf(f, "%s %u\n", names[i], (unsigned)(i * 37 % 11));
    fclose(f);

    char line[128], *lines[64];
    int n = 0;
    f = fopen("wt_lines.txt", "r");
    while (n < 64 && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        lines[n++] = _strdup(line);
    }
    fclose(f);
    remove("wt_lines.txt");
    qsort(lines, (size_t)n, sizeof lines[0], by_string);
    printf("sorted:");
    for (int i = 0; i < n; i++) {
        printf(" [%s]", lines[i]);
        free(lines[i]);
    }
    printf("\n");
}

static uint32_t crc32(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;

    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
    return ~c;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t base64_encode(const unsigned char *in, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? in[i + 1] << 8 : 0) | (i + 2 < n ? in[i + 2] : 0);
        out[o++] = b64[v >> 18 & 63];
        out[o++] = b64[v >> 12 & 63];
        out[o++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? b64[v & 63] : '=';
    }
    out[o] = 0;
    return o;
}

static size_t base64_decode(const char *in, unsigned char *out)
{
    size_t o = 0, n = strlen(in);
    for (size_t i = 0; i + 3 < n; i += 4) {
        uint32_t v = 0;
        int pad = 0;
        for (int k = 0; k < 4; k++) {
            const char *at = strchr(b64, in[i + k]);
            if (in[i + k] == '=') {
                pad++;
                v <<= 6;
            } else {
                v = v << 6 | (uint32_t)(at - b64);
            }
        }
        out[o++] = (unsigned char)(v >> 16);
        if (pad < 2)
            out[o++] = (unsigned char)(v >> 8);
        if (pad < 1)
            out[o++] = (unsigned char)v;
    }
    return o;
}

static double rpn(const char *expr, int *ok)
{
    double stack[32];
    int sp = 0;
    char *end;

    *ok = 1;
    for (const char *p = expr; *p;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        double v = strtod(p, &end);
        if (end != p && (isdigit((unsigned char)*p) || (p[1] && isdigit((unsigned char)p[1])))) {
            stack[sp++] = v;
            p = end;
            continue;
        }
        if (sp < 2) {
            *ok = 0;
            return 0;
        }
        double b = stack[--sp], a = stack[--sp];
        switch (*p++) {
        case '+': stack[sp++] = a + b; break;
        case '-': stack[sp++] = a - b; break;
        case '*': stack[sp++] = a * b; break;
        case '/': stack[sp++] = a / b; break;
        default: *ok = 0; return 0;
        }
    }
    *ok = *ok && sp == 1;
    return sp ? stack[0] : 0;
}

int main(void)
{
    word_count("It was the best of times, it was the worst of times, it was the age of "
               "wisdom, it was the age of foolishness, it was the epoch of belief.");
    sort_file();

    unsigned char data[4096];
    for (int i = 0; i < 4096; i++)
        data[i] = (unsigned char)(i * 31 + (i >> 5));
    printf("crc32(\"123456789\")=%08x crc32(data)=%08x\n",
           crc32((const unsigned char *)"123456789", 9), crc32(data, sizeof data));

    char enc[64];
    unsigned char dec[64];
    const char *msgs[] = {"Dormer", "Dorme", "Dorm", ""};
    for (int i = 0; i < 4; i++) {
        base64_encode((const unsigned char *)msgs[i], strlen(msgs[i]), enc);
        size_t n = base64_decode(enc, dec);
        dec[n] = 0;
        printf("base64 [%s] -> [%s] -> [%s]\n", msgs[i], enc, dec);
    }
    const char *exprs[] = {"3 4 + 2 *", "1.5 2.25 * 0.5 -", "10 3 /", "1 +"};
    for (int i = 0; i < 4; i++) {
        int ok;
        double v = rpn(exprs[i], &ok);
        if (ok)
            printf("rpn [%s] = %.6g\n", exprs[i], v);
        else
            printf("rpn [%s] = error\n", exprs[i]);
    }
    return 0;
}
