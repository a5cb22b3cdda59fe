/* clock.c — the system clock; see clock.h. */
#include "clock.h"

#include <stdlib.h>
#include <time.h>

static double mono(azdo_clock *c)
{
    (void)c;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double wall(azdo_clock *c)
{
    (void)c;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int azdo_cancel_requested(const int *cancel)
{
    return cancel && __atomic_load_n(cancel, __ATOMIC_SEQ_CST) != 0;
}

void azdo_cancel_set(int *cancel, int value)
{
    __atomic_store_n(cancel, value, __ATOMIC_SEQ_CST);
}

static azdo_errkind sys_sleep(azdo_clock *c, double s, const int *cancel, double deadline)
{
    double end = mono(c) + s;
    for (;;) {
        if (azdo_cancel_requested(cancel))
            return AZDO_ERR_CANCELLED;
        double now = mono(c);
        if (deadline > 0 && now >= deadline)
            return AZDO_ERR_TIMEOUT;
        if (now >= end)
            return AZDO_OK;
        /* short slices so SQLCancel and the deadline are noticed promptly */
        double slice = end - now;
        if (slice > 0.05)
            slice = 0.05;
        if (deadline > 0 && deadline - now < slice)
            slice = deadline - now;
        struct timespec ts = {(time_t)slice, (long)((slice - (double)(time_t)slice) * 1e9)};
        nanosleep(&ts, NULL);
    }
}

static double rnd(azdo_clock *c)
{
    (void)c;
    /* jitter only spreads retries out; it needs no cryptographic quality */
    static __thread unsigned int seed;
    if (!seed)
        seed = (unsigned int)time(NULL) ^ (unsigned int)(size_t)&seed;
    return rand_r(&seed) / ((double)RAND_MAX + 1.0);
}

azdo_clock *azdo_system_clock(void)
{
    static azdo_clock c = {mono, wall, sys_sleep, rnd};
    return &c;
}
