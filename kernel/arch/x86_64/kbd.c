/*
 * The PS/2 keyboard (IRQ 1) as a second source of typed input beside the serial
 * line: what a person types into the QEMU window reaches the same console queue.
 * The controller translates to scancode set 1, which is decoded here for a US
 * layout with Shift, Caps Lock and Ctrl (Ctrl+letter gives the control character).
 * The editing keys (arrows, Home, End, Delete) become the escape sequences a VT100
 * terminal sends on the serial line (ESC [ A ...), so a line editor decodes one form.
 * Other keys with no character (function keys, Alt) are ignored.
 */
#include "pc.h"
#include "x86.h"
#include <core/console.h>
#include <stdbool.h>
#include <stdint.h>

#define KBD_DATA     0x60
#define KBD_STATUS   0x64
#define STATUS_FULL  0x01 /* a byte is waiting in the data port */
#define STATUS_AUX   0x20 /* ... and it is from the mouse, not the keyboard */

#define SC_RELEASE   0x80
#define SC_EXTENDED  0xe0
#define SC_LCTRL     0x1d
#define SC_LSHIFT    0x2a
#define SC_RSHIFT    0x36
#define SC_CAPS      0x3a
#define SC_KEYPAD_ENTER 0x1c /* after SC_EXTENDED */
#define SC_KEYPAD_SLASH 0x35 /* after SC_EXTENDED */

/* Set 1 make codes 0x00-0x39 without and with Shift; 0 = no character. */
static const char plain[0x3a] = {
    0,    27,  '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', '\b', '\t',
    'q',  'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\r', 0,   'a',  's',
    'd',  'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0,  '\\', 'z', 'x', 'c',  'v',
    'b',  'n', 'm', ',', '.', '/', 0,   '*', 0,   ' ',
};
static const char shifted[0x3a] = {
    0,    27,  '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', '\b', '\t',
    'Q',  'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\r', 0,   'A',  'S',
    'D',  'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~', 0,   '|', 'Z', 'X', 'C',  'V',
    'B',  'N', 'M', '<', '>', '?', 0,   '*', 0,   ' ',
};

/* Only the interrupt handler touches these. */
static bool shift_down, ctrl_down, caps_on, extended;

static bool is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The escape sequence of an editing key (extended make code), or NULL. */
static const char *editing_key(uint8_t code)
{
    switch (code) {
    case 0x48: return "\x1b[A"; /* up */
    case 0x50: return "\x1b[B"; /* down */
    case 0x4d: return "\x1b[C"; /* right */
    case 0x4b: return "\x1b[D"; /* left */
    case 0x47: return "\x1b[H"; /* home */
    case 0x4f: return "\x1b[F"; /* end */
    case 0x53: return "\x1b[3~"; /* delete */
    default: return NULL;
    }
}

/* The character for one make code, or 0. */
static char decode(uint8_t code)
{
    if (extended) {
        extended = false;
        if (code == SC_KEYPAD_ENTER)
            return '\r';
        return code == SC_KEYPAD_SLASH ? '/' : 0;
    }
    if (code >= sizeof plain)
        return 0;
    char c = plain[code];
    bool upper = shift_down;
    if (is_letter(c) && caps_on)
        upper = !upper;
    if (upper)
        c = shifted[code];
    if (ctrl_down && is_letter(c))
        return (char)(c & 0x1f);
    return c;
}

static void key(uint8_t code)
{
    if (code == SC_EXTENDED) {
        extended = true;
        return;
    }
    bool release = code & SC_RELEASE;
    uint8_t make = code & (uint8_t)~SC_RELEASE;
    if (make == SC_LSHIFT || make == SC_RSHIFT) {
        shift_down = !release; /* either Shift; good enough for typing */
    } else if (make == SC_LCTRL) {
        ctrl_down = !release; /* the right Ctrl is the same code after SC_EXTENDED */
    } else if (make == SC_CAPS) {
        if (!release)
            caps_on = !caps_on;
    } else if (release) {
        extended = false;
    } else if (extended && editing_key(make)) {
        for (const char *seq = editing_key(make); *seq; seq++)
            console_input_push(*seq);
    } else {
        char c = decode(make);
        if (c)
            console_input_push(c);
        return;
    }
    extended = false;
}

static void kbd_irq(void)
{
    uint8_t status;

    while ((status = x86_inb(KBD_STATUS)) & STATUS_FULL) {
        uint8_t code = x86_inb(KBD_DATA);
        if (!(status & STATUS_AUX))
            key(code);
    }
}

void kbd_init(void)
{
    /* No controller: the status port floats high. */
    if (x86_inb(KBD_STATUS) == 0xff)
        return;
    for (int i = 0; i < 64 && (x86_inb(KBD_STATUS) & STATUS_FULL); i++)
        x86_inb(KBD_DATA); /* whatever was typed during boot */
    pic_set_handler(PC_IRQ_KEYBOARD, kbd_irq);
}
