#!/usr/bin/env python3
"""Local fake Azure DevOps ("emulator") for testing azdo-odbc offline.

Serves organization `fabrikam` at http://HOST:PORT/fabrikam/... and the same
data as an Azure DevOps Server collection at /tfs/DefaultCollection/...
Endpoints and their behaviour live in api.py, data in store.py, WIQL in
wiql.py; this file is the CLI, the HTTP plumbing, the request log and the
control endpoints (/_emulator/...).

Credentials come only from the environment, never argv (argv shows in `ps`):
    AZDO_EMULATOR_PATS="pat1=uniqueName1,pat2=uniqueName2"
    AZDO_EMULATOR_CLIENTS="clientId:clientSecret:uniqueName[:redirectUri],…"
    AZDO_EMULATOR_ACCESS_TOKENS="token=uniqueName,…"
    AZDO_EMULATOR_TENANT=<tenant id>   (optional; default auth.DEFAULT_TENANT)
Each maps to a seeded identity by uniqueName; that identity is @Me.  Token
endpoints (auth.py) are served at the root: POST /{tenant}/oauth2/v2.0/token
and POST /oauth2/token.  Scriptable faults live in faults.py.

Standard library only; runs with /usr/bin/python3 (3.11).
"""

import argparse
import json
import os
import signal
import socket
import socketserver
import struct
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import api  # noqa: E402
import auth  # noqa: E402
import faults as faults_mod  # noqa: E402
import store as store_mod  # noqa: E402
import writes  # noqa: E402

DEFAULTS = {
    "items": 500,
    "seed": 1,
    "fixture": None,
    "auth_failure": "401",
    "top_mode": "lenient",
    "latency_ms": 0,
    "today": None,
    "token_lifetime_s": 3599,
    "oauth_blocked": False,
    "unmaterialized": [],
    "rotate_refresh": True,
    "pat_expired": False,
    "tag_create": True,
    # Opt-in (bench/ replays the driver's requests with curl): each log entry
    # also gets "body", the request body as text.  Never headers (no
    # Authorization), never token endpoint requests.
    "log_bodies": False,
}
RESET_KEYS = set(DEFAULTS)


def parse_pats(text):
    """'pat1=unique1,pat2=unique2' -> {pat: unique}.  Split on the last '='
    so a PAT containing '=' still works."""
    pats = {}
    for entry in (text or "").split(","):
        entry = entry.strip()
        if not entry:
            continue
        pat, sep, unique = entry.rpartition("=")
        if not sep or not pat or not unique:
            raise ValueError("AZDO_EMULATOR_PATS entries must look like PAT=uniqueName")
        pats[pat] = unique.strip()
    return pats


class ConfigError(ValueError):
    pass


def validate_config(cfg):
    """Normalizes and checks a configuration dict (CLI or reset body)."""
    out = dict(cfg)
    try:
        out["items"] = int(out["items"])
    except (TypeError, ValueError):
        raise ConfigError("items must be an integer")
    if not 0 <= out["items"] <= 2_000_000:
        raise ConfigError("items must be between 0 and 2000000")
    if out["fixture"] in ("", "none"):
        out["fixture"] = None
    if out["fixture"] not in (None, "examples"):
        raise ConfigError('fixture must be null or "examples"')
    out["auth_failure"] = str(out["auth_failure"])
    if out["auth_failure"] not in ("401", "203"):
        raise ConfigError('auth_failure must be "401" or "203"')
    if out["top_mode"] not in ("lenient", "strict"):
        raise ConfigError('top_mode must be "lenient" or "strict"')
    try:
        out["latency_ms"] = float(out["latency_ms"] or 0)
    except (TypeError, ValueError):
        raise ConfigError("latency_ms must be a number")
    if out["latency_ms"] < 0:
        raise ConfigError("latency_ms must not be negative")
    if out["today"] is not None:
        try:
            store_mod.today_stamp(str(out["today"]))
        except ValueError:
            raise ConfigError("today must be a date YYYY-MM-DD")
    lifetime = out["token_lifetime_s"]
    if isinstance(lifetime, bool) or not isinstance(lifetime, (int, float)) or lifetime != int(lifetime) \
            or not 0 <= lifetime <= 10 ** 9:
        raise ConfigError("token_lifetime_s must be an integer >= 0")
    out["token_lifetime_s"] = int(lifetime)
    for key in ("oauth_blocked", "rotate_refresh", "pat_expired", "tag_create", "log_bodies"):
        if not isinstance(out[key], bool):
            raise ConfigError("%s must be true or false" % key)
    unmat = out["unmaterialized"]
    if unmat is None:
        unmat = []
    if not isinstance(unmat, list) or not all(isinstance(u, str) and u.strip() for u in unmat):
        raise ConfigError("unmaterialized must be a list of client ids / uniqueNames")
    out["unmaterialized"] = [u.strip() for u in unmat]
    return out


class Emulator:
    """The mutable part of a running emulator: configuration, store, log."""

    def __init__(self, config, pats, examples_dir=None, log_path=None, clients=None,
                 access_tokens=None, tenant=None):
        self.startup = validate_config({**DEFAULTS, **config})
        self.pats = dict(pats)
        # The identity provider outlives resets (see auth.TokenService).
        self.tokens = auth.TokenService(clients, access_tokens, tenant)
        self.faults = faults_mod.FaultSet()
        self.examples_dir = examples_dir or store_mod.default_examples_dir()
        self.log_path = log_path
        self._log = []
        self._log_lock = threading.Lock()
        self._reset_lock = threading.Lock()
        # The server answers requests on many threads (as the service does)
        # but the store is plain Python: one request changes it at a time.
        # Latency is simulated outside the lock, so concurrent clients still
        # overlap their waits exactly as they would against the service.
        self.state_lock = threading.Lock()
        self.config = None
        self.state = None
        self.reset({})

    def reset(self, overrides):
        """Rebuilds from the startup configuration plus overrides; clears the
        log, the fault rules and the token counters (issued tokens and the
        clock are kept)."""
        unknown = set(overrides) - RESET_KEYS
        if unknown:
            raise ConfigError("unknown reset keys: %s" % ", ".join(sorted(unknown)))
        cfg = validate_config({**self.startup, **overrides})
        with self._reset_lock:
            built = store_mod.build(items=cfg["items"], seed=cfg["seed"], fixture=cfg["fixture"],
                                    examples_dir=self.examples_dir)
            built.tag_create = cfg["tag_create"]
            # One assignment: requests in flight keep the state they started with.
            self.state = api.State(built, self.pats, cfg["top_mode"], cfg["auth_failure"],
                                   cfg["today"], tokens=self.tokens,
                                   oauth_blocked=cfg["oauth_blocked"],
                                   unmaterialized=cfg["unmaterialized"],
                                   pat_expired=cfg["pat_expired"])
            self.config = cfg
            self.faults.clear()
            self.tokens.reset_counters()
            self.clear_log()
        return cfg

    def token_response(self, route, req):
        kind, tenant = route
        status, body, ctype, headers = self.tokens.handle(kind, tenant, req.method, req.headers,
                                                          req.body, self.config)
        return api.Response(status, body, ctype, headers)

    def record(self, entry):
        line = json.dumps(entry, ensure_ascii=False)
        with self._log_lock:
            self._log.append(entry)
            if self.log_path:
                with open(self.log_path, "a", encoding="utf-8") as fh:
                    fh.write(line + "\n")

    def log_entries(self):
        with self._log_lock:
            return list(self._log)

    def clear_log(self):
        with self._log_lock:
            n = len(self._log)
            self._log.clear()
            return n

    def dump(self, base, field_names=None):
        """Every live item as the API returns it with all fields — or only the
        named fields (?fields=a,b), which keeps a 200k-item dump small."""
        st = self.state.store
        fields = None
        if field_names:
            fields = []
            for name in field_names:
                f = st.catalogue.resolve(name)
                if f is None:
                    raise ConfigError("unknown field %r" % name)
                fields.append(f)
        return {"items": [{"id": it.id, "rev": it.rev, "fields": st.render_fields(it, base, fields)}
                          for it in st.items if not it.deleted]}

    def item(self, base, ident):
        """One work item's current state (deleted ones too), or None."""
        st = self.state.store
        with st.lock:
            return writes.item_state(st, ident, base)

    def revisions(self, base, ident):
        st = self.state.store
        with st.lock:
            return writes.revisions(st, ident, base)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keep-alive with Content-Length

    def version_string(self):
        return "azdo-emulator/1.0"

    def setup(self):
        super().setup()
        # Headers and body go out in two writes; with Nagle on, the body waits
        # for the client's delayed ACK (~40 ms per keep-alive request).
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass

    def log_message(self, fmt, *args):  # requests go to the JSON log instead
        pass

    def do_GET(self):
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    # -- plumbing -------------------------------------------------------

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size_line = self.rfile.readline()
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, status, body, content_type, headers=(), limit=None):
        """limit: send only that many body bytes (the Content-Length still
        announces them all) — the 'truncate' fault."""
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        if limit is not None:
            # No "Connection: close": to the client this is a dropped connection.
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body if limit is None else body[:limit])

    def _abort(self, how):
        """Closes the connection without a response: 'rst' = abortive close
        (SO_LINGER 0: the peer gets ECONNRESET), 'fin' = orderly close (EOF)."""
        self.close_connection = True
        if how != "rst":
            return
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.rfile.close()          # drop the makefile reference so close() is real
            self.connection.close()     # the server's later shutdown() just fails (EBADF)
        except OSError:
            pass

    def _host(self):
        host = self.headers.get("Host")
        if host:
            return host
        h, p = self.server.server_address[:2]
        return "%s:%d" % (h, p)

    def _dispatch(self):
        emu = self.server.emulator
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            self._send(400, b"bad request body", "text/plain")
            return
        path, _, query = self.path.partition("?")
        if path == "/_emulator" or path.startswith("/_emulator/"):
            self._control(emu, path, query, body)
            return
        state = emu.state
        token_route = auth.token_route(path)
        started = time.monotonic()
        latency = emu.config["latency_ms"]
        if latency and token_route is None:
            time.sleep(latency / 1000.0)
        req = api.Request(self.command, path, query, self.headers, body, self._host())

        def real():
            try:
                with emu.state_lock:
                    if token_route is not None:
                        return emu.token_response(token_route, req)
                    return api.handle(state, req)
            except Exception as exc:  # a bug in the emulator: still answer like VSS
                return api.json_response(api.vss_error("Emulator internal error: %s: %s" % (
                    type(exc).__name__, exc), "VssServiceException"), 500)

        # Token endpoints: never log the query (or any form field).
        entry = {"method": self.command, "path": path, "query": "" if token_route else query,
                 "start": started}
        if emu.config["log_bodies"] and token_route is None and body:
            entry["body"] = body.decode("utf-8", "replace")
        rule = emu.faults.pick(self.command.upper(), path, is_token=token_route is not None)
        if rule is None:
            outcome = faults_mod.Outcome("send", real())
        else:
            entry["fault"] = rule.action
            try:
                outcome = faults_mod.apply(rule, req, real, emu.tokens.now(),
                                           lambda: api.request_identity_id(state, req))
            except Exception as exc:
                outcome = faults_mod.Outcome("send", api.json_response(api.vss_error(
                    "Emulator internal error: %s: %s" % (type(exc).__name__, exc),
                    "VssServiceException"), 500))
        if outcome.mode == "reset":
            entry.update(status=0, bytes=0, end=time.monotonic())
            emu.record(entry)
            self._abort(outcome.close)
            return
        resp = outcome.response
        limit = outcome.send_bytes if outcome.mode == "truncate" else None
        entry.update(status=resp.status, bytes=len(resp.body) if limit is None else limit, end=time.monotonic())
        emu.record(entry)
        headers = list(resp.headers)
        if token_route is None:
            headers += [("ActivityId", str(uuid.uuid4())), ("X-TFS-Session", str(uuid.uuid4()))]
        self._send(resp.status, resp.body, resp.content_type, headers, limit)

    # -- control endpoints (no auth, not logged) ------------------------

    def _control(self, emu, path, query, body):
        route = path[len("/_emulator"):].rstrip("/")
        method = self.command

        def reply(obj, status=200):
            self._send(status, api.json_bytes(obj), "application/json; charset=utf-8")

        if route == "/health" and method == "GET":
            return reply({"ok": True})
        if route == "/log" and method == "GET":
            return reply(emu.log_entries())
        if route == "/log" and method == "DELETE":
            return reply({"ok": True, "cleared": emu.clear_log()})
        if route == "/dump" and method == "GET":
            names = [n for n in (parse_qs(query).get("fields") or [""])[-1].split(",") if n.strip()]
            try:
                return reply(emu.dump("http://%s/fabrikam" % self._host(), names))
            except ConfigError as exc:
                return reply({"ok": False, "error": str(exc)}, 400)
        for kind in ("/item/", "/revisions/"):
            if route.startswith(kind) and method == "GET":
                raw = route[len(kind):]
                if not raw.isdigit():
                    return reply({"ok": False, "error": "the work item id must be a number"}, 400)
                base = "http://%s/fabrikam" % self._host()
                got = (emu.item if kind == "/item/" else emu.revisions)(base, int(raw))
                if got is None:
                    return reply({"ok": False, "error": "work item %s does not exist (never created, or "
                                  "destroyed)" % raw}, 404)
                return reply(got)
        if route == "/faults":
            if method == "GET":
                return reply({"rules": emu.faults.report()})
            if method == "DELETE":
                return reply({"ok": True, "cleared": emu.faults.clear()})
            if method == "POST":
                try:
                    n = emu.faults.set(json.loads(body.decode("utf-8")) if body.strip() else None)
                except (ValueError, faults_mod.FaultError) as exc:
                    return reply({"ok": False, "error": str(exc)}, 400)
                return reply({"ok": True, "rules": n})
        if route == "/tokens" and method == "GET":
            return reply(emu.tokens.report())
        if route == "/tokens" and method == "DELETE":
            return reply({"ok": True, "revoked": emu.tokens.revoke_all()})
        if route == "/refresh_token" and method == "POST":
            try:
                req = json.loads(body.decode("utf-8")) if body.strip() else None
                if not isinstance(req, dict) or not isinstance(req.get("client_id"), str):
                    raise ValueError('the body must be {"client_id": "…"[, "user": "uniqueName", '
                                     '"scope": "vso.work"]}')
                unknown = set(req) - {"client_id", "user", "scope"}
                if unknown:
                    raise ValueError("unknown keys: %s" % ", ".join(sorted(unknown)))
                for key in ("user", "scope"):
                    if req.get(key) is not None and not (isinstance(req[key], str) and req[key].strip()):
                        raise ValueError("%s must be a non-empty string" % key)
                rt = emu.tokens.mint_refresh(req["client_id"], req.get("user"), req.get("scope"))
            except ValueError as exc:
                return reply({"ok": False, "error": str(exc)}, 400)
            return reply({"refresh_token": rt})
        if route == "/clock" and method in ("GET", "POST"):
            if method == "POST":
                try:
                    req = json.loads(body.decode("utf-8")) if body.strip() else None
                    adv = req.get("advance_s") if isinstance(req, dict) else None
                    if isinstance(adv, bool) or not isinstance(adv, (int, float)) or not 0 <= adv < 1e10 \
                            or set(req) != {"advance_s"}:
                        raise ValueError('the body must be {"advance_s": N} with N >= 0')
                except ValueError as exc:
                    return reply({"ok": False, "error": str(exc)}, 400)
                emu.tokens.advance(float(adv))
            return reply({"ok": True, "offset_s": emu.tokens.offset, "now": emu.tokens.now()})
        if route == "/reset" and method == "POST":
            try:
                overrides = json.loads(body.decode("utf-8")) if body.strip() else {}
                if not isinstance(overrides, dict):
                    raise ConfigError("reset body must be a JSON object")
                cfg = emu.reset(overrides)
            except (ValueError, ConfigError) as exc:
                return reply({"ok": False, "error": str(exc)}, 400)
            except RuntimeError as exc:
                return reply({"ok": False, "error": str(exc)}, 500)
            return reply({"ok": True, "config": cfg})
        return reply({"ok": False, "error": "unknown control endpoint %s %s" % (method, path)}, 404)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # listen() backlog: the default 5 drops connections when a bulk writer
    # opens dozens at once
    request_queue_size = 128

    def __init__(self, address, emulator):
        self.emulator = emulator
        super().__init__(address, Handler)

    def server_bind(self):
        # HTTPServer.server_bind calls socket.getfqdn(), a reverse DNS lookup
        # that can stall without a network; we only need the port.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = host
        self.server_port = port


def start_server(emulator, host="127.0.0.1", port=0):
    """Starts serving in a background thread; returns (server, thread)."""
    server = Server((host, port), emulator)
    thread = threading.Thread(target=server.serve_forever, name="azdo-emulator", daemon=True)
    thread.start()
    return server, thread


def write_port_file(path, port):
    """Atomic: readers never see a partial file."""
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as fh:
        fh.write("%d\n" % port)
    os.replace(tmp, path)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 = pick a free port")
    p.add_argument("--port-file", help="write the port here (atomically) once listening")
    p.add_argument("--items", type=int, default=DEFAULTS["items"])
    p.add_argument("--seed", default=str(DEFAULTS["seed"]))
    p.add_argument("--latency-ms", type=float, default=0.0)
    p.add_argument("--fixture", choices=["examples"], default=None)
    p.add_argument("--examples-dir", default=None,
                   help="recorded REST examples (default: $AZDO_REST_SPECS or "
                        "../../../shared/ado-rest-api-7.1 from this script)")
    p.add_argument("--auth-failure", choices=["401", "203"], default="401")
    p.add_argument("--top-mode", choices=["lenient", "strict"], default="lenient")
    p.add_argument("--today", default=None, help="pin @Today to YYYY-MM-DD (default: real UTC date)")
    p.add_argument("--log", default=None, help="append the request log here as JSON lines")
    p.add_argument("--token-lifetime-s", type=int, default=DEFAULTS["token_lifetime_s"],
                   help="lifetime of issued access tokens (default 3599)")
    args = p.parse_args(argv)

    try:
        pats = parse_pats(os.environ.get("AZDO_EMULATOR_PATS", ""))
    except ValueError as exc:
        print("azdo_emulator: %s" % exc, file=sys.stderr)
        return 2
    try:
        clients = auth.parse_clients(os.environ.get("AZDO_EMULATOR_CLIENTS", ""))
        access_tokens = auth.parse_access_tokens(os.environ.get("AZDO_EMULATOR_ACCESS_TOKENS", ""))
    except ValueError as exc:
        print("azdo_emulator: %s" % exc, file=sys.stderr)
        return 2
    tenant = os.environ.get("AZDO_EMULATOR_TENANT") or None
    if not pats:
        print("azdo_emulator: warning: AZDO_EMULATOR_PATS is empty; every PAT request will "
              "fail authentication%s" % ("" if clients or access_tokens else
                                         " (and no AZDO_EMULATOR_CLIENTS / _ACCESS_TOKENS either)"),
              file=sys.stderr)

    config = {"items": args.items, "seed": args.seed, "fixture": args.fixture,
              "auth_failure": args.auth_failure, "top_mode": args.top_mode,
              "latency_ms": args.latency_ms, "today": args.today,
              "token_lifetime_s": args.token_lifetime_s}
    try:
        emulator = Emulator(config, pats, examples_dir=args.examples_dir, log_path=args.log,
                            clients=clients, access_tokens=access_tokens, tenant=tenant)
    except (ConfigError, RuntimeError, ValueError) as exc:
        print("azdo_emulator: %s" % exc, file=sys.stderr)
        return 2

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    try:
        server, thread = start_server(emulator, args.host, args.port)
    except OSError as exc:
        print("azdo_emulator: cannot listen on %s:%d: %s" % (args.host, args.port, exc),
              file=sys.stderr)
        return 2
    port = server.server_address[1]
    if args.port_file:
        write_port_file(args.port_file, port)
    print("listening on http://%s:%d" % (args.host, port), flush=True)

    while not stop.wait(0.5):
        pass
    server.shutdown()
    server.server_close()
    thread.join(5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
