/* lwIP includes <stdlib.h> for atoi (netif_find); Dormer's kernel has lib/fmt. */
#ifndef DORMER_LWIP_STDLIB_H
#define DORMER_LWIP_STDLIB_H

int net_port_atoi(const char *s);
#define atoi net_port_atoi

#endif
