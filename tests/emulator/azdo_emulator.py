#!/usr/bin/env python3
"""Local fake Azure DevOps ("emulator") for testing azdo-odbc offline.

Serves organization `fabrikam` at http://HOST:PORT/fabrikam/... and the same
data as an Azure DevOps Server collection at /tfs/DefaultCollection/...
Endpoints and their behaviour live in api.py, data in store.py, WIQL in
wiql.py; this file is the CLI, the HTTP plumbing, the request log and the
control endpoints (/_emulator/...).

Valid PATs come only from the environment, never argv (argv shows in `ps`):
    AZDO_EMULATOR_PATS="pat1=uniqueName1,pat2=uniqueName2"
Each PAT maps to a seeded identity by uniqueName; that identity is @Me.

Standard library only; runs with /usr/bin/python3 (3.11).
"""

import argparse
import json
import os
import signal
import socketserver
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import api  # noqa: E402
import store as store_mod  # noqa: E402

DEFAULTS = {
    "items": 500,
    "seed": 1,
    "fixture": None,
    "auth_failure": "401",
    "top_mode": "lenient",
    "latency_ms": 0,
    "today": None,
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
    return out


class Emulator:
    """The mutable part of a running emulator: configuration, store, log."""

    def __init__(self, config, pats, examples_dir=None, log_path=None):
        self.startup = validate_config({**DEFAULTS, **config})
        self.pats = dict(pats)
        self.examples_dir = examples_dir or store_mod.default_examples_dir()
        self.log_path = log_path
        self._log = []
        self._log_lock = threading.Lock()
        self._reset_lock = threading.Lock()
        self.config = None
        self.state = None
        self.reset({})

    def reset(self, overrides):
        """Rebuilds from the startup configuration plus overrides, clears the log."""
        unknown = set(overrides) - RESET_KEYS
        if unknown:
            raise ConfigError("unknown reset keys: %s" % ", ".join(sorted(unknown)))
        cfg = validate_config({**self.startup, **overrides})
        with self._reset_lock:
            built = store_mod.build(items=cfg["items"], seed=cfg["seed"], fixture=cfg["fixture"],
                                    examples_dir=self.examples_dir)
            # One assignment: requests in flight keep the state they started with.
            self.state = api.State(built, self.pats, cfg["top_mode"], cfg["auth_failure"],
                                   cfg["today"])
            self.config = cfg
            self.clear_log()
        return cfg

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


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keep-alive with Content-Length

    def version_string(self):
        return "azdo-emulator/1.0"

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

    def _send(self, status, body, content_type, headers=()):
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)

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
        latency = emu.config["latency_ms"]
        if latency:
            time.sleep(latency / 1000.0)
        req = api.Request(self.command, path, query, self.headers, body, self._host())
        try:
            resp = api.handle(state, req)
        except Exception as exc:  # a bug in the emulator: still answer like VSS
            resp = api.json_response(api.vss_error("Emulator internal error: %s: %s" % (
                type(exc).__name__, exc), "VssServiceException"), 500)
        emu.record({"method": self.command, "path": path, "query": query,
                    "status": resp.status, "bytes": len(resp.body)})
        headers = list(resp.headers) + [("ActivityId", str(uuid.uuid4())),
                                        ("X-TFS-Session", str(uuid.uuid4()))]
        self._send(resp.status, resp.body, resp.content_type, headers)

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
    args = p.parse_args(argv)

    try:
        pats = parse_pats(os.environ.get("AZDO_EMULATOR_PATS", ""))
    except ValueError as exc:
        print("azdo_emulator: %s" % exc, file=sys.stderr)
        return 2
    if not pats:
        print("azdo_emulator: warning: AZDO_EMULATOR_PATS is empty; every API request will "
              "fail authentication", file=sys.stderr)

    config = {"items": args.items, "seed": args.seed, "fixture": args.fixture,
              "auth_failure": args.auth_failure, "top_mode": args.top_mode,
              "latency_ms": args.latency_ms, "today": args.today}
    try:
        emulator = Emulator(config, pats, examples_dir=args.examples_dir, log_path=args.log)
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
