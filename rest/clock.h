/*
 * clock.h — time for the transport and the retry loop, behind a small
 * interface so tests can run retry timing without real sleeps.
 */
#ifndef AZDO_CLOCK_H
#define AZDO_CLOCK_H

#include "azdo_error.h"

typedef struct azdo_clock azdo_clock;
struct azdo_clock {
    double (*monotonic)(azdo_clock *c);  /* seconds, for deadlines and durations */
    double (*wall)(azdo_clock *c);       /* seconds since the epoch, for token expiry */
    /* Sleeps s seconds, waking early when *cancel becomes non-zero (→
     * AZDO_ERR_CANCELLED) or the monotonic deadline passes (→ AZDO_ERR_TIMEOUT;
     * deadline 0 = none).  AZDO_OK after the full sleep. */
    azdo_errkind (*sleep)(azdo_clock *c, double s, const int *cancel, double deadline);
    double (*random01)(azdo_clock *c);   /* jitter, in [0,1) */
};

/* The real clock (CLOCK_MONOTONIC, CLOCK_REALTIME, nanosleep in short slices). */
azdo_clock *azdo_system_clock(void);

/* Reads *cancel atomically (it is written from another thread by SQLCancel). */
int azdo_cancel_requested(const int *cancel);
void azdo_cancel_set(int *cancel, int value);

#endif
