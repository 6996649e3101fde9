/*
 * The math functions msvcrt exports that mingw-w64's libmingwex does not already
 * provide (sin, cos, exp, log, pow, sqrt, floor, ceil, fmod, atan2, ... come from it,
 * linked in as they are). These are built from those.
 */
#include "crt.h"
#include <math.h>

double __cdecl tan(double x) { return sin(x) / cos(x); }
double __cdecl atan(double x) { return atan2(x, 1.0); }
double __cdecl asin(double x) { return atan2(x, sqrt((1.0 - x) * (1.0 + x))); }
double __cdecl acos(double x) { return atan2(sqrt((1.0 - x) * (1.0 + x)), x); }
double __cdecl log10(double x) { return log(x) * 0.43429448190325182765; }

double __cdecl sinh(double x)
{
    double e = exp(x);
    return (e - 1.0 / e) / 2.0;
}

double __cdecl cosh(double x)
{
    double e = exp(x);
    return (e + 1.0 / e) / 2.0;
}

double __cdecl tanh(double x)
{
    if (x > 20)
        return 1.0;
    if (x < -20)
        return -1.0;
    double e = exp(2 * x);
    return (e - 1.0) / (e + 1.0);
}

double __cdecl frexp(double x, int *exp_out)
{
    union { double d; unsigned long long u; } v = {x};
    int e = (int)(v.u >> 52 & 0x7ff);

    if (x == 0 || e == 0x7ff) {
        *exp_out = 0;
        return x;
    }
    if (e == 0) { /* subnormal: scale into the normal range first */
        v.d = x * 0x1p64;
        e = (int)(v.u >> 52 & 0x7ff) - 64;
    }
    *exp_out = e - 1022;
    v.u = (v.u & ~(0x7ffull << 52)) | (1022ull << 52);
    return v.d;
}

double __cdecl _hypot(double x, double y) { return hypot(x, y); }
double __cdecl _copysign(double x, double y) { return copysign(x, y); }
int __cdecl _isnan(double x) { return x != x; }
int __cdecl _finite(double x) { return !(x != x) && x - x == 0; }

/* libmingwex's math functions report domain and range errors here: errno, as msvcrt
 * sets it (no _matherr callback). */
void __mingw_raise_matherr(int type, const char *name, double a1, double a2, double result);
void __mingw_raise_matherr(int type, const char *name, double a1, double a2, double result)
{
    (void)name;
    (void)a1;
    (void)a2;
    (void)result;
    errno = type == _DOMAIN || type == _SING ? EDOM : ERANGE;
}
