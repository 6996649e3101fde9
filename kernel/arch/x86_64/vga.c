/*
 * VGA text-mode console (80x25 at physical 0xb8000, as GRUB leaves it in BIOS boot).
 * Each printk level has its own colour; the screen scrolls by moving rows up. The
 * hardware cursor follows the output. Of the ANSI escapes a serial terminal obeys, the
 * few the shell sends are honoured (ESC [ 2 J clear, ESC [ H home, ESC [ K clear to the
 * end of the line); any other escape sequence is swallowed, never shown as text.
 */
#include "pc.h"
#include "x86.h"
#include <arch/layout.h>
#include <core/console.h>
#include <core/printk.h>
#include <lib/string.h>
#include <stdbool.h>
#include <stdint.h>

#define VGA_PHYS    0xb8000
#define VGA_COLS    80
#define VGA_ROWS    25
#define CRTC_INDEX  0x3d4
#define CRTC_DATA   0x3d5

enum vga_color {
    VGA_BLACK = 0, VGA_BLUE = 1, VGA_GREEN = 2, VGA_CYAN = 3, VGA_RED = 4,
    VGA_MAGENTA = 5, VGA_BROWN = 6, VGA_LIGHT_GREY = 7, VGA_DARK_GREY = 8,
    VGA_LIGHT_BLUE = 9, VGA_LIGHT_GREEN = 10, VGA_LIGHT_CYAN = 11, VGA_LIGHT_RED = 12,
    VGA_PINK = 13, VGA_YELLOW = 14, VGA_WHITE = 15,
};

#define VGA_ATTR(fg, bg) ((uint8_t)((bg) << 4 | (fg)))

static const uint8_t level_attr[] = {
    [LOG_TRACE] = VGA_ATTR(VGA_DARK_GREY, VGA_BLACK),
    [LOG_DEBUG] = VGA_ATTR(VGA_LIGHT_CYAN, VGA_BLACK),
    [LOG_INFO] = VGA_ATTR(VGA_LIGHT_GREY, VGA_BLACK),
    [LOG_WARN] = VGA_ATTR(VGA_YELLOW, VGA_BLACK),
    [LOG_ERROR] = VGA_ATTR(VGA_LIGHT_RED, VGA_BLACK),
    [LOG_RAW] = VGA_ATTR(VGA_WHITE, VGA_BLACK),
};

static volatile uint16_t *vga_buf;
static int vga_row, vga_col;

static void vga_move_cursor(void)
{
    uint16_t pos = (uint16_t)(vga_row * VGA_COLS + vga_col);

    x86_outb(CRTC_INDEX, 0x0f);
    x86_outb(CRTC_DATA, (uint8_t)pos);
    x86_outb(CRTC_INDEX, 0x0e);
    x86_outb(CRTC_DATA, (uint8_t)(pos >> 8));
}

static void vga_clear_row(int row, uint8_t attr)
{
    for (int c = 0; c < VGA_COLS; c++)
        vga_buf[row * VGA_COLS + c] = (uint16_t)(attr << 8 | ' ');
}

static void vga_newline(uint8_t attr)
{
    vga_col = 0;
    if (++vga_row < VGA_ROWS)
        return;
    for (int i = 0; i < (VGA_ROWS - 1) * VGA_COLS; i++)
        vga_buf[i] = vga_buf[i + VGA_COLS];
    vga_row = VGA_ROWS - 1;
    vga_clear_row(vga_row, attr);
}

/* Escape state: 0 none, 1 after ESC, 2 inside ESC [ (parameters so far in esc_arg). */
static int esc_state, esc_arg;

static void vga_escape_end(char final, uint8_t attr)
{
    switch (final) {
    case 'J':
        if (esc_arg == 2) {
            for (int r = 0; r < VGA_ROWS; r++)
                vga_clear_row(r, attr);
            vga_row = vga_col = 0;
        }
        break;
    case 'H':
        vga_row = vga_col = 0;
        break;
    case 'K':
        for (int c = vga_col; c < VGA_COLS; c++)
            vga_buf[vga_row * VGA_COLS + c] = (uint16_t)(attr << 8 | ' ');
        break;
    }
}

/* Consumes c if it belongs to an escape sequence; true then. */
static bool vga_escape(char c, uint8_t attr)
{
    if (esc_state == 0 && c != 0x1b)
        return false;
    if (c == 0x1b) {
        esc_state = 1;
    } else if (esc_state == 1) {
        esc_state = c == '[' ? 2 : 0;
        esc_arg = 0;
    } else if (c >= '0' && c <= '9') {
        esc_arg = esc_arg < 1000 ? esc_arg * 10 + (c - '0') : esc_arg;
    } else if (c == ';' || c == '?') {
        esc_arg = c == ';' ? 0 : esc_arg;
    } else {
        esc_state = 0;
        vga_escape_end(c, attr);
    }
    return true;
}

static void vga_putc(char c, uint8_t attr)
{
    if (vga_escape(c, attr))
        return;
    switch (c) {
    case '\n':
        vga_newline(attr);
        return;
    case '\r':
        vga_col = 0;
        return;
    case '\b':
        if (vga_col > 0)
            vga_col--;
        return;
    case '\t':
        do
            vga_putc(' ', attr);
        while (vga_col % 8);
        return;
    }
    vga_buf[vga_row * VGA_COLS + vga_col] = (uint16_t)(attr << 8 | (uint8_t)c);
    if (++vga_col == VGA_COLS)
        vga_newline(attr);
}

static void vga_write(const char *s, size_t len, int level)
{
    uint8_t attr = level_attr[(level >= LOG_TRACE && level <= LOG_RAW) ? level : LOG_RAW];

    for (size_t i = 0; i < len; i++)
        vga_putc(s[i], attr);
    vga_move_cursor();
}

static struct console vga_console = { .name = "vga", .write = vga_write };

void vga_init(void)
{
    vga_buf = phys_to_virt(VGA_PHYS);
    for (int r = 0; r < VGA_ROWS; r++)
        vga_clear_row(r, level_attr[LOG_INFO]);
    vga_row = vga_col = 0;
    vga_move_cursor();
    console_register(&vga_console);
}
