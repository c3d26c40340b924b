#ifndef CHAPD_NET_SUPPORT_H
#define CHAPD_NET_SUPPORT_H
#include <stddef.h>
#include <stdint.h>

/* The kernel interface a link's IP travels through: a TUN device (IFF_TUN | IFF_NO_PI)
   and the ioctls that configure it. Swift's Glibc module lacks the structures (ifreq,
   in6_ifreq, rtentry) and the TUN constants, hence this shim. Every function returns 0 or
   -1 with errno set; names are at most IFNAMSIZ-1 octets. Addresses are host order. */

/* Opens /dev/net/tun (non-blocking, close-on-exec) and creates a non-persistent interface
   named after `pattern` ("chapd%d" takes the first free number). The kernel's choice is
   written into `name`. Returns the descriptor; the interface goes with it. */
int chapd_tun_open(const char *pattern, char *name, size_t name_len);

/* Point-to-point IPv4: local address, peer address, /32 netmask. */
int chapd_if_set_ipv4(const char *name, uint32_t local, uint32_t remote);
int chapd_if_set_mtu(const char *name, int mtu);
/* Brings the interface up (IFF_UP | IFF_RUNNING). */
int chapd_if_up(const char *name);
/* Adds an IPv6 address with this prefix length (an fe80::/64 link-local one, say). */
int chapd_if_add_ipv6(const char *name, const uint8_t address[16], int prefix_len);
/* The interface's index, or -1. */
int chapd_if_index(const char *name);

/* 1 if the main table already has an IPv4 default route, 0 if not, -1 on error. */
int chapd_has_default_route(void);
/* Adds (add = 1) or deletes (add = 0) an IPv4 default route through the interface. */
int chapd_default_route(const char *name, int add);
#endif
