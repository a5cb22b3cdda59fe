/*
 * vss_error.h — turns an HTTP response that is not usable data into an
 * azdo_error: the status decides the kind, the VSS error body
 * ({"message","typeKey",…}) supplies Azure DevOps' own text.  Pure: no I/O.
 */
#ifndef AZDO_VSS_ERROR_H
#define AZDO_VSS_ERROR_H

#include "azdo_error.h"
#include "azdo_http.h"

/* Returns AZDO_OK when the response is a 2xx JSON answer; otherwise fills err
 * and returns its kind.  `what` names the request for the message
 * ("WIQL query", "reading work items"…). */
azdo_errkind azdo_vss_check_response(const azdo_http_response *resp, const char *what, azdo_error *err);

#endif
