/* secret.c — see secret.h. */
#include "secret.h"

#include <stdlib.h>

void azdo_secret_free(char *s)
{
    if (!s)
        return;
    /* volatile so the compiler cannot drop the wipe of memory about to be freed */
    volatile char *p = s;
    while (*p)
        *p++ = '\0';
    free(s);
}
