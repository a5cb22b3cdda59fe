"""Resource locations and resource areas: how Microsoft's generated clients
find the URL of an API (the emulator's azure-devops-node-api support).

The driver never calls these.  Microsoft's client libraries
(azure-devops-node-api, azure-devops-python-api, the .NET
VssHttpClientBase) do, before their first real request:

  GET     /{org}/_apis/ResourceAreas[/{areaId}]   which host serves an area
  OPTIONS /{org}/_apis/{area}                     the area's ApiResourceLocations:
                                                  route template + api versions

e.g. azure-devops-node-api's WebApi.getWorkItemTrackingApi() calls
OPTIONS _apis/Location, then GET _apis/ResourceAreas?api-version=7.1-preview.1
(it asks for 7.2-preview.1; the location below says 7.1 is the most this
server has, so the client negotiates down), then OPTIONS _apis/wit once, and
builds every WIT URL from the route templates listed here.

Shapes: ApiResourceLocation {id, area, resourceName, routeTemplate,
resourceVersion, minVersion, maxVersion, releasedVersion} in {count, value}
(releasedVersion "0.0" = preview only), ResourceAreaInfo {id, name,
locationUrl} — the contracts of the Location area
(Microsoft.VisualStudio.Services.Location, LocationsApi in the node client).
The ids are the clients' location ids; route templates are those the service
publishes.  Only resources the emulator actually serves are listed, with
maxVersion 7.1 (api.SUPPORTED_VERSION).  Services lists every area at
dev.azure.com/{org}/ for core and wit; here locationUrl is the emulator's own
organization URL, so clients stay on the emulator.

OPTIONS takes no api-version (like the service); it still needs credentials
here (the clients always send them).  OPTIONS of an area the emulator does
not serve answers 404.
"""

# (id, resourceName, routeTemplate, resourceVersion, minVersion, releasedVersion)
_LOCATIONS = {
    "location": [
        ("e81700f7-3be2-46de-8624-2eb35882fcaa", "ResourceAreas", "_apis/{resource}/{areaId}",
         1, "3.2", "0.0"),
    ],
    "wit": [
        ("1a9c53f7-f243-4447-b110-35ef023636e4", "wiql",
         "{project}/{team}/_apis/{area}/{resource}/{id}", 2, "1.0", "7.1"),
        ("908509b6-4248-4475-a1cd-829139ba419f", "workItemsBatch",
         "{project}/_apis/{area}/{resource}", 1, "5.0", "7.1"),
        ("72c7ddf8-2cdc-4f60-90cd-ab71c14a399b", "workItems",
         "{project}/_apis/{area}/{resource}/{id}", 3, "1.0", "7.1"),
        ("62d3d110-0047-428c-ad3c-4fe872c91c74", "workItems",
         "{project}/_apis/{area}/{resource}/${type}", 3, "1.0", "7.1"),
        ("b51fd764-e5c2-4b9b-aaf7-3395cf4bdd94", "fields",
         "{project}/_apis/{area}/{resource}/{fieldNameOrRefName}", 2, "1.0", "7.1"),
        ("7c8d7a76-4a09-43e8-b5df-bd792f4ac6aa", "workItemTypes",
         "{project}/_apis/{area}/{resource}/{type}", 2, "1.0", "7.1"),
        ("b70d8d39-926c-465e-b927-b1bf0e5ca0e0", "recyclebin",
         "{project}/_apis/{area}/{resource}/{id}", 2, "1.0", "7.1"),
    ],
}
_AREA_NAMES = {"location": "Location", "wit": "wit"}

# ResourceAreaInfo: (id, name) — the areas served at the organization URL.
RESOURCE_AREAS = [
    ("79134c72-4a58-4b42-976c-04e7115f32bf", "core"),
    ("5264459e-e5e0-4bd8-b118-0985e68a4ec5", "wit"),
]


def locations(area):
    """{count, value} of ApiResourceLocation for an area (case-insensitive),
    every area for None, or None for an area the emulator does not serve."""
    keys = list(_LOCATIONS) if area is None else [area.casefold()]
    if any(k not in _LOCATIONS for k in keys):
        return None
    value = [{"id": i, "area": _AREA_NAMES[k], "resourceName": name, "routeTemplate": tpl,
              "resourceVersion": rv, "minVersion": lo, "maxVersion": "7.1", "releasedVersion": rel}
             for k in keys for i, name, tpl, rv, lo, rel in _LOCATIONS[k]]
    return {"count": len(value), "value": value}


def resource_area(base, area_id):
    """One ResourceAreaInfo (by id or name, case-insensitive), or None."""
    for i, name in RESOURCE_AREAS:
        if area_id.casefold() in (i, name):
            return {"id": i, "name": name, "locationUrl": base + "/"}
    return None


def resource_areas(base):
    value = [resource_area(base, i) for i, _ in RESOURCE_AREAS]
    return {"count": len(value), "value": value}
