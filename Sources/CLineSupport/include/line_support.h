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
#include <sys/types.h>

/* Starts path with argv, standard input/output/error on the given descriptors and every
   other descriptor closed in the child (so a test's other ptys never leak into it).
   Returns 0 and the pid, or an errno value. */
int chapd_spawn(const char *path, char *const argv[], int in_fd, int out_fd, int err_fd, pid_t *pid);

/* Hands memory the allocator keeps after a burst back to the system (glibc's malloc_trim,
   which Swift's Glibc module does not expose). Returns 1 if memory was released. */
int chapd_release_free_memory(void);
#endif
