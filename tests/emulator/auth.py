"""Identity provider of the Azure DevOps emulator: the token endpoints and
bearer-token bookkeeping (no sockets here; see azdo_emulator.py).

Two token endpoints, served at the emulator ROOT (not under /fabrikam):

  POST /{tenant}/oauth2/v2.0/token   Microsoft Entra ID v2 (docs §1.3, §1.5)
       grant_type=client_credentials  client_id, client_secret, scope
       grant_type=refresh_token       client_id, refresh_token, scope[, client_secret]
  POST /oauth2/token                 legacy Azure DevOps OAuth (docs §1.4)
       client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer
       client_assertion={app secret}, grant_type=refresh_token,
       assertion={refresh token}, redirect_uri={registered callback}

Who is valid comes only from the environment (never argv):
  AZDO_EMULATOR_CLIENTS="clientId:clientSecret:uniqueName[:redirectUri],…"
  AZDO_EMULATOR_ACCESS_TOKENS="token=uniqueName,…"   (ready, never-expiring)
  AZDO_EMULATOR_TENANT=<tenant id>                   (optional; DEFAULT_TENANT)
Refresh tokens are minted for tests by POST /_emulator/refresh_token.

The emulator keeps its own clock (real time + an offset that only ever moves
forward, POST /_emulator/clock) so tests can expire tokens without sleeping.

Error bodies follow what the real services send:
  Entra: {"error","error_description","error_codes","timestamp","trace_id",
          "correlation_id","error_uri"}; the description repeats the trace id,
          correlation id and timestamp after CRLFs, like login.microsoftonline.com.
  legacy: {"Error","ErrorDescription"} (PascalCase, as app.vssps.visualstudio.com
          answers; observed in MicrosoftDocs/azure-devops-docs#8583).
Known simplifications (unverified against the live services):
  * an unknown client_id gives 400 unauthorized_client AADSTS700016 (what
    Entra sends), not 401 invalid_client; a wrong secret gives 401
    invalid_client AADSTS7000215.
  * certificate credentials (client_assertion on the v2 endpoint) are not
    supported: 401 invalid_client AADSTS700027.
  * the legacy authorization-code exchange (grant_type=…:jwt-bearer with a
    code) is not supported: every code is invalid (400 invalid_grant).
  * access tokens look like JWTs (three base64url parts, realistic length
    ~1.5 KB) but are random: the emulator only looks them up.  Clients must
    treat them as opaque.
"""

import base64
import hmac
import json
import re
import secrets
import threading
import time
import uuid
from urllib.parse import parse_qs

ADO_RESOURCE_ID = "499b84ac-1321-427f-aa17-267ca6975798"
ADO_RESOURCE_URI = "https://app.vssps.visualstudio.com"
DEFAULT_TENANT = "6c5f6c1e-5b8a-4d7e-9a3f-2f1fab71c0de"
TENANT_DOMAIN = "fabrikam.onmicrosoft.com"
JWT_BEARER_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
REFRESH_LIFETIME_S = 90 * 86400          # Entra refresh tokens: 90 days of inactivity
FORM_TYPE = "application/x-www-form-urlencoded"
JSON_TYPE = "application/json; charset=utf-8"

_GUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
ENTRA_PATH_RE = re.compile(r"^/([^/]+)/oauth2/v2\.0/token/?$", re.I)
LEGACY_PATH_RE = re.compile(r"^/oauth2/token/?$", re.I)


class Client:
    __slots__ = ("id", "secret", "unique", "redirect")

    def __init__(self, ident, secret, unique, redirect=None):
        self.id = ident
        self.secret = secret
        self.unique = unique
        self.redirect = redirect


def parse_clients(text):
    """'id:secret:unique[:redirectUri],…' -> {id_casefold: Client}.  The
    redirect URI may itself contain ':' (it is everything after the third)."""
    out = {}
    for entry in (text or "").split(","):
        entry = entry.strip()
        if not entry:
            continue
        parts = entry.split(":", 3)
        if len(parts) < 3 or not all(p.strip() for p in parts[:3]):
            raise ValueError("AZDO_EMULATOR_CLIENTS entries must look like "
                             "clientId:clientSecret:uniqueName[:redirectUri]")
        redirect = parts[3].strip() if len(parts) == 4 and parts[3].strip() else None
        c = Client(parts[0].strip(), parts[1], parts[2].strip(), redirect)
        out[c.id.casefold()] = c
    return out


def parse_access_tokens(text):
    """'token=unique,…' -> {token: unique}; split on the last '='."""
    out = {}
    for entry in (text or "").split(","):
        entry = entry.strip()
        if not entry:
            continue
        tok, sep, unique = entry.rpartition("=")
        if not sep or not tok or not unique.strip():
            raise ValueError("AZDO_EMULATOR_ACCESS_TOKENS entries must look like token=uniqueName")
        out[tok] = unique.strip()
    return out


def token_route(path):
    """None, ('entra', tenant) or ('legacy', None) for a request path."""
    m = ENTRA_PATH_RE.match(path)
    if m:
        return "entra", m.group(1)
    if LEGACY_PATH_RE.match(path):
        return "legacy", None
    return None


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class Grant:
    """An issued access token: who it acts as, for which client, until when."""
    __slots__ = ("unique", "client_id", "expires_at", "kind")

    def __init__(self, unique, client_id, expires_at, kind):
        self.unique = unique
        self.client_id = client_id
        self.expires_at = expires_at   # emulator-clock epoch seconds; None = never
        self.kind = kind               # 'entra', 'legacy', 'configured'


class RefreshGrant:
    __slots__ = ("client_id", "unique", "expires_at", "scope")

    def __init__(self, client_id, unique, expires_at, scope):
        self.client_id = client_id
        self.unique = unique
        self.expires_at = expires_at
        self.scope = scope


class TokenError(Exception):
    def __init__(self, status, error, code, description):
        super().__init__(description)
        self.status = status
        self.error = error
        self.code = code
        self.description = description


COUNTER_NAMES = ("issued", "client_credentials", "refreshed", "rotated", "refresh_tokens_minted",
                 "token_errors", "bearer_accepted", "bearer_rejected", "bearer_expired")


class TokenService:
    """Clients, issued tokens, the clock and counters.  Survives
    POST /_emulator/reset (like a real tenant, a reset of the organization
    does not revoke tokens); DELETE /_emulator/tokens revokes issued ones."""

    def __init__(self, clients=None, access_tokens=None, tenant=None):
        self.clients = dict(clients or {})
        self.configured = dict(access_tokens or {})
        self.tenant = (tenant or DEFAULT_TENANT).strip()
        self._lock = threading.Lock()
        self._offset = 0.0
        self._access = {}      # token -> Grant
        self._refresh = {}     # refresh token -> RefreshGrant
        self._retired = set()  # refresh tokens invalidated by rotation
        self.counters = dict.fromkeys(COUNTER_NAMES, 0)

    # -- clock -----------------------------------------------------------

    def now(self):
        return time.time() + self._offset

    def advance(self, seconds):
        with self._lock:
            self._offset += seconds
            return self._offset

    @property
    def offset(self):
        return self._offset

    # -- bookkeeping -------------------------------------------------------

    def count(self, name, n=1):
        with self._lock:
            self.counters[name] += n

    def reset_counters(self):
        with self._lock:
            self.counters = dict.fromkeys(COUNTER_NAMES, 0)

    def report(self):
        """Counts only; never a token value."""
        with self._lock:
            now = self.now()
            out = dict(self.counters)
            out["active_access_tokens"] = sum(1 for g in self._access.values()
                                              if g.expires_at is None or g.expires_at > now)
            out["active_refresh_tokens"] = sum(1 for g in self._refresh.values() if g.expires_at > now)
            out["configured_access_tokens"] = len(self.configured)
            out["clients"] = len(self.clients)
            out["clock_offset_s"] = self._offset
        return out

    def revoke_all(self):
        with self._lock:
            n = len(self._access) + len(self._refresh)
            self._retired.update(self._refresh)
            self._access.clear()
            self._refresh.clear()
            return n

    def client(self, client_id):
        return self.clients.get((client_id or "").strip().casefold())

    def mint_refresh(self, client_id, user=None, scope=None):
        c = self.client(client_id)
        if c is None:
            raise ValueError("unknown client_id (AZDO_EMULATOR_CLIENTS)")
        rt = self._new_refresh()
        with self._lock:
            self._refresh[rt] = RefreshGrant(c.id, user or c.unique, self.now() + REFRESH_LIFETIME_S,
                                             scope or "vso.work")
            self.counters["refresh_tokens_minted"] += 1
        return rt

    @staticmethod
    def _new_access(client_id, unique, iat, exp, issuer):
        header = _b64url(b'{"typ":"JWT","alg":"RS256","x5t":"emulator","kid":"emulator"}')
        claims = {"aud": ADO_RESOURCE_ID, "iss": issuer, "iat": int(iat), "nbf": int(iat), "exp": int(exp),
                  "appid": client_id or "", "upn": unique, "uti": _b64url(secrets.token_bytes(16)),
                  "nonce": _b64url(secrets.token_bytes(600))}
        payload = _b64url(json.dumps(claims, separators=(",", ":")).encode())
        return "%s.%s.%s" % (header, payload, _b64url(secrets.token_bytes(256)))

    @staticmethod
    def _new_refresh():
        return "0.A" + _b64url(secrets.token_bytes(540))

    def check_bearer(self, token):
        """('ok', Grant) | ('expired', Grant) | ('unknown', None)."""
        unique = None
        for known, u in self.configured.items():
            if hmac.compare_digest(known.encode("utf-8"), token.encode("utf-8")):
                unique = u
        if unique is not None:
            self.count("bearer_accepted")
            return "ok", Grant(unique, None, None, "configured")
        with self._lock:
            g = self._access.get(token)
            if g is None:
                self.counters["bearer_rejected"] += 1
                return "unknown", None
            if g.expires_at is not None and self.now() >= g.expires_at:
                self.counters["bearer_rejected"] += 1
                self.counters["bearer_expired"] += 1
                return "expired", g
            self.counters["bearer_accepted"] += 1
            return "ok", g

    def peek_bearer(self, token):
        """uniqueName of a known token (even an expired one) or None; no counting."""
        for known, u in self.configured.items():
            if hmac.compare_digest(known.encode("utf-8"), token.encode("utf-8")):
                return u
        with self._lock:
            g = self._access.get(token)
        return g.unique if g else None

    def _issue(self, client, unique, lifetime, kind):
        now = self.now()
        exp = now + lifetime
        issuer = "https://sts.windows.net/%s/" % self.tenant if kind == "entra" else ADO_RESOURCE_URI
        tok = self._new_access(client.id, unique, now, exp, issuer)
        with self._lock:
            self._access[tok] = Grant(unique, client.id, exp, kind)
            self.counters["issued"] += 1
        return tok

    def _use_refresh(self, rt, client, rotate):
        """Validates a refresh token for `client`; returns (RefreshGrant, new rt)."""
        with self._lock:
            g = self._refresh.get(rt)
            if g is None:
                if rt in self._retired:
                    raise TokenError(400, "invalid_grant", 70008, "AADSTS70008: The provided authorization "
                                     "code or refresh token has expired due to inactivity. Send a new "
                                     "interactive authorization request for this user and resource.")
                raise TokenError(400, "invalid_grant", 9002313, "AADSTS9002313: Invalid request. "
                                 "Request is malformed or invalid.")
            if self.now() >= g.expires_at:
                raise TokenError(400, "invalid_grant", 70008, "AADSTS70008: The provided authorization "
                                 "code or refresh token has expired due to inactivity. Send a new "
                                 "interactive authorization request for this user and resource.")
            if client is not None and g.client_id.casefold() != client.id.casefold():
                raise TokenError(400, "invalid_grant", 70000, "AADSTS70000: Provided grant is invalid or "
                                 "malformed. The refresh token was issued to a different client.")
            self.counters["refreshed"] += 1
            if not rotate:
                return g, rt
            new = self._new_refresh()
            del self._refresh[rt]
            self._retired.add(rt)
            self.counters["rotated"] += 1
            self._refresh[new] = RefreshGrant(g.client_id, g.unique, self.now() + REFRESH_LIFETIME_S,
                                              g.scope)
            return g, new

    # -- endpoints ---------------------------------------------------------

    def handle(self, kind, tenant, method, headers, body, settings):
        """-> (status, body bytes, content type, extra headers).  `settings`:
        {'token_lifetime_s': int, 'rotate_refresh': bool}."""
        if kind == "entra":
            status, obj = self._entra(tenant, method, headers, body, settings)
        else:
            status, obj = self._legacy(method, headers, body, settings)
        if status != 200:
            self.count("token_errors")
        hdrs = [("Cache-Control", "no-store, no-cache"), ("Pragma", "no-cache"),
                ("x-ms-request-id", str(uuid.uuid4()))]
        return status, json.dumps(obj, separators=(",", ":")).encode("utf-8"), JSON_TYPE, hdrs

    def _entra_error(self, err):
        trace, corr = str(uuid.uuid4()), str(uuid.uuid4())
        stamp = time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime(self.now()))
        desc = "%s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s" % (err.description, trace, corr, stamp)
        return err.status, {"error": err.error, "error_description": desc, "error_codes": [err.code],
                            "timestamp": stamp, "trace_id": trace, "correlation_id": corr,
                            "error_uri": "https://login.microsoftonline.com/error?code=%d" % err.code}

    def _entra(self, tenant, method, headers, body, settings):
        try:
            return 200, self._entra_grant(tenant, method, headers, body, settings)
        except TokenError as err:
            return self._entra_error(err)

    @staticmethod
    def _form(headers, body):
        ctype = (headers.get("Content-Type") or "").split(";")[0].strip().casefold()
        if ctype != FORM_TYPE:
            return None
        try:
            parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            return None
        return {k: v[-1] for k, v in parsed.items()}

    @staticmethod
    def _missing(name):
        return TokenError(400, "invalid_request", 900144, "AADSTS900144: The request body must contain "
                          "the following parameter: '%s'." % name)

    def _check_tenant(self, tenant):
        t = tenant.strip().casefold()
        if t in (self.tenant.casefold(), TENANT_DOMAIN):
            return
        if not _GUID_RE.match(t) and "." not in t:
            raise TokenError(400, "invalid_request", 900023, "AADSTS900023: Specified tenant identifier "
                             "'%s' is neither a valid DNS name, nor a valid external domain." % tenant)
        raise TokenError(400, "invalid_request", 90002, "AADSTS90002: Tenant '%s' not found. Check to make "
                         "sure you have the correct tenant ID and are signing into the correct cloud. "
                         "Check with your subscription administrator, this may happen if there are no "
                         "active subscriptions for the tenant." % tenant)

    @staticmethod
    def _check_scope(scope, delegated):
        if scope is None or not scope.strip():
            raise TokenError(400, "invalid_scope", 70011, "AADSTS70011: The provided request must include "
                             "a 'scope' input parameter. The provided value for the input parameter "
                             "'scope' is not valid.")
        items = scope.split()
        resources = []
        for s in items:
            low = s.casefold()
            if delegated and low in ("openid", "profile", "offline_access", "email"):
                continue
            for res in (ADO_RESOURCE_ID, ADO_RESOURCE_URI):
                if low.startswith(res.casefold() + "/"):
                    resources.append(low[len(res) + 1:])
                    break
            else:
                raise TokenError(400, "invalid_scope", 70011, "AADSTS70011: The provided request must "
                                 "include a 'scope' input parameter. The provided value for the input "
                                 "parameter 'scope' is not valid. The scope '%s' is not valid." % scope)
        if not resources:
            raise TokenError(400, "invalid_scope", 70011, "AADSTS70011: The provided value for the input "
                             "parameter 'scope' is not valid. The scope '%s' does not name a resource."
                             % scope)
        if not delegated and resources != [".default"]:
            raise TokenError(400, "invalid_scope", 1002012, "AADSTS1002012: The provided value for scope "
                             "%s is not valid. Client credential flows must have a scope value with "
                             "/.default suffixed to the resource identifier (application ID URI)." % scope)

    def _check_secret(self, client, secret):
        if not hmac.compare_digest(client.secret.encode("utf-8"), secret.encode("utf-8")):
            raise TokenError(401, "invalid_client", 7000215, "AADSTS7000215: Invalid client secret "
                             "provided. Ensure the secret being sent in the request is the client secret "
                             "value, not the client secret ID, for a secret added to app '%s'." % client.id)

    def _entra_grant(self, tenant, method, headers, body, settings):
        if method != "POST":
            raise TokenError(400, "invalid_request", 900561, "AADSTS900561: The endpoint only accepts POST, "
                             "OPTIONS requests. Received a %s request." % method)
        self._check_tenant(tenant)
        form = self._form(headers, body)
        if form is None:
            # The service cannot read a non-form body, so grant_type is "missing".
            raise self._missing("grant_type")
        grant = form.get("grant_type")
        if not grant:
            raise self._missing("grant_type")
        if grant not in ("client_credentials", "refresh_token"):
            raise TokenError(400, "unsupported_grant_type", 70003, "AADSTS70003: The app requested an "
                             "unsupported grant type '%s'." % grant)
        client_id = form.get("client_id")
        if not client_id:
            raise self._missing("client_id")
        client = self.client(client_id)
        if client is None:
            raise TokenError(400, "unauthorized_client", 700016, "AADSTS700016: Application with "
                             "identifier '%s' was not found in the directory '%s'. This can happen if the "
                             "application has not been installed by the administrator of the tenant or "
                             "consented to by any user in the tenant. You may have sent your "
                             "authentication request to the wrong tenant." % (client_id, tenant))
        lifetime = int(settings["token_lifetime_s"])
        if grant == "client_credentials":
            if form.get("client_assertion"):
                raise TokenError(401, "invalid_client", 700027, "AADSTS700027: Client assertion failed "
                                 "signature validation. (The emulator supports client secrets only.)")
            secret = form.get("client_secret")
            if not secret:
                raise TokenError(401, "invalid_client", 7000218, "AADSTS7000218: The request body must "
                                 "contain the following parameter: 'client_assertion' or 'client_secret'.")
            self._check_secret(client, secret)
            self._check_scope(form.get("scope"), delegated=False)
            tok = self._issue(client, client.unique, lifetime, "entra")
            self.count("client_credentials")
            return {"token_type": "Bearer", "expires_in": lifetime, "ext_expires_in": lifetime,
                    "access_token": tok}
        # refresh_token
        rt = form.get("refresh_token")
        if not rt:
            raise self._missing("refresh_token")
        if form.get("client_secret"):
            self._check_secret(client, form["client_secret"])
        self._check_scope(form.get("scope"), delegated=True)
        g, new_rt = self._use_refresh(rt, client, bool(settings["rotate_refresh"]))
        tok = self._issue(client, g.unique, lifetime, "entra")
        return {"token_type": "Bearer", "scope": "%s/user_impersonation %s/.default"
                % (ADO_RESOURCE_ID, ADO_RESOURCE_ID), "expires_in": lifetime, "ext_expires_in": lifetime,
                "access_token": tok, "refresh_token": new_rt}

    # -- legacy Azure DevOps OAuth ----------------------------------------

    def _legacy(self, method, headers, body, settings):
        def err(status, error, description):
            return status, {"Error": error, "ErrorDescription": description}

        if method != "POST":
            return err(400, "invalid_request", "The token endpoint only accepts POST requests.")
        form = self._form(headers, body)
        if form is None:
            return err(400, "invalid_request", "The request Content-Type must be "
                       "application/x-www-form-urlencoded.")
        if form.get("client_assertion_type") != JWT_BEARER_TYPE:
            return err(400, "invalid_request", "client_assertion_type must be %s." % JWT_BEARER_TYPE)
        grant = form.get("grant_type")
        if grant not in ("refresh_token", JWT_BEARER_GRANT):
            return err(400, "unsupported_grant_type", "The grant type '%s' is not supported." % (grant or ""))
        secret = form.get("client_assertion")
        if not secret:
            return err(401, "invalid_client", "Invalid client auth token.")
        client = None
        for c in self.clients.values():
            if hmac.compare_digest(c.secret.encode("utf-8"), secret.encode("utf-8")):
                client = c
        if client is None:
            return err(401, "invalid_client", "Invalid client auth token.")
        assertion = form.get("assertion")
        if not assertion:
            return err(400, "invalid_request", "The assertion parameter is required.")
        redirect = form.get("redirect_uri")
        if not redirect:
            return err(400, "invalid_request", "The redirect_uri parameter is required.")
        if client.redirect and redirect != client.redirect:
            return err(400, "invalid_request", "The redirect_uri does not match the callback URL "
                       "registered for the application.")
        if grant == JWT_BEARER_GRANT:
            return err(400, "invalid_grant", "The authorization code is not valid.")
        try:
            g, new_rt = self._use_refresh(assertion, client, bool(settings["rotate_refresh"]))
        except TokenError:
            return err(400, "invalid_grant", "The refresh token is not valid. It may have expired, "
                       "been revoked, or already been used.")
        lifetime = int(settings["token_lifetime_s"])
        tok = self._issue(client, g.unique, lifetime, "legacy")
        # The legacy service sends expires_in as a string.
        return 200, {"access_token": tok, "token_type": "jwt-bearer", "expires_in": str(lifetime),
                     "refresh_token": new_rt, "scope": g.scope}
