#define _GNU_SOURCE
#include <malloc.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include "line_support.h"

int chapd_open_pty(char *name, size_t name_len) {
    int fd = posix_openpt(O_RDWR | O_NOCTTY);
    if (fd < 0) return -1;
    if (grantpt(fd) != 0 || unlockpt(fd) != 0 || ptsname_r(fd, name, name_len) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

#include <sys/epoll.h>

int chapd_is_pollable(int fd) {
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) return -1;
    struct epoll_event ev = { .events = EPOLLIN };
    int ok = epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0;
    int saved = errno;
    close(ep);
    if (ok) return 1;
    errno = saved;
    return saved == EPERM ? 0 : -1;
}

#include <spawn.h>

extern char **environ;

int chapd_spawn(const char *path, char *const argv[], int in_fd, int out_fd, int err_fd, pid_t *pid) {
    posix_spawn_file_actions_t fa;
    int rc = posix_spawn_file_actions_init(&fa);
    if (rc != 0) return rc;
    if ((rc = posix_spawn_file_actions_adddup2(&fa, in_fd, 0)) == 0 &&
        (rc = posix_spawn_file_actions_adddup2(&fa, out_fd, 1)) == 0 &&
        (rc = posix_spawn_file_actions_adddup2(&fa, err_fd, 2)) == 0 &&
        (rc = posix_spawn_file_actions_addclosefrom_np(&fa, 3)) == 0) {
        rc = posix_spawn(pid, path, &fa, NULL, argv, environ);
    }
    posix_spawn_file_actions_destroy(&fa);
    return rc;
}

int chapd_release_free_memory(void) {
    return malloc_trim(0);
}
