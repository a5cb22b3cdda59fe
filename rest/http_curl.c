/*
 * http_curl.c — the libcurl implementation of azdo_transport.
 *
 * One easy handle per transport (i.e. per ODBC connection) is reused for every
 * request, so libcurl keeps the TCP/TLS connection alive between the WIQL call
 * and the batch calls.  Redirects are NOT followed: Azure DevOps answers bad
 * credentials with a 302 to a sign-in page, which must surface as an
 * authentication error rather than be fetched as data.
 */
#include "azdo_http.h"
#include "clock.h"
#include "cnum.h"
#include "strbuf.h"

#include <ctype.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct curl_transport {
    azdo_transport base;
    CURL *curl;
    CURLM *multi; /* drives curl so cancel and deadlines are checked every 50 ms; keeps the connection cache */
    long timeout_s;
    char *ca_file;
    char *proxy;
} curl_transport;

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static void global_init(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

typedef struct recv_state {
    strbuf body;
    azdo_http_response *resp;
    const azdo_http_request *req;
    azdo_errkind aborted; /* why the progress callback stopped the transfer */
} recv_state;

/* Called by libcurl many times a second while it waits or transfers: the
 * place where SQLCancel (another thread) and the statement deadline stop a
 * request in flight. */
static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
    recv_state *st = ud;
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    if (azdo_cancel_requested(st->req->cancel)) {
        st->aborted = AZDO_ERR_CANCELLED;
        return 1;
    }
    if (st->req->deadline > 0 && azdo_system_clock()->monotonic(azdo_system_clock()) >= st->req->deadline) {
        st->aborted = AZDO_ERR_TIMEOUT;
        return 1;
    }
    return 0;
}

static double header_number(const char *v, size_t n)
{
    char buf[64];
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    memcpy(buf, v, n);
    buf[n] = '\0';
    char *end;
    double d = azdo_strtod_c(buf, &end);
    return end == buf || d < 0 ? -1 : d;
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
    recv_state *st = ud;
    size_t n = size * nmemb;
    strbuf_append_n(&st->body, ptr, n);
    return strbuf_failed(&st->body) ? 0 : n;
}

/* Copies a header value with surrounding white space trimmed; NULL on OOM. */
static char *header_value(const char *v, size_t n)
{
    while (n && (*v == ' ' || *v == '\t')) {
        v++;
        n--;
    }
    while (n && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    char *s = malloc(n + 1);
    if (s) {
        memcpy(s, v, n);
        s[n] = '\0';
    }
    return s;
}

static void url_decode_inplace(char *s)
{
    char *o = s;
    for (char *p = s; *p; p++) {
        if (*p == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
            char hex[3] = {p[1], p[2], 0};
            *o++ = (char)strtol(hex, NULL, 16);
            p += 2;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
}

static void replace(char **dst, char *val)
{
    free(*dst);
    *dst = val;
}

static size_t on_header(char *buf, size_t size, size_t nitems, void *ud)
{
    recv_state *st = ud;
    size_t n = size * nitems;
    const char *colon = memchr(buf, ':', n);
    if (!colon)
        return n;
    size_t klen = (size_t)(colon - buf);
    const char *v = colon + 1;
    size_t vlen = n - klen - 1;
#define IS(name) (klen == sizeof(name) - 1 && strncasecmp(buf, name, klen) == 0)
    if (IS("Content-Length")) {
        /* the body's size up front: one allocation instead of a dozen
         * doublings (a batch answer is ~150 KB); compressed bodies grow
         * past it, the usual way.  Capped: the header is the server's word */
        double cl = header_number(v, vlen);
        if (cl > 0 && cl < 64.0 * 1024 * 1024 && st->body.len == 0)
            strbuf_reserve(&st->body, (size_t)cl);
    } else if (IS("Content-Type")) {
        replace(&st->resp->content_type, header_value(v, vlen));
    } else if (IS("x-ms-continuationtoken")) {
        replace(&st->resp->continuation_token, header_value(v, vlen));
    } else if (IS("X-TFS-ServiceError")) {
        char *s = header_value(v, vlen);
        if (s)
            url_decode_inplace(s);
        replace(&st->resp->service_error, s);
    } else if (IS("Location")) {
        replace(&st->resp->location, header_value(v, vlen));
    } else if (IS("X-VSS-HostOfflineError")) {
        st->resp->host_offline = 1;
    } else if (IS("X-RateLimit-Remaining")) {
        st->resp->ratelimit_remaining = header_number(v, vlen);
    } else if (IS("X-RateLimit-Limit")) {
        st->resp->ratelimit_limit = header_number(v, vlen);
    } else if (IS("X-RateLimit-Delay")) {
        st->resp->ratelimit_delay = header_number(v, vlen);
    } else if (IS("X-RateLimit-Resource")) {
        replace(&st->resp->ratelimit_resource, header_value(v, vlen));
    } else if (IS("Retry-After")) {
        char *s = header_value(v, vlen);
        if (s) {
            char *end;
            double d = azdo_strtod_c(s, &end);
            /* Azure DevOps sends delta-seconds; an HTTP date is not expected */
            if (end != s && d >= 0)
                st->resp->retry_after_s = d;
            free(s);
        }
    }
#undef IS
    return n;
}

/* Runs the transfer in the multi handle, waking every 50 ms to check for
 * SQLCancel (another thread) and the deadline: libcurl's progress callback
 * alone can be a second late while a connection sits idle. */
static CURLcode perform(curl_transport *ct, recv_state *st)
{
    if (curl_multi_add_handle(ct->multi, ct->curl) != CURLM_OK)
        return CURLE_OUT_OF_MEMORY;
    CURLcode result = CURLE_OK;
    int running = 1;
    for (;;) {
        CURLMcode mc = curl_multi_perform(ct->multi, &running);
        if (mc != CURLM_OK) {
            result = CURLE_SEND_ERROR;
            break;
        }
        if (!running)
            break;
        if (azdo_cancel_requested(st->req->cancel)) {
            st->aborted = AZDO_ERR_CANCELLED;
            result = CURLE_ABORTED_BY_CALLBACK;
            break;
        }
        if (st->req->deadline > 0 && azdo_system_clock()->monotonic(azdo_system_clock()) >= st->req->deadline) {
            st->aborted = AZDO_ERR_TIMEOUT;
            result = CURLE_ABORTED_BY_CALLBACK;
            break;
        }
        curl_multi_poll(ct->multi, NULL, 0, 50, NULL);
    }
    if (result == CURLE_OK) {
        int queued;
        CURLMsg *msg;
        while ((msg = curl_multi_info_read(ct->multi, &queued)) != NULL)
            if (msg->msg == CURLMSG_DONE)
                result = msg->data.result;
    }
    curl_multi_remove_handle(ct->multi, ct->curl);
    return result;
}

static azdo_errkind map_curl_error(CURLcode rc, const char *detail, const char *url, azdo_error *err)
{
    const char *what = detail && *detail ? detail : curl_easy_strerror(rc);
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return azdo_error_set(err, AZDO_ERR_CONNECT,
                              "Cannot resolve the host of %s (%s): check the host name (Organization, Url, "
                              "TokenUrl) and Proxy",
                              url, what);
    case CURLE_COULDNT_CONNECT:
        azdo_error_set(err, AZDO_ERR_CONNECT, "Cannot connect to %s: %s", url, what);
        err->unsent = 1; /* refused: nothing reached the service */
        return AZDO_ERR_CONNECT;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
        return azdo_error_set(err, AZDO_ERR_CONNECT, "TLS handshake with %s failed: %s", url, what);
    case CURLE_PEER_FAILED_VERIFICATION:
        return azdo_error_set(err, AZDO_ERR_CONNECT,
                              "The TLS certificate of %s could not be verified (%s): if the server uses a "
                              "private CA, set CAFile to its PEM bundle",
                              url, what);
    case CURLE_SSL_CACERT_BADFILE:
        return azdo_error_set(err, AZDO_ERR_CONNECT, "CAFile could not be read as a PEM CA bundle: %s", what);
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        return azdo_error_set(err, AZDO_ERR_CONNECT, "Cannot connect to %s: %s", url, what);
    case CURLE_OPERATION_TIMEDOUT:
        return azdo_error_set(err, AZDO_ERR_TIMEOUT, "Request to %s timed out: %s", url, what);
    case CURLE_ABORTED_BY_CALLBACK:
        return azdo_error_set(err, AZDO_ERR_CANCELLED, "Request to %s was cancelled", url);
    case CURLE_OUT_OF_MEMORY:
        return azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory while talking to %s", url);
    case CURLE_PARTIAL_FILE:
        return azdo_error_set(err, AZDO_ERR_LINK,
                              "The response from %s was truncated (%s); no partial result is returned", url, what);
    default:
        return azdo_error_set(err, AZDO_ERR_LINK, "Connection to %s failed: %s", url, what);
    }
}

static azdo_errkind curl_send(azdo_transport *t, const azdo_http_request *req,
                              azdo_http_response *resp, azdo_error *err)
{
    curl_transport *ct = (curl_transport *)t;
    CURL *c = ct->curl;
    struct curl_slist *hdrs = NULL;
    strbuf auth;
    strbuf_init(&auth);
    recv_state st = {0};
    strbuf_init(&st.body);
    memset(resp, 0, sizeof *resp);
    azdo_http_response_clear(resp);
    st.resp = resp;
    st.req = req;
    char errbuf[CURL_ERROR_SIZE] = "";
    azdo_errkind rc = AZDO_OK;

    curl_easy_reset(c);
    hdrs = curl_slist_append(hdrs, "Accept: application/json");
    /* Without this header Azure DevOps answers bad credentials with a 203 HTML page */
    hdrs = curl_slist_append(hdrs, "X-TFS-FedAuthRedirect: Suppress");
    hdrs = curl_slist_append(hdrs, "User-Agent: azdo-odbc/" AZDO_DRIVER_VERSION);
    if (req->content_type) {
        strbuf ctb;
        strbuf_init(&ctb);
        strbuf_printf(&ctb, "Content-Type: %s", req->content_type);
        hdrs = curl_slist_append(hdrs, strbuf_str(&ctb));
        strbuf_free(&ctb);
    }
    if (req->authorization) {
        strbuf_printf(&auth, "Authorization: %s", req->authorization);
        hdrs = curl_slist_append(hdrs, strbuf_str(&auth));
    }
    if (!hdrs || strbuf_failed(&auth)) {
        rc = azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory building a request");
        goto done;
    }
    curl_easy_setopt(c, CURLOPT_URL, req->url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &st);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &st);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &st);
    /* verification stays on; CAFile replaces the system store, never disables it */
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (ct->ca_file) {
        /* replace the system store, including the built-in CA directory */
        curl_easy_setopt(c, CURLOPT_CAINFO, ct->ca_file);
        curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
    }
    if (ct->proxy)
        curl_easy_setopt(c, CURLOPT_PROXY, ct->proxy);
    if (req->not_idempotent) {
        /* libcurl re-sends a request, POST included, when a reused connection
         * closes without answering — but the service may have processed it.
         * A fresh connection is never "reused", so never re-sent. */
        curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
    }
    if (ct->timeout_s > 0) {
        curl_easy_setopt(c, CURLOPT_TIMEOUT, ct->timeout_s);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, ct->timeout_s);
    }
    if (strcmp(req->method, "GET") != 0) {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body ? req->body : "");
    }

    CURLcode cc = perform(ct, &st);
    if (cc == CURLE_ABORTED_BY_CALLBACK && st.aborted == AZDO_ERR_TIMEOUT) {
        rc = azdo_error_set(err, AZDO_ERR_TIMEOUT, "The deadline passed while waiting for %s", req->url);
        goto done;
    }
    if (cc != CURLE_OK) {
        rc = map_curl_error(cc, errbuf, req->url, err);
        goto done;
    }
    if (strbuf_failed(&st.body)) {
        rc = azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory reading the response");
        goto done;
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    resp->status = (int)status;
    resp->body_len = st.body.len;
    resp->body = strbuf_steal(&st.body);
    if (!resp->body)
        rc = azdo_error_set(err, AZDO_ERR_NOMEM, "Out of memory reading the response");

done:
    /* the Authorization header held the secret: wipe our copy */
    if (auth.data)
        memset(auth.data, 0, auth.cap);
    strbuf_free(&auth);
    strbuf_free(&st.body);
    /* libcurl's copy of the Authorization header held the secret too */
    for (struct curl_slist *h = hdrs; h; h = h->next)
        if (strncasecmp(h->data, "Authorization:", 14) == 0)
            memset(h->data, 0, strlen(h->data));
    curl_slist_free_all(hdrs);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    if (rc != AZDO_OK)
        azdo_http_response_clear(resp);
    return rc;
}

static void curl_destroy(azdo_transport *t)
{
    curl_transport *ct = (curl_transport *)t;
    if (!ct)
        return;
    if (ct->multi)
        curl_multi_cleanup(ct->multi);
    curl_easy_cleanup(ct->curl);
    free(ct->ca_file);
    free(ct->proxy);
    free(ct);
}

static azdo_transport *curl_clone(azdo_transport *t);

azdo_transport *azdo_curl_transport_new(const azdo_transport_opts *opts)
{
    pthread_once(&global_once, global_init);
    curl_transport *ct = calloc(1, sizeof *ct);
    if (!ct)
        return NULL;
    ct->curl = curl_easy_init();
    ct->multi = curl_multi_init();
    ct->timeout_s = opts->timeout_s;
    ct->ca_file = opts->ca_file && *opts->ca_file ? strdup(opts->ca_file) : NULL;
    ct->proxy = opts->proxy && *opts->proxy ? strdup(opts->proxy) : NULL;
    if (!ct->curl || !ct->multi || (opts->ca_file && *opts->ca_file && !ct->ca_file) ||
        (opts->proxy && *opts->proxy && !ct->proxy)) {
        curl_destroy(&ct->base);
        return NULL;
    }
    ct->base.send = curl_send;
    ct->base.destroy = curl_destroy;
    ct->base.clone = curl_clone;
    return &ct->base;
}

/* Another thread's transport: the same options, its own easy handle and
 * connection cache (a libcurl handle must not be used by two threads). */
static azdo_transport *curl_clone(azdo_transport *t)
{
    const curl_transport *ct = (const curl_transport *)t;
    azdo_transport_opts opts = {ct->timeout_s, ct->ca_file, ct->proxy};
    return azdo_curl_transport_new(&opts);
}
