/* lwIP includes <string.h>: Dormer's kernel string routines. */
#include <lib/string.h>
