/* Math from msvcrt (built on mingw-w64's libmingwex). */
#include <math.h>
#include <stdio.h>

int main(void)
{
    double xs[] = {0.5, 1.0, 2.0, 10.0};
    int e;

    for (int i = 0; i < 4; i++) {
        double x = xs[i];
        printf("x=%.1f sqrt=%.6f exp=%.6f log=%.6f log10=%.6f\n", x, sqrt(x), exp(x), log(x),
               log10(x));
        printf("      sin=%.6f cos=%.6f tan=%.6f atan=%.6f\n", sin(x), cos(x), tan(x), atan(x));
        printf("      sinh=%.6f cosh=%.6f tanh=%.6f\n", sinh(x), cosh(x), tanh(x));
    }
    printf("asin(0.5)=%.6f acos(0.5)=%.6f atan2(1,-1)=%.6f\n", asin(0.5), acos(0.5),
           atan2(1, -1));
    printf("pow(2,10)=%.1f pow(2,0.5)=%.6f fmod(10,3)=%.1f\n", pow(2, 10), pow(2, 0.5),
           fmod(10, 3));
    printf("floor(-1.5)=%.1f ceil(-1.5)=%.1f fabs(-3)=%.1f\n", floor(-1.5), ceil(-1.5), fabs(-3));
    double m = frexp(48.0, &e);
    printf("frexp(48)=%.4f * 2^%d ldexp=%.1f\n", m, e, ldexp(m, e));
    double ip, fp = modf(3.75, &ip);
    printf("modf(3.75)=%.2f + %.2f\n", ip, fp);
    return 0;
}
