/* strout.c — string results in the caller's units.  See strout.h. */
#include "strout.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf16.h"

drv_strout drv_strout_a(void *buf, SQLLEN cap)
{
    drv_strout o = {buf, cap, 0, 0};
    return o;
}

drv_strout drv_strout_w_chars(void *buf, SQLLEN cap)
{
    drv_strout o = {buf, cap, 1, 0};
    return o;
}

drv_strout drv_strout_w_bytes(void *buf, SQLLEN cap)
{
    drv_strout o = {buf, cap, 1, 1};
    return o;
}

int drv_strout_put(const drv_strout *o, const char *u8, size_t n, SQLLEN *len)
{
    if (!u8) {
        u8 = "";
        n = 0;
    }
    if (!o->wide) {
        if (len)
            *len = (SQLLEN)n;
        if (!o->buf)
            return 0;
        if (o->cap <= 0)
            return 1;
        size_t room = (size_t)o->cap - 1;
        size_t k = n <= room ? n : u8_prefix(u8, n, room);
        memcpy(o->buf, u8, k);
        ((char *)o->buf)[k] = '\0';
        return k < n;
    }

    /* wide: convert once, then copy what fits */
    size_t units;
    uint16_t *w = u8_to_u16_dup(u8, n, &units);
    if (!w)
        return -1;
    if (len)
        *len = (SQLLEN)(o->cap_bytes ? units * 2 : units);
    int trunc = 0;
    if (o->buf) {
        SQLLEN cap_units = o->cap_bytes ? o->cap / 2 : o->cap;
        if (cap_units <= 0) {
            trunc = 1;
        } else {
            size_t room = (size_t)cap_units - 1;
            size_t k = units <= room ? units : u16_prefix(w, units, room);
            memcpy(o->buf, w, k * sizeof *w);
            ((SQLWCHAR *)o->buf)[k] = 0;
            trunc = k < units;
        }
    }
    free(w);
    return trunc;
}
