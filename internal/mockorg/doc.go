// Package mockorg is a mock Salesforce org: it serves the OAuth token endpoint, the Metadata API
// (SOAP), the REST API and the sfaccess setup extension over HTTP, keeps an org's records in memory
// (optionally persisted to a state file), and enforces the API Access Control rules of
// internal/access on every token request and every API call, as a real org does.
//
// Tests start one isolated org each:
//
//	org, err := mockorg.New(mockorg.Config{})
//	ts := httptest.NewServer(org)
//	defer ts.Close()
//
// # Routes
//
//	POST /services/oauth2/token          client_credentials, password, refresh_token, JWT bearer (RS256),
//	                                     through a connected app or an External Client App
//	POST /services/oauth2/revoke         revokes an access or refresh token, or an approval by its DeleteToken
//	GET  /services/oauth2/userinfo       who a token belongs to (also the identity URL /id/{org}/{user})
//	POST /services/Soap/m/{version}      Metadata API (also …/{version}/{orgId}): read/create/update/upsert/
//	                                     delete/listMetadata of ConnectedAppSettings (fullName ConnectedApp),
//	                                     ConnectedApp, ExternalClientAppSettings (fullName ExternalClientApp)
//	                                     and the External Client App types (header and plugins);
//	                                     listMetadata's id is the app's 0H4 or 0xI id; describeMetadata,
//	                                     deploy/checkDeployStatus and retrieve/checkRetrieveStatus of zip packages
//	GET  /services/data                  API versions 47.0 to 68.0 (also /services/data/)
//
// Below /services/data/v{version} (a version with a leading zero is NOT_FOUND; a trailing slash
// is ignored; ids take 15 or 18 characters), every route needs a session:
//
//	GET  /                               resources
//	GET  /limits
//	GET  /query?q=, /queryAll?q=         SOQL, paged by nextRecordsUrl (/query/{locator});
//	                                     /query?q=…&columns=true describes the columns
//	     /sobjects                       describe global
//	     /sobjects/{type}                GET describe, POST create; also /sobjects/{type}/describe
//	     /sobjects/{type}/{id}           GET, PATCH, DELETE a record of ConnectedApplication (Name is the
//	                                     label), OauthToken, Organization, PermissionSet,
//	                                     PermissionSetAssignment, Profile, SetupEntityAccess, User
//	POST /composite                      up to 25 subrequests, @{ref.field}, allOrNone
//	     /composite/sobjects             POST, PATCH, DELETE up to 200 records of one type
//	     /sfaccess/…                     the setup extension (ARCHITECTURE.md, Setup extension)
//	GET  /apps/oauth/usage               External Client Apps' OAuth usage (API 60.0+, as all of /apps/oauth)
//	DELETE /apps/oauth/usage/{app}[/{user}]/tokens
//	GET  /apps/oauth/credentials/{app}[/{consumer}[?part=key|secret|keyandsecret]]
//	GET, POST /apps/oauth/credentials/{app}/{consumer}/staged
//	GET, PATCH, DELETE /apps/oauth/credentials/{app}/{consumer}/staged/{staged}
//
// Beside them: /__mockorg/ is the control API below, and /__mockorg/console/ the console
// (package console; only at localhost, the loopback addresses, the listening address and
// Config.AllowedHosts, 421 elsewhere). Any other path is NOT_FOUND, and a method a route does not serve is
// 405 METHOD_NOT_ALLOWED, both in the protocol's shape; testdata/routes.golden pins every answer.
//
// Every API call re-runs access.Decide on the org's current state for the token's user and channel
// (the app, the OAuth flow the token came from, and whether the user approved the app before), so
// switching a limit on or revoking an approval stops existing tokens at once (401
// INVALID_SESSION_ID, or a SOAP INVALID_SESSION_ID fault, with the decision's message; the Metadata
// API says a refused Visualforce session "is not valid for use with the API", without "REST").
// Blocking, uninstalling or deleting an app ends its sessions as Salesforce's Block does: its
// approvals and its access and refresh tokens are gone for good. Management calls check the admin
// permission matrix (ARCHITECTURE.md) first and answer INSUFFICIENT_ACCESS, changing nothing.
// Request bodies are capped at 1 MiB (413 in the protocol's error shape). A path with doubled
// slashes or dot segments ("//services/data/...") is served as its clean form, never redirected.
// A handler that panics is answered with Salesforce's 500 in the protocol's shape (REST
// UNKNOWN_EXCEPTION, a SOAP sf:UNKNOWN_EXCEPTION fault, OAuth server_error, the control API's
// {"error"}) and logged; a caller whose user or app a snapshot or reset removed while the request
// ran is answered as an invalid session.
//
// # Tokens
//
// An access token lasts organization.sessionTimeoutMinutes (Session Settings' 15, 30, 60, 120,
// 240, 480, 720 or 1440; default 120, Salesforce's) from its issue; an expired token is answered
// like an unknown one (401 INVALID_SESSION_ID "Session expired or invalid"). A refresh token
// follows its app's refreshTokenPolicy: "zero" ends it at once, "specific_lifetime:N:UNIT" N
// hours, days or months after its issue (invalid_grant "expired access/refresh token");
// "infinite" and "specific_inactivity" keep it. Expired tokens are forgotten whenever the table
// has doubled, so it never holds more than twice the live tokens plus 256.
//
// Every user has a PermissionSetAssignment to their profile's permission set (IsOwnedByProfile
// true), derived from the profile with an id kept out of the range of real assignments; it and
// the profile's permission set can be queried but not written. In an org whose
// organization.connectedAppCreationAllowed is false, createMetadata and an upsertMetadata that
// would create a ConnectedApp fail with INSUFFICIENT_ACCESS ("Connected app creation is
// restricted ..."); existing apps are still read, updated, installed, blocked and deleted.
//
// # Prior approvals
//
// An approval is Salesforce's OauthToken record: the user authorized the app in the web server,
// user-agent or device flow (POST /__mockorg/sessions below), and may go on using it after the
// restriction on uninstalled apps, except through the device flow. Every token issued for the pair
// counts one more use (UseCount, LastUsedDate). SOQL serves the approvals read-only (SELECT AppName,
// UserId, UseCount, LastUsedDate, CreatedDate, DeleteToken, AppMenuItemId FROM OauthToken; AppName
// is the app's label, Id is null): users with Customize Application see all, others their own.
// Revoking the DeleteToken removes the approval and every token of the pair; revoking a refresh
// token ends only that token and its access tokens. The JWT bearer flow through an app whose users
// self-authorize needs an approval ("user hasn't approved this consumer"); password, client
// credentials and JWT grants never create one.
//
// # Control API
//
// Every route needs "Authorization: Bearer <control token>" (Server.ControlToken); JSON in and out.
//
//	POST /__mockorg/reset               204; the org is back to its seed, tokens are dropped
//	                                    (reset, PUT snapshot and sessions answer 500 and change
//	                                    nothing when the state file cannot be written)
//	GET  /__mockorg/snapshot            the org in the seed's JSON shape (type Seed), ids included
//	PUT  /__mockorg/snapshot            replace the org with a snapshot; 400 if it is invalid
//	GET  /__mockorg/faults              the fault injection setting (type FaultConfig)
//	POST /__mockorg/faults              {"rate":0.2,"statuses":[429,503],"retry_after_seconds":1,
//	                                    "after_commit_rate":0.05,"latency_ms":0,"seed":7,"paths":"^/services/"};
//	                                    REST and OAuth answer with the status, the Metadata API with a
//	                                    SOAP fault and HTTP 500 (sf:REQUEST_LIMIT_EXCEEDED for 403/429,
//	                                    sf:UNKNOWN_EXCEPTION for 500, sf:SERVER_UNAVAILABLE otherwise)
//	GET  /__mockorg/stats               {"requests":N,"writes":N,"faults":N,"by_operation":{...}}
//	POST /__mockorg/stats/reset         204
//	POST /__mockorg/sessions            {"username":"…","channel":"visualforce"} → {"session_id":"…"}, or
//	                                    {"username":"…","connected_app":"Name","flow":"web_server"} →
//	                                    {"session_id":"…","refresh_token":"…"}, what the web server
//	                                    (default), "user_agent" or "device" flow would hand out; where
//	                                    the rules allow it, the user's approval of the app is recorded
//	                                    (or counts one more use); the tokens are handed out either way
//	POST /__mockorg/decide              the same body → {"allowed","rule","error","message"}
//
// Operation names in stats are "oauth:token", "oauth:revoke", "oauth:userinfo", "soap:<call>",
// "rest:query", "rest:queryAll", "rest:get", "rest:create", "rest:update", "rest:delete", "rest:limits",
// "rest:composite", "rest:compositeSObjects", … "setup:<action>" for the setup extension and
// "connect:<action>" for /apps/oauth.
//
// # Seeds and state files
//
// A Seed is a whole org: organization (with apiAccessControlProvisioned, dailyApiRequests,
// instanceName, isSandbox, connectedAppCreationAllowed and sessionTimeoutMinutes, which PUT
// /__mockorg/snapshot can change),
// settings, profiles with their permissions, permission sets, users with passwords, assignments
// (not those to profiles' permission sets, which follow from the users' profiles), connected apps
// with consumer keys and secrets and their installed/blocked state, grants (setupEntityAccess) and
// prior approvals (oauthTokens: username, connectedApp, createdDate, lastUsedDate, useCount,
// deleteToken, one per user and app; a missing deleteToken is drawn at random). References are by
// name; ids are optional on input. The embedded default
// org "Acme" (DefaultSeed) is described in ARCHITECTURE.md, mockorg model.
//
// # Durability
//
// A state file holds the org and the live tokens, written atomically (temporary file, fsync,
// rename, mode 0600). The promise: an acknowledged org write (a record, a setting, an app, an
// installation, an approval, a revocation, a reset, a snapshot) is on disk before its answer. A
// write that cannot be saved (a full disk) is answered as a server error in the protocol's shape
// (REST UNKNOWN_EXCEPTION 500, a SOAP fault, OAuth server_error 500, the control API's 500) and
// undone in memory, the org and the tokens as they were before the call. A token issued less than
// one second before a crash may be lost, with the use it counted on an approval, and its client
// logs in again: tokens reach the disk in batches, every second and at Close. While the state
// file cannot be written, token requests are saved one by one and refused like any write. At
// start, temporary files of an interrupted write are removed, and a state file that cannot be
// read, or holds anything after its document, makes New fail without touching it.
package mockorg
