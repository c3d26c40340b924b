#ifndef CHAPD_LINE_SUPPORT_H
#define CHAPD_LINE_SUPPORT_H
#include <stddef.h>

/* Opens a new pseudo-terminal master (non-blocking, no controlling tty) and writes the
   slave's path into name. Returns the master fd, or -1 with errno set. Swift's Glibc
   module does not expose posix_openpt and friends, hence this shim. */
int chapd_open_pty(char *name, size_t name_len);



/* 1 if epoll can watch fd (ttys, ptys, pipes, sockets), 0 if not (regular files,
   /dev/null), -1 on other errors. The event loop traps on descriptors it cannot watch,
   so the daemon asks first. */
int chapd_is_pollable(int fd);
#endif
