/*
 * ipconfig: the default network interface's IPv4 configuration, laid out as Windows'
 * ipconfig lays it out (DmNetQueryAddress). Exit status 0.
 */
#include <dormer.h>

static void print_ipv4(const char *label, uint32_t a)
{
    uprintf("   %s : %u.%u.%u.%u\n", label, a & 0xFF, (a >> 8) & 0xFF, (a >> 16) & 0xFF,
            a >> 24);
}

int main(void)
{
    struct dormer_net_address a;
    dormer_status_t st = DmNetQueryAddress(&a);

    if (st != STATUS_SUCCESS) {
        uprintf("ipconfig: cannot query the network (status 0x%08x)\n", (unsigned)st);
        return 1;
    }
    uprintf("\nDormer IP Configuration\n\n");
    if (!a.name[0]) {
        uprintf("No network adapter.\n");
        return 0;
    }
    uprintf("Ethernet adapter %s:\n\n", a.name);
    uprintf("   Physical Address. . . . . . . . . : %02X-%02X-%02X-%02X-%02X-%02X\n", a.mac[0],
            a.mac[1], a.mac[2], a.mac[3], a.mac[4], a.mac[5]);
    uprintf("   DHCP Enabled. . . . . . . . . . . : Yes\n");
    if (!a.address) {
        uprintf("   Media State . . . . . . . . . . . : waiting for a DHCP lease\n");
        return 0;
    }
    print_ipv4("IPv4 Address. . . . . . . . . . .", a.address);
    print_ipv4("Subnet Mask . . . . . . . . . . .", a.netmask);
    if (a.gateway)
        print_ipv4("Default Gateway . . . . . . . . .", a.gateway);
    else
        uprintf("   Default Gateway . . . . . . . . . :\n");
    if (a.dns)
        print_ipv4("DNS Servers . . . . . . . . . . .", a.dns);
    return 0;
}
