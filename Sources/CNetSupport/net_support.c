#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_tun.h>
#include <linux/ipv6.h>
#include "net_support.h"

int chapd_tun_open(const char *pattern, char *name, size_t name_len) {
    if (strlen(pattern) >= IFNAMSIZ) { errno = ENAMETOOLONG; return -1; }
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return -1;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    strncpy(ifr.ifr_name, pattern, IFNAMSIZ - 1);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    snprintf(name, name_len, "%s", ifr.ifr_name);
    return fd;
}

/* One request on a throw-away socket of this family. */
static int if_ioctl(int family, unsigned long request, void *arg) {
    int s = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) return -1;
    int r = ioctl(s, request, arg);
    int saved = errno;
    close(s);
    errno = saved;
    return r < 0 ? -1 : 0;
}

static void put_ipv4(struct sockaddr *sa, uint32_t address) {
    struct sockaddr_in *in = (struct sockaddr_in *)sa;
    memset(in, 0, sizeof *in);
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = htonl(address);
}

static int name_request(struct ifreq *ifr, const char *name) {
    if (strlen(name) >= IFNAMSIZ) { errno = ENAMETOOLONG; return -1; }
    memset(ifr, 0, sizeof *ifr);
    strncpy(ifr->ifr_name, name, IFNAMSIZ - 1);
    return 0;
}

int chapd_if_set_ipv4(const char *name, uint32_t local, uint32_t remote) {
    struct ifreq ifr;
    if (name_request(&ifr, name) < 0) return -1;
    put_ipv4(&ifr.ifr_addr, local);
    if (if_ioctl(AF_INET, SIOCSIFADDR, &ifr) < 0) return -1;
    if (name_request(&ifr, name) < 0) return -1;
    put_ipv4(&ifr.ifr_dstaddr, remote);
    if (if_ioctl(AF_INET, SIOCSIFDSTADDR, &ifr) < 0) return -1;
    if (name_request(&ifr, name) < 0) return -1;
    put_ipv4(&ifr.ifr_netmask, 0xffffffffu);
    return if_ioctl(AF_INET, SIOCSIFNETMASK, &ifr);
}

int chapd_if_set_mtu(const char *name, int mtu) {
    struct ifreq ifr;
    if (name_request(&ifr, name) < 0) return -1;
    ifr.ifr_mtu = mtu;
    return if_ioctl(AF_INET, SIOCSIFMTU, &ifr);
}

int chapd_if_up(const char *name) {
    struct ifreq ifr;
    if (name_request(&ifr, name) < 0) return -1;
    if (if_ioctl(AF_INET, SIOCGIFFLAGS, &ifr) < 0) return -1;
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    return if_ioctl(AF_INET, SIOCSIFFLAGS, &ifr);
}

int chapd_if_index(const char *name) {
    unsigned index = if_nametoindex(name);
    return index == 0 ? -1 : (int)index;
}

int chapd_if_add_ipv6(const char *name, const uint8_t address[16], int prefix_len) {
    int index = chapd_if_index(name);
    if (index < 0) return -1;
    struct in6_ifreq req;
    memset(&req, 0, sizeof req);
    memcpy(&req.ifr6_addr, address, 16);
    req.ifr6_prefixlen = (uint32_t)prefix_len;
    req.ifr6_ifindex = index;
    return if_ioctl(AF_INET6, SIOCSIFADDR, &req);
}

int chapd_has_default_route(void) {
    FILE *f = fopen("/proc/net/route", "re");
    if (!f) return -1;
    char line[256];
    int found = 0;
    /* Iface Destination Gateway Flags RefCnt Use Metric Mask ... (hex, network order) */
    if (!fgets(line, sizeof line, f)) { fclose(f); return 0; }
    while (fgets(line, sizeof line, f)) {
        char iface[IFNAMSIZ + 1];
        unsigned dest, gateway, flags, refcnt, use, metric, mask;
        if (sscanf(line, "%16s %x %x %x %u %u %u %x", iface, &dest, &gateway, &flags, &refcnt, &use, &metric, &mask) == 8
            && dest == 0 && mask == 0 && (flags & RTF_UP)) {
            found = 1;
            break;
        }
    }
    fclose(f);
    return found;
}

int chapd_default_route(const char *name, int add) {
    struct rtentry rt;
    memset(&rt, 0, sizeof rt);
    put_ipv4(&rt.rt_dst, 0);
    put_ipv4(&rt.rt_genmask, 0);
    put_ipv4(&rt.rt_gateway, 0);
    rt.rt_flags = RTF_UP;
    char dev[IFNAMSIZ];
    if (strlen(name) >= IFNAMSIZ) { errno = ENAMETOOLONG; return -1; }
    strncpy(dev, name, IFNAMSIZ - 1);
    dev[IFNAMSIZ - 1] = 0;
    rt.rt_dev = dev;
    return if_ioctl(AF_INET, add ? SIOCADDRT : SIOCDELRT, &rt);
}
