/*
 * msvcrt's exported variables and the __p__ functions that return their addresses.
 * Kept apart from the CRT headers, which define most of these names as macros over
 * those very functions (so the rest of msvcrt reaches them the same way programs do).
 */
#include <stddef.h>

char *_acmdln;
unsigned short *_wcmdln;
int _fmode; /* 0: text */
int _commode;
char **__initenv;
unsigned short **__winitenv;
int __argc;
char **__argv;
unsigned short **__wargv;
char **_environ;
unsigned short **_wenviron;
int __app_type;
unsigned int __lc_codepage = 1252;
int __mb_cur_max = 1;

int *__p___argc(void);
char ***__p___argv(void);
unsigned short ***__p___wargv(void);
char ***__p__environ(void);
unsigned short ***__p__wenviron(void);
int *__p__fmode(void);
int *__p__commode(void);
char **__p__acmdln(void);
unsigned short **__p__wcmdln(void);
unsigned int *__p___lc_codepage(void);

int *__p___argc(void) { return &__argc; }
char ***__p___argv(void) { return &__argv; }
unsigned short ***__p___wargv(void) { return &__wargv; }
char ***__p__environ(void) { return &_environ; }
unsigned short ***__p__wenviron(void) { return &_wenviron; }
int *__p__fmode(void) { return &_fmode; }
int *__p__commode(void) { return &_commode; }
char **__p__acmdln(void) { return &_acmdln; }
unsigned short **__p__wcmdln(void) { return &_wcmdln; }
unsigned int *__p___lc_codepage(void) { return &__lc_codepage; }

/* The import-pointer names the CRT headers use for some of them inside msvcrt. */
int *__imp___argc = &__argc;
char ***__imp___argv = &__argv;
unsigned short ***__imp___wargv = &__wargv;
char ***__imp__environ = &_environ;
unsigned short ***__imp__wenviron = &_wenviron;
