"""REST endpoint handlers of the Azure DevOps emulator (no sockets here).

handle(state, request) -> Response.  The HTTP server in azdo_emulator.py only
moves bytes; everything the driver can observe — status codes, headers, JSON
shapes, error bodies — is decided here, following docs/azure-devops-api.md
and the recorded examples under shared/ado-rest-api-7.1.

Routes (case-insensitive; {org} is `fabrikam` or `tfs/DefaultCollection`):
  GET  /{org}/_apis/projects                      ?$top &$skip &continuationToken
  GET  /{org}/_apis/projects/{nameOrId}
  GET  /{org}[/{project}]/_apis/wit/fields[/{nameOrRef}]
  POST /{org}[/{project}[/{team}]]/_apis/wit/wiql ?$top &timePrecision
  POST /{org}[/{project}]/_apis/wit/workitemsbatch
  GET  /{org}[/{project}]/_apis/wit/workitems     ?ids &fields &$expand &errorPolicy &asOf
  GET  /{org}[/{project}]/_apis/wit/workitems/{id}
  GET  /{org}/_apis/ResourceAreas[/{areaId}], OPTIONS /{org}/_apis[/{area}]
                                                  (locations.py: for Microsoft's client libraries)
Writes, recycle bin, work item types and comments: see writes.py.

Authentication (resolve_identity): Basic with a PAT (AZDO_EMULATOR_PATS), or
Bearer with a token issued by the emulator's token endpoints or configured in
AZDO_EMULATOR_ACCESS_TOKENS (auth.py).  The token endpoints themselves and
the scriptable faults (faults.py) are wired in azdo_emulator.py.
"""

import base64
import binascii
import hmac
import json
import re
import uuid
from urllib.parse import parse_qs, unquote

import locations
import store as store_mod
import wiql
import writes

MAX_BATCH = 200
SUPPORTED_VERSION = (7, 1)
PAGE_DEFAULT = 100

# typeKey -> typeName ("Namespace.Type, Assembly").  Names marked [doc] are
# quoted in docs/azure-devops-api.md; the others follow the same naming scheme
# but are unverified guesses (the typeKey is what clients match on).
TYPE_NAMES = {
    "UnauthorizedRequestException":  # [doc]
        "Microsoft.TeamFoundation.Framework.Server.UnauthorizedRequestException, "
        "Microsoft.TeamFoundation.Framework.Server",
    "VssVersionNotSpecifiedException":  # [doc]
        "Microsoft.VisualStudio.Services.WebApi.VssVersionNotSpecifiedException, "
        "Microsoft.VisualStudio.Services.WebApi",
    "VssVersionOutOfRangeException":
        "Microsoft.VisualStudio.Services.WebApi.VssVersionOutOfRangeException, "
        "Microsoft.VisualStudio.Services.WebApi",
    "VssInvalidApiVersionException":
        "Microsoft.VisualStudio.Services.WebApi.VssInvalidApiVersionException, "
        "Microsoft.VisualStudio.Services.WebApi",
    "VssRequestContentTypeNotSupportedException":  # [doc]
        "Microsoft.VisualStudio.Services.WebApi.VssRequestContentTypeNotSupportedException, "
        "Microsoft.VisualStudio.Services.WebApi",
    "ProjectDoesNotExistWithNameException":
        "Microsoft.TeamFoundation.Core.WebApi.ProjectDoesNotExistWithNameException, "
        "Microsoft.TeamFoundation.Core.WebApi",
    "HostNotFoundException":
        "Microsoft.TeamFoundation.Framework.Server.HostNotFoundException, "
        "Microsoft.TeamFoundation.Framework.Server",
    "HttpException": "System.Web.HttpException, System.Web",
    "QueryException":
        "Microsoft.TeamFoundation.WorkItemTracking.Server.QueryException, "
        "Microsoft.TeamFoundation.WorkItemTracking.Server",
    "SyntaxException":
        "Microsoft.TeamFoundation.WorkItemTracking.Server.SyntaxException, "
        "Microsoft.TeamFoundation.WorkItemTracking.Server",
    "WorkItemTrackingQueryResultSizeLimitExceededException":  # [doc]
        "Microsoft.TeamFoundation.WorkItemTracking.Server.WorkItemTrackingQueryResultSizeLimitExceededException, "
        "Microsoft.TeamFoundation.WorkItemTracking.Server",
    "WorkItemTrackingQueryMaxWiqlTextLengthLimitExceededException":
        "Microsoft.TeamFoundation.WorkItemTracking.Server.WorkItemTrackingQueryMaxWiqlTextLengthLimitExceededException, "
        "Microsoft.TeamFoundation.WorkItemTracking.Server",
    "WorkItemUnauthorizedAccessException":  # [doc]
        "Microsoft.TeamFoundation.WorkItemTracking.Server.WorkItemUnauthorizedAccessException, "
        "Microsoft.TeamFoundation.WorkItemTracking.Server",
    "ConflictingParametersException":  # [doc]
        "Microsoft.Azure.Boards.WebApi.Common.ConflictingParametersException, "
        "Microsoft.Azure.Boards.WebApi.Common",
    "WorkItemFieldInvalidException":
        "Microsoft.TeamFoundation.WorkItemTracking.Server.WorkItemFieldInvalidException, "
        "Microsoft.TeamFoundation.WorkItemTracking.Server",
    "VssServiceException":
        "Microsoft.VisualStudio.Services.Common.VssServiceException, "
        "Microsoft.VisualStudio.Services.Common",
    "ArgumentException": "System.ArgumentException, mscorlib",
    "ArgumentNullException": "System.ArgumentNullException, mscorlib",
    "AadUserStateException":  # [doc]
        "Microsoft.TeamFoundation.Framework.Server.AadUserStateException, "
        "Microsoft.TeamFoundation.Framework.Server",
    "RequestBlockedException":
        "Microsoft.TeamFoundation.Framework.Server.RequestBlockedException, "
        "Microsoft.TeamFoundation.Framework.Server",
    "HostShutdownException":
        "Microsoft.TeamFoundation.Framework.Server.HostShutdownException, "
        "Microsoft.TeamFoundation.Framework.Server",
    "PermissionDeniedException":
        "Microsoft.TeamFoundation.Framework.Server.PermissionDeniedException, "
        "Microsoft.TeamFoundation.Framework.Server",
    # writes (writes.py).  Status codes per the DECOMP exception map quoted in
    # docs/azure-devops-api.md; the namespaces of the WIT ones follow
    # RuleValidationException's [unverified].
    "RuleValidationException":
        "Microsoft.TeamFoundation.WorkItemTracking.Server.RuleValidationException, "
        "Microsoft.TeamFoundation.WorkItemTracking.Server",
    "WorkItemFieldInvalidTreeNameException":
        "Microsoft.TeamFoundation.WorkItemTracking.Server.WorkItemFieldInvalidTreeNameException, "
        "Microsoft.TeamFoundation.WorkItemTracking.Server",
    "WorkItemTypeNotFoundException":
        "Microsoft.TeamFoundation.WorkItemTracking.Server.WorkItemTypeNotFoundException, "
        "Microsoft.TeamFoundation.WorkItemTracking.Server",
    "WorkItemLinkAddExtraParentException":
        "Microsoft.TeamFoundation.WorkItemTracking.Server.WorkItemLinkAddExtraParentException, "
        "Microsoft.TeamFoundation.WorkItemTracking.Server",
    "WorkItemLinkEndUnauthorizedAccessException":
        "Microsoft.TeamFoundation.WorkItemTracking.Server.WorkItemLinkEndUnauthorizedAccessException, "
        "Microsoft.TeamFoundation.WorkItemTracking.Server",
    "WorkItemLinkCircularException":
        "Microsoft.TeamFoundation.WorkItemTracking.Server.WorkItemLinkCircularException, "
        "Microsoft.TeamFoundation.WorkItemTracking.Server",
    "WorkItemLinkAlreadyExistsException":
        "Microsoft.TeamFoundation.WorkItemTracking.Server.WorkItemLinkAlreadyExistsException, "
        "Microsoft.TeamFoundation.WorkItemTracking.Server",
    "WorkItemInvalidRestoreRequestException":
        "Microsoft.TeamFoundation.WorkItemTracking.Server.WorkItemInvalidRestoreRequestException, "
        "Microsoft.TeamFoundation.WorkItemTracking.Server",
    "WorkItemCommentNotFoundException":
        "Microsoft.TeamFoundation.WorkItemTracking.Server.WorkItemCommentNotFoundException, "
        "Microsoft.TeamFoundation.WorkItemTracking.Server",
    "TestPatchOperationFailedException":  # [3P] public code
        "Microsoft.VisualStudio.Services.WebApi.Patch.TestPatchOperationFailedException, "
        "Microsoft.VisualStudio.Services.WebApi",
    "PatchOperationFailedException":
        "Microsoft.VisualStudio.Services.WebApi.Patch.PatchOperationFailedException, "
        "Microsoft.VisualStudio.Services.WebApi",
    "InvalidPatchFieldNameException":
        "Microsoft.VisualStudio.Services.WebApi.Patch.InvalidPatchFieldNameException, "
        "Microsoft.VisualStudio.Services.WebApi",
    "VssPropertyValidationException":
        "Microsoft.VisualStudio.Services.Common.VssPropertyValidationException, "
        "Microsoft.VisualStudio.Services.Common",
}

JSON_TYPE = "application/json; charset=utf-8; api-version=7.1"


class Response:
    def __init__(self, status, body=b"", content_type=JSON_TYPE, headers=None):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = headers or []


class ApiError(Exception):
    def __init__(self, status, message, type_key, event_id=3000, headers=None, custom=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.type_key = type_key
        self.event_id = event_id
        self.headers = headers or []
        self.custom = custom


def vss_error(message, type_key, event_id=3000, custom=None):
    """The error body every VSS service returns (§5.1); `custom` becomes
    customProperties (rule errors, §5.3), right after $id as on the wire."""
    body = {"$id": "1"}
    if custom is not None:
        body["customProperties"] = custom
    body.update({"innerException": None, "message": message,
                 "typeName": TYPE_NAMES.get(type_key, type_key), "typeKey": type_key,
                 "errorCode": 0, "eventId": event_id})
    return body


def json_bytes(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_response(obj, status=200, headers=None):
    return Response(status, json_bytes(obj), JSON_TYPE, headers)


def error_response(err):
    return json_response(vss_error(err.message, err.type_key, err.event_id, err.custom), err.status,
                         err.headers)


class Request:
    """method, raw path, raw query string, headers (case-insensitive .get),
    body bytes, and the Host the client used (for URLs in responses)."""

    def __init__(self, method, path, query, headers, body, host):
        self.method = method.upper()
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.host = host
        self.params = {}
        for k, vals in parse_qs(query, keep_blank_values=True).items():
            # VSS treats query parameter names case-insensitively.
            self.params[k.casefold()] = vals[-1]

    def param(self, name, default=None):
        return self.params.get(name.casefold(), default)


class State:
    """Everything a request is answered from; swapped whole on reset."""

    def __init__(self, store, pats, top_mode="lenient", auth_failure="401", today=None,
                 tokens=None, oauth_blocked=False, unmaterialized=(), pat_expired=False):
        self.store = store
        self.pats = pats              # {pat: uniqueName}
        self.top_mode = top_mode
        self.auth_failure = str(auth_failure)
        self.today = today            # 'YYYY-MM-DD' override or None
        self.tokens = tokens          # auth.TokenService (bearer tokens) or None
        self.oauth_blocked = bool(oauth_blocked)
        self.unmaterialized = {str(u).casefold() for u in unmaterialized or ()}
        self.pat_expired = bool(pat_expired)


# --------------------------------------------------------------------------
# authentication and versioning


def authenticate(state, req):
    """Returns the uniqueName for a valid PAT or None.  Basic auth, user name
    ignored (§1.1).  Compared in constant time; the PAT is never logged."""
    header = req.headers.get("Authorization") or ""
    scheme, _, cred = header.strip().partition(" ")
    if scheme.casefold() != "basic" or not cred:
        return None
    return _pat_identity(state, cred)


def _pat_identity(state, cred):
    try:
        decoded = base64.b64decode(cred.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    _, sep, pat = decoded.partition(":")
    if not sep or not pat:
        return None
    found = None
    for known, unique in state.pats.items():
        if hmac.compare_digest(known.encode("utf-8"), pat.encode("utf-8")):
            found = unique
    return found


SIGN_IN_PAGE = """<!DOCTYPE html>
<html lang="en-US">
<head><meta charset="utf-8"><title>Azure DevOps Services | Sign In</title></head>
<body>
<div class="signin-page">
<h1>Sign in to Azure DevOps</h1>
<p>You need to sign in to continue to <a href="https://app.vssps.visualstudio.com/_signin">Azure DevOps</a>.</p>
</div>
</body>
</html>
"""


def auth_failure(state, base_host):
    """401 + TF400813 JSON (default) or 203 + HTML sign-in page (§1.2)."""
    if state.auth_failure == "203":
        return Response(203, SIGN_IN_PAGE.encode("utf-8"), "text/html; charset=utf-8",
                        [("X-TFS-ProcessId", "9a4c1e0b-5d3f-4b7a-8e21-6c0d9f1a2b3c")])
    return unauthorized(base_host)


def resolve_identity(state, req):
    """(uniqueName, None) for an accepted credential, else (None, Response).

    Basic + PAT (§1.1): a known PAT is the identity, unless the reset key
    pat_expired is set (401 + X-TFS-ServiceError "…has expired.").
    Bearer (§1.3/§1.4): a configured token or an unexpired issued one acts as
    its identity.  Unknown or expired -> the usual auth failure (401 TF400813,
    or the 203 sign-in page in auth_failure=203 mode).  oauth_blocked -> 401
    TF400813 naming the user (org policy "Third-party application access via
    OAuth" off); a client id or uniqueName in `unmaterialized` -> 401
    AadUserStateException (§5.2)."""
    header = (req.headers.get("Authorization") or "").strip()
    scheme, _, cred = header.partition(" ")
    scheme = scheme.casefold()
    cred = cred.strip()
    if scheme == "basic" and cred:
        unique = _pat_identity(state, cred)
        if unique is None:
            return None, auth_failure(state, req.host)
        if state.pat_expired:
            return None, pat_expired_response(req.host)
        return unique, None
    if scheme == "bearer" and cred and state.tokens is not None:
        status, grant = state.tokens.check_bearer(cred)
        if status != "ok":
            return None, auth_failure(state, req.host)
        if state.oauth_blocked:
            return None, unauthorized(req.host, "TF400813: The user '%s' is not authorized to access "
                                      "this resource." % identity_guid(state, grant.unique))
        if (grant.unique.casefold() in state.unmaterialized
                or (grant.client_id or "").casefold() in state.unmaterialized):
            return None, unmaterialized(identity_guid(state, grant.unique))
        return grant.unique, None
    return None, auth_failure(state, req.host)


def identity_guid(state, unique):
    ident = state.store.identity_by_unique(unique) if unique else None
    if ident is not None:
        return ident.id
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "azdo-emulator/id/" + (unique or "")))


def request_identity_id(state, req):
    """Guid of the identity the request's credential acts as, or None (no
    counters touched, no errors)."""
    header = (req.headers.get("Authorization") or "").strip()
    scheme, _, cred = header.partition(" ")
    cred = cred.strip()
    unique = None
    if scheme.casefold() == "basic" and cred:
        unique = _pat_identity(state, cred)
    elif scheme.casefold() == "bearer" and cred and state.tokens is not None:
        unique = state.tokens.peek_bearer(cred)
    return identity_guid(state, unique) if unique else None


def unmaterialized(guid=None, message=None):
    """401 AadUserStateException (§5.2; the status is [unverified])."""
    body = vss_error(message or "Identity %s has not been materialized, please use interactive login "
                     "over the browser first." % (guid or str(uuid.uuid4())), "AadUserStateException")
    return json_response(body, 401, [("WWW-Authenticate", "Bearer")])


def pat_expired_response(base_host):
    resp = unauthorized(base_host)
    resp.headers = [h for h in resp.headers if h[0] != "X-TFS-ServiceError"] + [
        ("X-TFS-ServiceError", "Access%20Denied%3A%20The%20Personal%20Access%20Token%20used%20has%20expired.")]
    return resp


def unauthorized(base_host, message=None):
    """401 + TF400813 JSON with the headers Services sends (§1.2)."""
    headers = [
        ("WWW-Authenticate", 'Basic realm="https://tfs.app.visualstudio.com/"'),
        ("WWW-Authenticate", "Bearer"),
        ("WWW-Authenticate", "TFS-Federated"),
        ("X-TFS-FedAuthRealm", "https://tfs.app.visualstudio.com/"),
        ("X-TFS-FedAuthIssuer", "http://%s/" % base_host),
        ("X-VSS-ResourceTenant", "00000000-0000-0000-0000-000000000000"),
        ("X-TFS-ProcessId", "9a4c1e0b-5d3f-4b7a-8e21-6c0d9f1a2b3c"),
        ("X-TFS-SoapException", "%3C%3Fxml%20version%3D%221.0%22%20encoding%3D%22utf-8%22%3F%3E"
         "%3Csoap%3AEnvelope%3E%3Csoap%3ABody%3E%3Csoap%3AFault%3E%3Cfaultstring%3ETF400813%3A%20"
         "Resource%20not%20available%20for%20anonymous%20access.%3C%2Ffaultstring%3E"
         "%3C%2Fsoap%3AFault%3E%3C%2Fsoap%3ABody%3E%3C%2Fsoap%3AEnvelope%3E"),
        ("X-TFS-ServiceError", "TF400813%3A%20Resource%20not%20available%20for%20anonymous%20access."),
    ]
    body = vss_error(message or "TF400813: The user '' is not authorized to access this resource.",
                     "UnauthorizedRequestException")
    return json_response(body, 401, headers)


_VERSION_RE = re.compile(r"^(\d+)\.(\d+)(?:-preview(?:\.(\d+))?)?$", re.IGNORECASE)


def check_api_version(req):
    """api-version from the query string or the Accept header (§6)."""
    version = req.param("api-version")
    if version is None:
        m = re.search(r"api-version\s*=\s*([^;,\s]+)", req.headers.get("Accept") or "", re.I)
        version = m.group(1) if m else None
    if version is None or version.strip() == "":
        raise ApiError(400, 'No api-version was supplied for the "%s" request. The version must be '
                       'supplied either as part of the Accept header (e.g. "application/json; '
                       'api-version=1.0") or as a query parameter (e.g. "?api-version=1.0").'
                       % req.method, "VssVersionNotSpecifiedException")
    m = _VERSION_RE.match(version.strip())
    if not m:
        raise ApiError(400, "The API version '%s' is not valid. The version must be of the form "
                       "{major}.{minor}[-{stage}[.{resource-version}]], e.g. 7.1." % version,
                       "VssInvalidApiVersionException")
    major, minor = int(m.group(1)), int(m.group(2))
    if (major, minor) > SUPPORTED_VERSION:
        raise ApiError(400, "The requested REST API version of %d.%d is out of range for this "
                       "server. The latest REST API version this server supports is %d.%d."
                       % (major, minor, SUPPORTED_VERSION[0], SUPPORTED_VERSION[1]),
                       "VssVersionOutOfRangeException")


# --------------------------------------------------------------------------
# routing


ORG_PREFIXES = [(("fabrikam",), "/fabrikam"), (("tfs", "defaultcollection"), "/tfs/DefaultCollection")]


def handle(state, req):
    try:
        return _handle(state, req)
    except ApiError as err:
        return error_response(err)


def _handle(state, req):
    # X-HTTP-Method-Override: PATCH on a POST is supported for proxies (§6).
    override = (req.headers.get("X-HTTP-Method-Override") or "").strip().upper()
    if req.method == "POST" and override in ("PATCH", "PUT", "DELETE"):
        req.method = override
    raw_segments = [s for s in req.path.split("/") if s != ""]
    segments = [unquote(s) for s in raw_segments]
    prefix = None
    for parts, canonical in ORG_PREFIXES:
        if tuple(s.casefold() for s in segments[:len(parts)]) == parts:
            prefix = canonical
            segments = segments[len(parts):]
            break
    if prefix is None:
        name = segments[0] if segments else ""
        # Unverified wording: no recorded body for an unknown organization.
        raise ApiError(404, "The organization or collection '%s' does not exist or you do not have "
                       "access to it." % name, "HostNotFoundException")
    base = "http://%s%s" % (req.host, prefix)

    lower = [s.casefold() for s in segments]
    if "_apis" not in lower:
        raise _not_found(req)
    at = lower.index("_apis")
    scope, api = segments[:at], lower[at + 1:]
    if len(scope) > 2:
        raise _not_found(req)

    unique, failure = resolve_identity(state, req)
    if failure is not None:
        return failure

    # OPTIONS /{org}/_apis[/{area}]: the area's resource locations, which
    # Microsoft's client libraries read first; no api-version (locations.py).
    if req.method == "OPTIONS" and not scope and len(api) <= 1:
        found = locations.locations(api[0] if api else None)
        if found is None:
            raise _not_found(req)
        return json_response(found)

    route = _route(api, scope)
    if route is None:
        raise _not_found(req)
    methods, handler = route
    if req.method not in methods:
        raise ApiError(405, "The requested resource does not support http method '%s'." % req.method,
                       "HttpException")
    check_api_version(req)

    project = None
    if scope:
        project = state.store.project(scope[0])
        if project is None:
            raise ApiError(404, "TF200016: The following project does not exist: %s. Verify that the "
                           "name of the project is correct and that the project exists on the "
                           "specified Azure DevOps Server." % scope[0],
                           "ProjectDoesNotExistWithNameException")
    ctx = _Ctx(state, req, base, project, unique, api)
    ctx.segs = segments[at + 1:]   # the api segments as sent (unquoted, case kept)
    return handler(ctx)


def _not_found(req):
    return ApiError(404, "The controller for path '%s' was not found or does not implement "
                    "IController." % req.path, "HttpException")


class _Ctx:
    def __init__(self, state, req, base, project, unique, api):
        self.state = state
        self.store = state.store
        self.req = req
        self.base = base
        self.project = project
        self.unique = unique
        self.api = api


def _route(api, scope):
    if api[:1] == ["resourceareas"] and len(api) <= 2 and not scope:
        return ("GET",), get_resource_areas
    if api == ["projects"] and not scope:
        return ("GET",), get_projects
    if len(api) == 2 and api[0] == "projects" and not scope:
        return ("GET",), get_project
    if api == ["wit", "fields"] and len(scope) <= 1:
        return ("GET",), get_fields
    if len(api) == 3 and api[:2] == ["wit", "fields"] and len(scope) <= 1:
        return ("GET",), get_field
    if api == ["wit", "wiql"]:
        return ("POST",), post_wiql
    if api == ["wit", "workitemsbatch"] and len(scope) <= 1:
        return ("POST",), post_workitems_batch
    if api == ["wit", "workitems"] and len(scope) <= 1:
        return ("GET",), get_workitems
    if len(api) == 3 and api[:2] == ["wit", "workitems"] and len(scope) <= 1:
        if api[2].startswith("$"):
            return ("POST",), writes.post_workitem
        return ("GET", "PATCH", "DELETE"), _by_method(get_workitem, PATCH=writes.patch_workitem,
                                                      DELETE=writes.delete_workitem)
    if len(api) in (4, 5) and api[:2] == ["wit", "workitems"] and api[3] == "comments" and len(scope) <= 1:
        return (("GET", "POST") if len(api) == 4 else ("GET",)), writes.comments
    if api == ["wit", "recyclebin"] and len(scope) <= 1:
        return ("GET",), writes.get_recyclebin
    if len(api) == 3 and api[:2] == ["wit", "recyclebin"] and len(scope) <= 1:
        return ("GET", "PATCH", "DELETE"), writes.recyclebin_item
    if api[:2] == ["wit", "workitemtypes"] and len(scope) <= 1:
        if len(api) == 2:
            return ("GET",), writes.get_workitemtypes
        if len(api) == 3:
            return ("GET",), writes.get_workitemtype
        if len(api) == 4 and api[3] == "states":
            return ("GET",), writes.get_workitemtype_states
        if len(api) in (4, 5) and api[3] == "fields":
            return ("GET",), writes.get_workitemtype_fields
    return None


def _by_method(default, **handlers):
    def dispatch(ctx):
        return handlers.get(ctx.req.method, default)(ctx)
    return dispatch


# --------------------------------------------------------------------------
# helpers


def _json_body(ctx, name):
    """Parses an application/json body.  Wrong content type -> 415."""
    ctype = (ctx.req.headers.get("Content-Type") or "").split(";")[0].strip().casefold()
    if ctype != "application/json":
        raise ApiError(415, 'The request indicated a Content-Type of "%s" for method type "%s" which '
                       "is not supported. Valid content types for this method are: application/json, "
                       "application/json-patch+json." % (ctype or "(none)", ctx.req.method),
                       "VssRequestContentTypeNotSupportedException")
    try:
        body = json.loads(ctx.req.body.decode("utf-8-sig")) if ctx.req.body.strip() else None
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        raise ApiError(400, "Value cannot be null.\r\nParameter name: %s" % name,
                       "ArgumentNullException")
    return body


def _int_param(ctx, name, minimum=0):
    raw = ctx.req.param(name)
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or value < minimum:
        raise ApiError(400, "Invalid value '%s' for parameter '%s'." % (raw, name), "ArgumentException")
    return value


def _bool_param(ctx, name):
    raw = ctx.req.param(name)
    return raw is not None and raw.strip().casefold() == "true"


# --------------------------------------------------------------------------
# projects


def get_resource_areas(ctx):
    """GET _apis/ResourceAreas[/{areaId}] (locations.py)."""
    if len(ctx.segs) == 1:
        return json_response(locations.resource_areas(ctx.base))
    found = locations.resource_area(ctx.base, ctx.segs[1])
    if found is None:
        raise _not_found(ctx.req)
    return json_response(found)


def get_projects(ctx):
    """Paged with $top/$skip; the next page's continuationToken is returned in
    the x-ms-continuationtoken header while more remain (§4.6)."""
    projects = ctx.store.projects
    top = _int_param(ctx, "$top", 1)
    skip = _int_param(ctx, "$skip", 0) or 0
    token = ctx.req.param("continuationToken")
    if token not in (None, ""):
        try:
            skip = int(token)
        except ValueError:
            raise ApiError(400, "The continuation token '%s' is not valid." % token, "ArgumentException")
    size = top or PAGE_DEFAULT
    page = projects[skip:skip + size]
    headers = []
    if skip + size < len(projects):
        headers.append(("x-ms-continuationtoken", str(skip + size)))
    return json_response({"count": len(page), "value": [p.ref(ctx.base) for p in page]},
                         headers=headers)


def get_project(ctx):
    name = unquote(ctx.req.path.rstrip("/").rsplit("/", 1)[-1])
    p = ctx.store.project(name)
    if p is None:
        raise ApiError(404, "TF200016: The following project does not exist: %s. Verify that the "
                       "name of the project is correct and that the project exists on the "
                       "specified Azure DevOps Server." % name, "ProjectDoesNotExistWithNameException")
    out = dict(p.ref(ctx.base))
    out["_links"] = {
        "self": {"href": "%s/_apis/projects/%s" % (ctx.base, p.id)},
        "collection": {"href": "%s/_apis/projectCollections/%s" % (ctx.base, COLLECTION_ID)},
        "web": {"href": "%s/%s" % (ctx.base, p.name)},
    }
    out["defaultTeam"] = {"id": str(uuid.uuid5(uuid.NAMESPACE_URL, "azdo-emulator/team/" + p.id)),
                          "name": p.name + " Team",
                          "url": "%s/_apis/projects/%s/teams/%s" % (ctx.base, p.id, p.name + " Team")}
    return json_response(out)


COLLECTION_ID = "d81542e4-cdfa-4333-b082-1ae2d6c3ad16"


# --------------------------------------------------------------------------
# fields


def get_fields(ctx):
    return json_response(ctx.store.catalogue.render(ctx.base))


def get_field(ctx):
    name = unquote(ctx.req.path.rstrip("/").rsplit("/", 1)[-1])
    f = ctx.store.catalogue.resolve(name)
    if f is None:
        raise ApiError(404, "TF51535: Cannot find field %s." % name, "WorkItemFieldInvalidException")
    for raw in ctx.store.catalogue.render(ctx.base)["value"]:
        if raw["referenceName"] == f.ref:
            return json_response(raw)
    raise ApiError(404, "TF51535: Cannot find field %s." % name, "WorkItemFieldInvalidException")


# --------------------------------------------------------------------------
# WIQL


def post_wiql(ctx):
    body = _json_body(ctx, "wiql")
    text = body.get("query")
    if not isinstance(text, str) or not text.strip():
        raise ApiError(400, "Value cannot be null.\r\nParameter name: wiql.Query", "ArgumentNullException")
    top = _int_param(ctx, "$top", 0)
    # Only the query-string flag counts; a body field is ignored (§3.1).
    time_precision = _bool_param(ctx, "timePrecision")
    store = ctx.store
    me = store.identity_by_unique(ctx.unique) or store_mod.Identity(ctx.unique, ctx.unique)
    wctx = wiql.Context(store.catalogue, store.getter, store.area_nodes, store.iteration_nodes,
                        me=me, project=ctx.project.name if ctx.project else None,
                        today=store_mod.today_stamp(ctx.state.today),
                        time_precision=time_precision)
    try:
        compiled = wiql.compile_query(wiql.parse(text), wctx)
        matched = wiql.run(compiled, store.items, store.getter, top=top,
                           top_mode=ctx.state.top_mode)
    except wiql.WiqlError as err:
        raise ApiError(400, err.message, err.type_key)

    def field_ref(f):
        return {"referenceName": f.ref, "name": f.name,
                "url": "%s/_apis/wit/fields/%s" % (ctx.base, f.ref)}

    out = {"queryType": "flat", "queryResultType": "workItem", "asOf": store_mod.now_text(),
           "columns": [field_ref(f) for f in compiled.columns]}
    if compiled.sort:
        out["sortColumns"] = [{"field": field_ref(f), "descending": d} for f, d in compiled.sort]
    out["workItems"] = [{"id": it.id, "url": store.item_url(it, ctx.base)} for it in matched]
    return json_response(out)


# --------------------------------------------------------------------------
# work items


EXPANDS = {"none", "relations", "fields", "links", "all"}


def _resolve_fields(ctx, names):
    out = []
    for name in names:
        name = name.strip()
        if not name:
            continue
        f = ctx.store.catalogue.resolve(name)
        if f is None:
            raise ApiError(400, "TF51535: Cannot find field %s." % name, "WorkItemFieldInvalidException")
        out.append(f)
    return out


def _fetch(ctx, ids, field_names, expand, error_policy):
    if len(ids) > MAX_BATCH:
        raise ApiError(400, "VS403474: You requested %d work items which exceeds the limit of %d"
                       % (len(ids), MAX_BATCH), "VssServiceException")
    if not ids:
        raise ApiError(400, "The ids parameter must contain at least one work item id.",
                       "ArgumentException")
    expand = (expand or "none").strip().casefold()
    if expand not in EXPANDS:
        raise ApiError(400, "The value '%s' is not valid for parameter $expand. Valid values are "
                       "None, Relations, Fields, Links, All." % expand, "ArgumentException")
    if field_names and expand != "none":
        raise ApiError(400, "The expand parameter can not be used with the fields parameter.",
                       "ConflictingParametersException")
    policy = (error_policy or "fail").strip().casefold()
    if policy not in ("fail", "omit"):
        raise ApiError(400, "The value '%s' is not valid for parameter errorPolicy. Valid values are "
                       "Fail, Omit." % error_policy, "ArgumentException")
    fields = _resolve_fields(ctx, field_names) if field_names else None
    store = ctx.store
    value = []
    for ident in ids:
        it = store.by_id.get(ident)
        if it is None or it.deleted:
            if policy == "fail":
                raise ApiError(404, "TF401232: Work item %d does not exist, or you do not have "
                               "permissions to read it." % ident,
                               "WorkItemUnauthorizedAccessException", event_id=3200)
            value.append(None)  # null placeholder in position (§3.4)
            continue
        value.append(_render_item(ctx, it, fields, expand))
    return value


def _render_item(ctx, it, fields, expand):
    store = ctx.store
    out = {"id": it.id, "rev": it.rev, "fields": store.render_fields(it, ctx.base, fields)}
    if expand in ("relations", "all"):
        rels = store.relations(it, ctx.base)
        if rels:
            out["relations"] = rels
    url = store.item_url(it, ctx.base)
    if expand in ("links", "all"):
        out["_links"] = {
            "self": {"href": url},
            "workItemUpdates": {"href": url + "/updates"},
            "workItemRevisions": {"href": url + "/revisions"},
            "workItemComments": {"href": url + "/comments"},
            "html": {"href": "%s/web/wi.aspx?pcguid=%s&id=%d" % (ctx.base, COLLECTION_ID, it.id)},
            "workItemType": {"href": "%s/%s/_apis/wit/workItemTypes/%s" % (
                ctx.base, it.project.id, (it.fields.get("System.WorkItemType") or "").replace(" ", "%20"))},
            "fields": {"href": "%s/%s/_apis/wit/fields" % (ctx.base, it.project.id)},
        }
    out["url"] = url
    return out


def _parse_ids(raw):
    try:
        return [int(x) for x in raw.split(",") if x.strip()]
    except ValueError:
        raise ApiError(400, "The ids parameter '%s' is not a comma-separated list of work item ids."
                       % raw, "ArgumentException")


def post_workitems_batch(ctx):
    body = _json_body(ctx, "workItemGetRequest")
    ids = body.get("ids")
    if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise ApiError(400, "The ids property must be a list of work item ids.", "ArgumentException")
    fields = body.get("fields") or []
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        raise ApiError(400, "The fields property must be a list of field names.", "ArgumentException")
    expand = body.get("$expand", body.get("expand"))
    policy = body.get("errorPolicy")
    value = _fetch(ctx, ids, fields, expand if isinstance(expand, str) else None,
                   policy if isinstance(policy, str) else None)
    return json_response({"count": len(value), "value": value})


def get_workitems(ctx):
    raw = ctx.req.param("ids")
    if raw is None:
        raise ApiError(400, "The ids parameter is required.", "ArgumentNullException")
    ids = _parse_ids(raw)
    fields = [f for f in (ctx.req.param("fields") or "").split(",") if f.strip()]
    value = _fetch(ctx, ids, fields, ctx.req.param("$expand"), ctx.req.param("errorPolicy"))
    return json_response({"count": len(value), "value": value})


def get_workitem(ctx):
    raw = unquote(ctx.req.path.rstrip("/").rsplit("/", 1)[-1])
    try:
        ident = int(raw)
    except ValueError:
        raise ApiError(400, "The work item id '%s' is not valid." % raw, "ArgumentException")
    fields = [f for f in (ctx.req.param("fields") or "").split(",") if f.strip()]
    value = _fetch(ctx, [ident], fields, ctx.req.param("$expand"), "fail")
    return json_response(value[0])
