/* lwIP's arch.h may include <stdio.h>; its diagnostics go through printk (arch/cc.h). */
