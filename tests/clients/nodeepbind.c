/*
 * nodeepbind.c — a preload shim for the PHP client test under ASan.
 *
 * PHP loads its extensions (odbc.so, opcache.so) with dlopen(…, RTLD_DEEPBIND),
 * which the AddressSanitizer runtime refuses (it aborts the process:
 * github.com/google/sanitizers/issues/611).  A driver built with
 * --enable-asan needs that runtime in the client, so tests/run-test.sh
 * preloads this shim ahead of it for .php tests: the shim drops the flag and
 * hands the call on.  It is built and used only with --enable-asan.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>

void *dlopen(const char *file, int flags)
{
    static void *(*next)(const char *, int);
    if (!next)
        next = (void *(*)(const char *, int))dlsym(RTLD_NEXT, "dlopen");
    return next ? next(file, flags & ~RTLD_DEEPBIND) : NULL;
}
