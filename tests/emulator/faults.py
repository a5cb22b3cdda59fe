"""Scriptable faults for the Azure DevOps emulator (no sockets here).

POST /_emulator/faults {"rules": [rule, …]} replaces the rule list;
DELETE /_emulator/faults and POST /_emulator/reset clear it;
GET /_emulator/faults shows the rules with their counters.

A rule:
  path     substring of the request path (case-insensitive); "" or absent =
           any API request.  Token-endpoint requests (…/oauth2/…) only match a
           rule whose path is non-empty and occurs in theirs (e.g. "oauth2").
  method   optional, e.g. "POST"
  every N | first N | nth [k, …]   which matching requests fire (1-based,
           counted per rule over matching requests since the rules were set);
           none of them = every matching request
  action   see ACTIONS
  comment  free text, ignored
  action parameters (each only where it makes sense):
    retry_after  seconds (int) or a string sent verbatim (e.g. an HTTP date);
                 null omits the header.  429 default 1; 5xx/retry_after_ok
                 default none/1.
    message      overrides the error message of JSON error actions
    resource     X-RateLimit-Resource / TF400733 resource (default
                 "WorkItemTrackingResource")
    limit, remaining, delay   X-RateLimit-Limit (200), -Remaining (0),
                 -Delay (seconds, 429 default "2.500"; ratelimit_low: only if given)
    body         "json" | "html" for 500/502/503/504 (default json for 500/503,
                 html for 502/504, like a gateway)
    fraction     truncate / malformed: share of the body sent (0 < f < 1, default 0.5)
    close        reset: "rst" (default; abortive close, the peer sees ECONNRESET)
                 or "fin" (orderly close, the peer sees EOF with no reply)
    process      reset, 500, 502, 503, 504: true = carry the request out first
                 (a create is stored, a patch applied) and only then fail —
                 the "outcome unknown" case a writer must not retry blindly
    delay_ms     slow: delay before answering normally
    latest       bad_api_version: the newest version "supported" (default "6.0")
    location     redirect302: the Location (default a vssps sign-in URL)

Status/body notes (where the docs have no recorded wire example, marked
[unverified]):  429 carries the TF400733 message with typeKey
RequestBlockedException (typeName as seen in public bug reports);
host_offline is 503 + X-VSS-HostOfflineError: 1 with a HostShutdownException
body [unverified]; 502/504 default to an HTML gateway page because a front
door, not VSS, produces them [unverified].
"""

import math
import re
import threading
import time

from urllib.parse import quote

import api

ACTIONS = (
    "429", "500", "502", "503", "504", "host_offline", "reset", "truncate", "malformed", "slow",
    "html203", "redirect302", "expired401", "aad_unmaterialized", "forbidden403", "bad_api_version",
    "retry_after_ok", "ratelimit_low",
)
SELECTORS = ("every", "first", "nth")
COMMON = {"path", "method", "action", "comment"} | set(SELECTORS)
PARAMS = {
    "429": {"retry_after", "message", "resource", "limit", "delay"},
    "500": {"retry_after", "message", "body", "process"},
    "502": {"retry_after", "message", "body", "process"},
    "503": {"retry_after", "message", "body", "process"},
    "504": {"retry_after", "message", "body", "process"},
    "host_offline": {"retry_after", "message"},
    "reset": {"close", "process"},
    "truncate": {"fraction"},
    "malformed": {"fraction"},
    "slow": {"delay_ms"},
    "html203": set(),
    "redirect302": {"location"},
    "expired401": {"message"},
    "aad_unmaterialized": {"message"},
    "forbidden403": {"message"},
    "bad_api_version": {"latest", "message"},
    "retry_after_ok": {"retry_after"},
    "ratelimit_low": {"remaining", "limit", "resource", "delay"},
}
DEFAULT_RESOURCE = "WorkItemTrackingResource"
SIGN_IN_URL = "https://app.vssps.visualstudio.com/_signin?realm=dev.azure.com&reply_to=%s&redirect=1"
PAT_EXPIRED_HEADER = ("X-TFS-ServiceError",
                      "Access%20Denied%3A%20The%20Personal%20Access%20Token%20used%20has%20expired.")

class FaultError(ValueError):
    pass


def _int(rule, key, minimum):
    v = rule[key]
    if isinstance(v, bool) or not isinstance(v, int) or v < minimum:
        raise FaultError("%s must be an integer >= %d" % (key, minimum))
    return v


def _num(rule, key, minimum=0.0):
    v = rule[key]
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < minimum:
        raise FaultError("%s must be a number >= %s" % (key, minimum))
    return float(v)


class Rule:
    def __init__(self, raw, index):
        if not isinstance(raw, dict):
            raise FaultError("rule %d must be a JSON object" % index)
        action = raw.get("action")
        if action is not None and not isinstance(action, str):
            action = str(action)  # "action": 429 is fine too
        if action not in ACTIONS:
            raise FaultError("rule %d: action must be one of %s" % (index, ", ".join(ACTIONS)))
        unknown = set(raw) - COMMON - PARAMS[action]
        if unknown:
            raise FaultError("rule %d: unknown keys for action %s: %s"
                             % (index, action, ", ".join(sorted(unknown))))
        self.raw = dict(raw, action=action)
        self.action = action
        path = raw.get("path", "")
        if path is None:
            path = ""
        if not isinstance(path, str):
            raise FaultError("rule %d: path must be a string" % index)
        self.path = path.casefold()
        method = raw.get("method")
        if method is not None and (not isinstance(method, str) or not method.strip()):
            raise FaultError("rule %d: method must be a string" % index)
        self.method = method.strip().upper() if method else None
        chosen = [k for k in SELECTORS if k in raw]
        if len(chosen) > 1:
            raise FaultError("rule %d: give at most one of every, first, nth" % index)
        self.every = self.first = None
        self.nth = None
        try:
            if "every" in raw:
                self.every = _int(raw, "every", 1)
            if "first" in raw:
                self.first = _int(raw, "first", 0)
            if "nth" in raw:
                nth = raw["nth"]
                if not isinstance(nth, list) or not all(
                        isinstance(k, int) and not isinstance(k, bool) and k >= 1 for k in nth):
                    raise FaultError("nth must be a list of integers >= 1")
                self.nth = frozenset(nth)
            self._check_params(raw)
        except FaultError as exc:
            raise FaultError("rule %d: %s" % (index, exc))
        self.matched = 0
        self.fired = 0

    def _check_params(self, raw):
        if "retry_after" in raw:
            v = raw["retry_after"]
            if v is not None and not (isinstance(v, str) and v.strip()) and (
                    isinstance(v, bool) or not isinstance(v, int) or v < 0):
                raise FaultError("retry_after must be null, an integer >= 0 or a string")
        for key in ("message", "resource", "latest", "location"):
            if key in raw and not (isinstance(raw[key], str) and raw[key]):
                raise FaultError("%s must be a non-empty string" % key)
        for key in ("limit", "remaining"):
            if key in raw:
                _int(raw, key, 0)
        if "delay" in raw:
            _num(raw, "delay")
        if "delay_ms" in raw:
            if _num(raw, "delay_ms") > 600000:
                raise FaultError("delay_ms must be at most 600000")
        if "fraction" in raw:
            f = _num(raw, "fraction")
            if not 0 <= f < 1:
                raise FaultError("fraction must be >= 0 and < 1")
        if "body" in raw and raw["body"] not in ("json", "html"):
            raise FaultError('body must be "json" or "html"')
        if "close" in raw and raw["close"] not in ("rst", "fin"):
            raise FaultError('close must be "rst" or "fin"')
        if "process" in raw and not isinstance(raw["process"], bool):
            raise FaultError("process must be true or false")

    def matches(self, method, path, is_token):
        if self.method and method != self.method:
            return False
        if is_token and not self.path:
            return False
        return self.path in path.casefold()

    def selects(self, n):
        if self.every is not None:
            return n % self.every == 0
        if self.first is not None:
            return n <= self.first
        if self.nth is not None:
            return n in self.nth
        return True

    def get(self, key, default=None):
        return self.raw.get(key, default)

    def report(self):
        return dict(self.raw, matched=self.matched, fired=self.fired)


class FaultSet:
    def __init__(self):
        self._lock = threading.Lock()
        self._rules = []

    def set(self, body):
        if not isinstance(body, dict) or not isinstance(body.get("rules"), list):
            raise FaultError('the body must be {"rules": [ … ]}')
        unknown = set(body) - {"rules"}
        if unknown:
            raise FaultError("unknown keys: %s" % ", ".join(sorted(unknown)))
        rules = [Rule(r, i) for i, r in enumerate(body["rules"])]
        with self._lock:
            self._rules = rules
        return len(rules)

    def clear(self):
        with self._lock:
            n = len(self._rules)
            self._rules = []
            return n

    def report(self):
        with self._lock:
            return [r.report() for r in self._rules]

    def pick(self, method, path, is_token=False):
        """Counts the request against every matching rule; returns the first
        rule that fires for it, or None."""
        with self._lock:
            chosen = None
            for r in self._rules:
                if not r.matches(method, path, is_token):
                    continue
                r.matched += 1
                if chosen is None and r.selects(r.matched):
                    r.fired += 1
                    chosen = r
            return chosen


class Outcome:
    """What the HTTP layer must do: mode 'send' (response), 'truncate'
    (response headers with the full Content-Length, then only `send_bytes`
    of the body, then close) or 'reset' (close without a response)."""

    def __init__(self, mode, response=None, send_bytes=None, close="rst"):
        self.mode = mode
        self.response = response
        self.send_bytes = send_bytes
        self.close = close


def _retry_after(rule, default):
    v = rule.get("retry_after", default)
    if v is None:
        return []
    return [("Retry-After", v.strip() if isinstance(v, str) else str(v))]


def _ratelimit_headers(rule, now, remaining_default=0, delay_default=None):
    hdrs = [("X-RateLimit-Resource", rule.get("resource", DEFAULT_RESOURCE))]
    delay = rule.get("delay", delay_default)
    if delay is not None:
        hdrs.append(("X-RateLimit-Delay", "%.3f" % float(delay)))
    hdrs += [("X-RateLimit-Limit", str(rule.get("limit", 200))),
             ("X-RateLimit-Remaining", str(rule.get("remaining", remaining_default))),
             ("X-RateLimit-Reset", str(int(now + 300)))]
    return hdrs


def _html(status, title, text, headers=()):
    page = ("<!DOCTYPE html>\n<html><head><title>%s</title></head>\n<body><h1>%s</h1><p>%s</p></body></html>\n"
            % (title, title, text))
    return api.Response(status, page.encode("utf-8"), "text/html; charset=utf-8", list(headers))


def _requested_version(req):
    v = req.param("api-version")
    if v is None:
        m = re.search(r"api-version\s*=\s*([^;,\s]+)", req.headers.get("Accept") or "", re.I)
        v = m.group(1) if m else "7.1"
    m = re.match(r"^\s*(\d+\.\d+)", v)
    return m.group(1) if m else v


def _cut(n, fraction):
    if n <= 0:
        return 0
    return min(int(n * fraction), n - 1)


SERVER_ERRORS = {
    "500": ("Internal Server Error", "VssServiceException",
            "The server encountered an unexpected error while processing the request."),
    "502": ("Bad Gateway", "VssServiceException",
            "The gateway received an invalid response from the upstream server."),
    "503": ("Service Unavailable", "VssServiceException",
            "The service is temporarily unavailable. Please try again later."),
    "504": ("Gateway Timeout", "VssServiceException",
            "The gateway did not receive a response from the upstream server in time."),
}


def apply(rule, req, real, now, identity_id):
    """Builds the Outcome of a fired rule.  `req` is an api.Request, `real()`
    computes the normal api.Response, `now` is the emulator clock (epoch s),
    `identity_id()` the request identity's guid or None."""
    a = rule.action
    msg = rule.get("message")
    if rule.get("process"):
        real()  # the service did the work; the client never hears of it
    if a == "429":
        resource = rule.get("resource", DEFAULT_RESOURCE)
        body = api.vss_error(msg or "TF400733: The request has been canceled: Request was blocked due to "
                             "exceeding usage of resource '%s' in namespace 'User'. For more information "
                             "on why your request was blocked, see the topic \"Rate limits\" on the "
                             "Microsoft Web site (https://go.microsoft.com/fwlink/?LinkId=823950)."
                             % resource, "RequestBlockedException")
        hdrs = _retry_after(rule, 1) + _ratelimit_headers(rule, now, 0, 2.5)
        return Outcome("send", api.json_response(body, 429, hdrs))
    if a in SERVER_ERRORS:
        title, type_key, text = SERVER_ERRORS[a]
        hdrs = _retry_after(rule, None)
        kind = rule.get("body", "json" if a in ("500", "503") else "html")
        if kind == "html":
            return Outcome("send", _html(int(a), "%s %s" % (a, title), msg or text, hdrs))
        return Outcome("send", api.json_response(api.vss_error(msg or text, type_key), int(a), hdrs))
    if a == "host_offline":
        hdrs = [("X-VSS-HostOfflineError", "1")] + _retry_after(rule, None)
        body = api.vss_error(msg or "The host for this organization is offline: it is being serviced. "
                             "Please try again later.", "HostShutdownException")
        return Outcome("send", api.json_response(body, 503, hdrs))
    if a == "reset":
        return Outcome("reset", close=rule.get("close", "rst"))
    if a == "truncate":
        resp = real()
        return Outcome("truncate", resp, _cut(len(resp.body), rule.get("fraction", 0.5)))
    if a == "malformed":
        resp = real()
        body = resp.body
        if body[:1] in (b"{", b"["):
            body = body[:max(1, _cut(len(body), rule.get("fraction", 0.5)))]
        else:
            body = b'{"count":1,"value":[{"id":1,"fields":{"System.Title":"unterminated'
        return Outcome("send", api.Response(200, body, api.JSON_TYPE, list(resp.headers)))
    if a == "slow":
        time.sleep(float(rule.get("delay_ms", 1000)) / 1000.0)
        return Outcome("send", real())
    if a == "html203":
        return Outcome("send", api.Response(203, api.SIGN_IN_PAGE.encode("utf-8"), "text/html; charset=utf-8",
                                            [("X-TFS-ProcessId", "9a4c1e0b-5d3f-4b7a-8e21-6c0d9f1a2b3c")]))
    if a == "redirect302":
        loc = rule.get("location") or SIGN_IN_URL % quote("http://%s%s" % (req.host, req.path), safe="")
        hdrs = [("Location", loc),
                ("WWW-Authenticate", 'Basic realm="https://tfs.app.visualstudio.com/"'),
                ("WWW-Authenticate", "Bearer"),
                ("X-TFS-FedAuthRealm", "https://tfs.app.visualstudio.com/"),
                ("X-TFS-FedAuthRedirect", loc)]
        return Outcome("send", _html(302, "Object moved", 'Object moved to <a href="%s">here</a>.' % loc, hdrs))
    if a == "expired401":
        resp = api.unauthorized(req.host, msg)
        resp.headers = [h for h in resp.headers if h[0] != "X-TFS-ServiceError"] + [PAT_EXPIRED_HEADER]
        return Outcome("send", resp)
    if a == "aad_unmaterialized":
        return Outcome("send", api.unmaterialized(identity_id(), msg))
    if a == "forbidden403":
        body = api.vss_error(msg or "TF401289: The current user does not have permissions to perform "
                             "this action.", "PermissionDeniedException")
        return Outcome("send", api.json_response(body, 403))
    if a == "bad_api_version":
        latest = rule.get("latest", "6.0")
        body = api.vss_error(msg or "The requested REST API version of %s is out of range for this server. "
                             "The latest REST API version this server supports is %s."
                             % (_requested_version(req), latest), "VssVersionOutOfRangeException")
        return Outcome("send", api.json_response(body, 400))
    if a == "retry_after_ok":
        resp = real()
        resp.headers = list(resp.headers) + _retry_after(rule, 1)
        return Outcome("send", resp)
    if a == "ratelimit_low":
        resp = real()
        resp.headers = list(resp.headers) + _ratelimit_headers(rule, now, 0, None)
        return Outcome("send", resp)
    raise FaultError("unhandled action %s" % a)  # pragma: no cover
