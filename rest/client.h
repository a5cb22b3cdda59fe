/*
 * client.h — the Azure DevOps REST calls the driver makes.
 *
 * URLs are {base_url}[/{project}]/_apis/…?…&api-version={v}.  Every call
 * checks the status and content type (vss_error.c) and parses the JSON, so a
 * caller either gets a complete parsed answer or an error — never a partial one.
 */
#ifndef AZDO_CLIENT_H
#define AZDO_CLIENT_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "azdo_config.h"
#include "azdo_error.h"
#include "azdo_http.h"
#include "clock.h"

typedef struct azdo_client azdo_client;

/* Copies what it needs from cfg (authentication, retry policy, trace);
 * takes ownership of transport (destroyed by azdo_client_free, also on
 * failure).  Fails with the error of a bad auth or trace setting. */
azdo_errkind azdo_client_new(const azdo_config *cfg, azdo_transport *transport, azdo_client **out,
                             azdo_error *err);
void azdo_client_free(azdo_client *c);

/* A worker for another thread (pool.h): its own transport (a clone of c's),
 * everything else shared with c — credentials, pacing, cancel, deadline,
 * trace.  NULL when the transport cannot be cloned (tests' fakes) or on
 * failure.  Free it with azdo_client_free before c. */
azdo_client *azdo_client_worker_new(azdo_client *c);
/* 1 when azdo_client_worker_new can work (the transport can be cloned). */
int azdo_client_can_fork(const azdo_client *c);
/* How many answers so far asked this connection to slow down (429,
 * Retry-After, a low X-RateLimit-Remaining): pools lower their concurrency
 * when it grows. */
unsigned long azdo_client_throttles(azdo_client *c);

/* Replaces the clock (tests: retries without real sleeps).  Not owned. */
void azdo_client_set_clock(azdo_client *c, azdo_clock *clock);
azdo_clock *azdo_client_clock(const azdo_client *c);
/* Deadline (monotonic seconds, 0 = none) for every request and wait from
 * now on; a request or wait that reaches it fails with AZDO_ERR_TIMEOUT,
 * whose message names it (`name`: "query timeout", "login timeout"). */
void azdo_client_set_deadline(azdo_client *c, double deadline, const char *name);
/* Thread-safe: aborts the request or wait in flight (AZDO_ERR_CANCELLED). */
void azdo_client_cancel(azdo_client *c);
void azdo_client_clear_cancel(azdo_client *c);
/* Before sending something queued: AZDO_ERR_CANCELLED after a cancel,
 * AZDO_ERR_TIMEOUT past the deadline (err says which), else AZDO_OK. */
azdo_errkind azdo_client_check_go(azdo_client *c, const char *what, azdo_error *err);

const char *azdo_client_project(const azdo_client *c); /* "" when none */
const char *azdo_client_base_url(const azdo_client *c);

/* One cheap request that proves the URL, the credentials and the project. */
azdo_errkind azdo_client_validate(azdo_client *c, azdo_error *err);

/* GET/POST a path below _apis ("wit/fields").  project_scoped puts the
 * connection's project in the URL.  extra_query ("$top=5") may be NULL.
 * *out is a cJSON tree the caller deletes.  Every call sends the
 * connection's ApiVersion, unless extra_query carries its own
 * "api-version=…" (for a preview API: "api-version=7.1-preview.4"). */
azdo_errkind azdo_client_get(azdo_client *c, int project_scoped, const char *path, const char *extra_query,
                             const char *what, cJSON **out, azdo_error *err);
azdo_errkind azdo_client_post(azdo_client *c, int project_scoped, const char *path, const char *extra_query,
                              const char *body, const char *what, cJSON **out, azdo_error *err);

/* Runs a WIQL query.  top <= 0 means no $top.  On success *ids is a malloc'd
 * array of *n ids in the order the service returned them. */
azdo_errkind azdo_client_wiql(azdo_client *c, const char *wiql, long top, int time_precision, int64_t **ids,
                              size_t *n, azdo_error *err);

/* Reads up to 200 work items with only the given fields (nf == 0: all).
 * *out is the parsed {"count","value":[…]} answer; the caller deletes it. */
azdo_errkind azdo_client_batch(azdo_client *c, const int64_t *ids, size_t n, const char *const *fields, size_t nf,
                               cJSON **out, azdo_error *err);

/* Query flags for writes (ValidateOnly, BypassRules, SuppressNotifications). */
typedef struct azdo_write_flags {
    int validate_only;
    int bypass_rules;
    int suppress_notifications;
} azdo_write_flags;

/* POST …/{project}/_apis/wit/workitems/${type} with a JSON Patch (project
 * NULL = the connection's).  Never resent unless the service provably did not
 * process it; a lost answer is reported as such.  *out: the created item. */
azdo_errkind azdo_client_create(azdo_client *c, const char *project, const char *type, const char *patch,
                                const azdo_write_flags *flags, cJSON **out, azdo_error *err);
/* PATCH …/_apis/wit/workitems/{id}; *out: the updated item. */
azdo_errkind azdo_client_update(azdo_client *c, int64_t id, const char *patch, const azdo_write_flags *flags,
                                cJSON **out, azdo_error *err);
/* DELETE …/_apis/wit/workitems/{id}, to the recycle bin or (destroy) for good. */
azdo_errkind azdo_client_delete(azdo_client *c, int64_t id, int destroy, azdo_error *err);

/* Work item comments, a preview API: every comments call sends
 * api-version=AZDO_COMMENTS_API_VERSION whatever the connection's ApiVersion.
 * GET …/{project}/_apis/wit/workItems/{id}/comments, oldest first: the first
 * page with continuation NULL ($top = top, <= 0: AZDO_COMMENTS_PAGE), the
 * next ones with the answer's continuationToken.  *out: the CommentList
 * {totalCount, count, comments[], continuationToken}; the caller deletes it. */
#define AZDO_COMMENTS_API_VERSION "7.1-preview.4"
#define AZDO_COMMENTS_PAGE 200
azdo_errkind azdo_client_comments(azdo_client *c, int64_t id, int top, const char *continuation, cJSON **out,
                                  azdo_error *err);
/* POST …/workItems/{id}/comments {"text": …} as the connected identity.
 * Never resent unless the service provably did not process it; a lost
 * answer is reported as such.  *out: the new Comment (its "id"). */
azdo_errkind azdo_client_add_comment(azdo_client *c, int64_t id, const char *text, cJSON **out, azdo_error *err);

#define AZDO_BATCH_MAX 200
#define AZDO_WIQL_MAX 20000        /* results per WIQL query */
#define AZDO_WIQL_MAX_CHARS 32000  /* length of a WIQL query */

#endif
