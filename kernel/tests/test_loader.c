/*
 * In-kernel tests of the loader's pure parts: the protection runs of an image, which
 * both the long road (protecting a freshly copied image) and prepared views use.
 */
#include <core/ktest.h>
#include <lib/string.h>
#include <loader/image_section.h>

/* An image of `pages` pages with sections given as (rva, vsize, prot) triples. */
static void make_image(struct pe_image *pe, uint32_t pages, const uint32_t (*secs)[3],
                       uint32_t n)
{
    memset(pe, 0, sizeof *pe);
    pe->size_of_image = pages * PAGE_SIZE;
    pe->num_sections = n;
    pe->sections = pe->inline_sections;
    for (uint32_t i = 0; i < n; i++) {
        pe->sections[i].rva = secs[i][0];
        pe->sections[i].vsize = secs[i][1];
        pe->sections[i].prot = secs[i][2];
    }
}

/* The runs as a string, one letter per page: r, w (read-write), x (read-execute). */
static const char *runs_text(const struct pe_image *pe)
{
    static char text[64];
    struct vm_view_run runs[IMAGE_SECTION_MAX_RUNS(pe)];
    size_t n = image_section_runs(pe, runs), at = 0;

    for (size_t i = 0; i < n; i++) {
        char c = (runs[i].prot & VM_EXEC) ? 'x' : (runs[i].prot & VM_WRITE) ? 'w' : 'r';
        for (uint32_t j = 0; j < runs[i].pages && at + 1 < sizeof text; j++)
            text[at++] = c;
        if (i > 0 && runs[i].prot == runs[i - 1].prot)
            return "unmerged"; /* neighbours always differ */
    }
    text[at] = '\0';
    return text;
}

KTEST(loader_protection_runs_follow_the_sections)
{
    static struct pe_image pe;
    const uint32_t R = PE_PROT_R, RW = PE_PROT_R | PE_PROT_W, RX = PE_PROT_R | PE_PROT_X;

    /* A mingw-like layout: headers, .text, .data, .rdata (two pages), .bss, .idata. */
    const uint32_t usual[][3] = {
        { 0x1000, 0x1800, RX }, { 0x3000, 0x200, RW }, { 0x4000, 0x1100, R },
        { 0x6000, 0x300, RW }, { 0x7000, 0x600, RW },
    };
    make_image(&pe, 8, usual, 5);
    KT_EXPECT(strcmp(runs_text(&pe), "rxxwrrww") == 0);

    /* A page two sections share takes the later one's protection; a read-only section
     * sharing a page with a writable one leaves it writable (it is never protected). */
    const uint32_t shared[][3] = {
        { 0x1000, 0x1200, RW }, { 0x2200, 0x100, R }, { 0x2400, 0xc00, RX },
    };
    make_image(&pe, 4, shared, 3);
    KT_EXPECT(strcmp(runs_text(&pe), "rwxr") == 0);
    const uint32_t shared2[][3] = { { 0x1000, 0x1200, RW }, { 0x2200, 0x1000, R } };
    make_image(&pe, 4, shared2, 2);
    KT_EXPECT(strcmp(runs_text(&pe), "rwwr") == 0);

    /* Small alignment: several sections in one page, the last non-read-only one wins. */
    const uint32_t tiny[][3] = { { 0x200, 0x100, RW }, { 0x400, 0x100, R }, { 0x600, 0x80, RW } };
    make_image(&pe, 1, tiny, 3);
    KT_EXPECT(strcmp(runs_text(&pe), "w") == 0);

    /* A section running past SizeOfImage is cut; one of size 0 adds nothing. */
    const uint32_t past[][3] = { { 0x1000, 0x5000, RX }, { 0x3000, 0, RW } };
    make_image(&pe, 3, past, 2);
    KT_EXPECT(strcmp(runs_text(&pe), "rxx") == 0);
}
