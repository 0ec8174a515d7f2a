package orgapi

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/sfid"
)

var permissionNamePattern = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)

// Users returns every user, sorted by username.
func (c *Client) Users(ctx context.Context) ([]User, error) {
	return c.queryUsers(ctx, "")
}

// UserByUsername returns one user; ErrNotFound when there is none.
func (c *Client) UserByUsername(ctx context.Context, username string) (*User, error) {
	users, err := c.queryUsers(ctx, " WHERE Username = "+Quote(username))
	if err != nil {
		return nil, err
	}
	if len(users) == 0 {
		return nil, (op{name: "reading User " + username}).fail(KindNotFound, "no user with username %q exists in the org", username)
	}
	return &users[0], nil
}

type userRecord struct {
	ID        string `json:"Id"`
	Username  string `json:"Username"`
	Name      string `json:"Name"`
	UserType  string `json:"UserType"`
	IsActive  bool   `json:"IsActive"`
	ProfileID string `json:"ProfileId"`
	Profile   *struct {
		Name string `json:"Name"`
	} `json:"Profile"`
}

func (c *Client) queryUsers(ctx context.Context, where string) ([]User, error) {
	recs, err := QueryAll[userRecord](ctx, c, "SELECT Id, Username, Name, UserType, IsActive, ProfileId, Profile.Name FROM User"+where)
	if err != nil {
		return nil, err
	}
	out := make([]User, 0, len(recs))
	for _, r := range recs {
		u := User{ID: r.ID, Username: r.Username, Name: r.Name, UserType: r.UserType, IsActive: r.IsActive, ProfileID: r.ProfileID}
		if r.Profile != nil {
			u.ProfileName = r.Profile.Name
		}
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b User) int { return strings.Compare(a.Username, b.Username) })
	return out, nil
}

// Profiles returns every profile with the id of its owned permission set, sorted by name. The
// answer also serves later look-ups of one profile by name (a grant's plan after the access
// impact's read) until the client writes something that could change it.
func (c *Client) Profiles(ctx context.Context) ([]Profile, error) {
	gen := c.generation()
	out, err := c.profilesWithOwnSets(ctx, "", "")
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b Profile) int { return strings.Compare(a.Name, b.Name) })
	byName := make(map[string]Profile, len(out))
	for _, p := range out {
		byName[p.Name] = p
	}
	c.batch.profileName.remember(byName, gen)
	return out, nil
}

// ProfileByName returns one profile; ErrNotFound when there is none.
func (c *Client) ProfileByName(ctx context.Context, name string) (*Profile, error) {
	p, found, err := c.batch.profileName.get(ctx, name)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, (op{name: "reading Profile " + name}).fail(KindNotFound, "no profile named %q exists in the org", name)
	}
	return &p, nil
}

// profilesWithOwnSets reads the profiles profileWhere selects and, with ownedAnd (the same
// filter on PermissionSet.Profile), their own permission sets. The queries do not depend on each
// other, so they go out together: a plan that checks a grant's profile waits one round trip for
// it, not two.
func (c *Client) profilesWithOwnSets(ctx context.Context, profileWhere, ownedAnd string) ([]Profile, error) {
	type profileRecord struct {
		ID       string `json:"Id"`
		Name     string `json:"Name"`
		UserType string `json:"UserType"`
	}
	type ownedRecord struct {
		ID        string `json:"Id"`
		ProfileID string `json:"ProfileId"`
	}
	var recs []profileRecord
	var owned []ownedRecord
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		recs, err = QueryAll[profileRecord](gctx, c, "SELECT Id, Name, UserType FROM Profile"+profileWhere)
		return err
	})
	g.Go(func() (err error) {
		owned, err = QueryAll[ownedRecord](gctx, c, "SELECT Id, ProfileId FROM PermissionSet WHERE IsOwnedByProfile = true"+ownedAnd)
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	ownSet := make(map[string]string, len(owned))
	for _, o := range owned {
		if id, err := sfid.Normalize(o.ProfileID); err == nil {
			ownSet[id] = o.ID
		}
	}
	out := make([]Profile, 0, len(recs))
	for _, r := range recs {
		id, _ := sfid.Normalize(r.ID)
		out = append(out, Profile{ID: r.ID, Name: r.Name, UserType: r.UserType, PermissionSetID: ownSet[id]})
	}
	return out, nil
}

// permissionColumns returns the permission names this org's PermissionSet has: all of
// userPermissions, minus UseAnyApiClient where API Access Control is not provisioned. It probes
// the org once, unless a permission set read has learned them first (queryPermissionSets).
func (c *Client) permissionColumns(ctx context.Context) ([]string, error) {
	if cols := c.columns.Load(); cols != nil {
		return *cols, nil
	}
	if err := c.columnsMu.lock(ctx); err != nil {
		return nil, err
	}
	defer c.columnsMu.unlock()
	if cols := c.columns.Load(); cols != nil {
		return *cols, nil
	}
	err := c.Query(ctx, "SELECT Id, PermissionsUseAnyApiClient FROM PermissionSet LIMIT 1", func(json.RawMessage) error { return nil })
	switch {
	case err == nil:
		return c.noteProvisioned(true), nil
	case isMissingColumn(err, "Permissions"+PermissionUseAnyAPIClient):
		return c.noteProvisioned(false), nil
	}
	return nil, err
}

// noteProvisioned keeps the permission columns that follow from whether API Access Control is
// provisioned, and returns them.
func (c *Client) noteProvisioned(provisioned bool) []string {
	cols := slices.Clone(userPermissions)
	if !provisioned {
		cols = slices.DeleteFunc(cols, func(p string) bool { return p == PermissionUseAnyAPIClient })
	}
	c.columns.CompareAndSwap(nil, &cols)
	return *c.columns.Load()
}

// PermissionSets returns every permission set, profile-owned ones included, sorted by name.
// Concurrent calls share one query, and the answer is kept until the client writes a permission
// set (or anything else of scopeOther): a plan's permission check and its access impact read the
// table once.
func (c *Client) PermissionSets(ctx context.Context) ([]PermissionSet, error) {
	sets, _, err := c.batch.permSetList.get(ctx, one{})
	return slices.Clone(sets), err
}

// PermissionSetByName returns one permission set that can be managed on its own; ErrNotFound when
// there is none, and ErrProfileOwned (with the profile's id in the message) when name is the
// generated name of a profile's own permission set, which Salesforce changes, assigns and grants
// only through its profile.
func (c *Client) PermissionSetByName(ctx context.Context, name string) (*PermissionSet, error) {
	ps, err := c.onePermissionSet(ctx, " WHERE Name = "+Quote(name), "PermissionSet "+name)
	if err != nil {
		return nil, err
	}
	if ps.IsOwnedByProfile {
		return nil, (op{name: "reading PermissionSet " + name}).fail(KindProfileOwned,
			"%s is the permission set owned by the profile %s; Salesforce manages its permissions and assignments through that profile", name, ps.ProfileID)
	}
	return ps, nil
}

// PermissionSetByID returns one permission set, profile-owned ones included (IsOwnedByProfile
// says which); ErrNotFound when there is none.
func (c *Client) PermissionSetByID(ctx context.Context, id string) (*PermissionSet, error) {
	return recordByID(ctx, c.batch.permSets, op{name: "reading PermissionSet " + id}, "PermissionSet", id)
}

func (c *Client) onePermissionSet(ctx context.Context, where, what string) (*PermissionSet, error) {
	sets, err := c.queryPermissionSets(ctx, where)
	if err != nil {
		return nil, err
	}
	if len(sets) == 0 {
		return nil, (op{name: "reading " + what}).fail(KindNotFound, "%s does not exist in the org", what)
	}
	return &sets[0], nil
}

// queryPermissionSets reads permission sets with every permission column the org has. Before the
// columns are known it does not probe for them: it asks for all of them, as an org with API Access
// Control provisioned (the orgs this provider is for) has them, and learns from the answer; only
// an org without UseAnyApiClient answers INVALID_FIELD and is asked again without it.
func (c *Client) queryPermissionSets(ctx context.Context, where string) ([]PermissionSet, error) {
	query := func(cols []string) ([]map[string]json.RawMessage, error) {
		fields := []string{"Id", "Name", "Label", "Description", "IsOwnedByProfile", "ProfileId"}
		for _, p := range cols {
			fields = append(fields, "Permissions"+p)
		}
		return QueryAll[map[string]json.RawMessage](ctx, c, "SELECT "+strings.Join(fields, ", ")+" FROM PermissionSet"+where)
	}
	var recs []map[string]json.RawMessage
	var err error
	cols := userPermissions
	if known := c.columns.Load(); known != nil {
		cols = *known
		recs, err = query(cols)
	} else if recs, err = query(cols); err == nil {
		cols = c.noteProvisioned(true)
	} else if isMissingColumn(err, "Permissions"+PermissionUseAnyAPIClient) {
		cols = c.noteProvisioned(false)
		recs, err = query(cols)
	}
	if err != nil {
		return nil, err
	}
	out := make([]PermissionSet, 0, len(recs))
	for _, r := range recs {
		ps := PermissionSet{
			ID: jsonString(r["Id"]), Name: jsonString(r["Name"]), Label: jsonString(r["Label"]),
			Description: jsonString(r["Description"]), ProfileID: jsonString(r["ProfileId"]),
			IsOwnedByProfile: jsonBool(r["IsOwnedByProfile"]),
		}
		for _, p := range cols {
			if jsonBool(r["Permissions"+p]) {
				ps.Permissions = append(ps.Permissions, p)
			}
		}
		slices.Sort(ps.Permissions)
		out = append(out, ps)
	}
	slices.SortFunc(out, func(a, b PermissionSet) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// isMissingColumn reports whether err is the org's INVALID_FIELD for the column field.
func isMissingColumn(err error, field string) bool {
	var e *Error
	return asError(err, &e) && e.Code == "INVALID_FIELD" && strings.Contains(e.Message, field)
}

func jsonString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

func jsonBool(raw json.RawMessage) bool {
	var b bool
	return json.Unmarshal(raw, &b) == nil && b
}

// permissionSetFields is the REST body for a permission set: every permission column this org has
// is written, true when granted, so that an update also takes permissions away.
func (c *Client) permissionSetFields(ctx context.Context, o op, ps PermissionSet, withName bool) (map[string]any, error) {
	cols, err := c.permissionColumns(ctx)
	if err != nil {
		return nil, err
	}
	fields := map[string]any{"Label": ps.Label, "Description": ps.Description}
	if withName {
		fields["Name"] = ps.Name
	}
	for _, p := range cols {
		fields["Permissions"+p] = false
	}
	for _, p := range ps.Permissions {
		if !permissionNamePattern.MatchString(p) {
			e := o.fail(KindInvalidInput, "%q is not a user permission API name (such as UseAnyApiClient or ApiEnabled)", p)
			e.Fields = []string{"Permissions" + p}
			return nil, e
		}
		if p == PermissionUseAnyAPIClient && !slices.Contains(cols, p) {
			e := o.fail(KindFeatureNotProvisioned, "the UseAnyApiClient permission exists only once API Access Control is enabled for the org")
			e.Fields = []string{"PermissionsUseAnyApiClient"}
			return nil, e
		}
		fields["Permissions"+p] = true
	}
	return fields, nil
}

// CreatePermissionSet creates a permission set and returns its id. If the call had to be retried
// and the name is then taken, the earlier attempt created it and its id is returned.
func (c *Client) CreatePermissionSet(ctx context.Context, ps PermissionSet) (string, error) {
	o := op{name: "creating PermissionSet " + ps.Name, perm: NeedPermissionSets}
	if !apiNamePattern.MatchString(ps.Name) {
		e := o.fail(KindInvalidInput, "the API name must start with a letter and contain only letters, digits and single underscores, not ending in one")
		e.Fields = []string{"Name"}
		return "", e
	}
	fields, err := c.permissionSetFields(ctx, o, ps, true)
	if err != nil {
		return "", err
	}
	id, retried, err := c.createRecord(ctx, o, "PermissionSet", fields)
	if err != nil && retried && IsDuplicate(err) {
		if existing, lookErr := c.PermissionSetByName(ctx, ps.Name); lookErr == nil {
			c.log(ctx, LevelInfo, "a retried create found the permission set created by an earlier attempt", map[string]any{"name": ps.Name})
			return existing.ID, nil
		}
	}
	return id, err
}

// UpdatePermissionSet writes the label, description and permissions of ps (by ps.ID); the
// permissions not listed are taken away.
func (c *Client) UpdatePermissionSet(ctx context.Context, ps PermissionSet) error {
	o := op{name: "updating PermissionSet " + cmpOr(ps.Name, ps.ID), perm: NeedPermissionSets}
	fields, err := c.permissionSetFields(ctx, o, ps, ps.Name != "")
	if err != nil {
		return err
	}
	return c.updateRecord(ctx, o, "PermissionSet", ps.ID, fields)
}

// DeletePermissionSet deletes a permission set; ErrNotFound when it does not exist.
func (c *Client) DeletePermissionSet(ctx context.Context, id string) error {
	return c.deleteRecord(ctx, op{name: "deleting PermissionSet " + id, perm: NeedPermissionSets}, "PermissionSet", id)
}

type assignmentRecord struct {
	ID              string `json:"Id"`
	PermissionSetID string `json:"PermissionSetId"`
	AssigneeID      string `json:"AssigneeId"`
	PermissionSet   *struct {
		Name string `json:"Name"`
	} `json:"PermissionSet"`
	Assignee *struct {
		Username string `json:"Username"`
	} `json:"Assignee"`
}

// PermissionSetAssignments returns every assignment of a permission set to a user. Salesforce also
// lists, for every user, an assignment of the permission set the user's profile owns; those rows
// say which profile the user has, not what was assigned, and cannot be created or deleted, so
// they are left out.
func (c *Client) PermissionSetAssignments(ctx context.Context) ([]PermissionSetAssignment, error) {
	return c.queryAssignments(ctx, " WHERE PermissionSet.IsOwnedByProfile = false")
}

func (c *Client) queryAssignments(ctx context.Context, where string) ([]PermissionSetAssignment, error) {
	recs, err := QueryAll[assignmentRecord](ctx, c, "SELECT Id, PermissionSetId, AssigneeId, PermissionSet.Name, Assignee.Username FROM PermissionSetAssignment"+where)
	if err != nil {
		return nil, err
	}
	out := make([]PermissionSetAssignment, 0, len(recs))
	for _, r := range recs {
		a := PermissionSetAssignment{ID: r.ID, PermissionSetID: r.PermissionSetID, AssigneeID: r.AssigneeID}
		if r.PermissionSet != nil {
			a.PermissionSetName = r.PermissionSet.Name
		}
		if r.Assignee != nil {
			a.Username = r.Assignee.Username
		}
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b PermissionSetAssignment) int {
		return strings.Compare(a.PermissionSetName+"\x00"+a.Username, b.PermissionSetName+"\x00"+b.Username)
	})
	return out, nil
}

// AssignPermissionSet assigns a permission set to a user and returns the assignment id. A retried
// call whose first attempt already assigned it returns that assignment.
func (c *Client) AssignPermissionSet(ctx context.Context, permissionSetID, userID string) (string, error) {
	o := op{name: fmt.Sprintf("assigning PermissionSet %s to User %s", permissionSetID, userID), perm: NeedAssignments}
	psID, uID, e := normalizePair(o, permissionSetID, "PermissionSetId", userID, "AssigneeId")
	if e != nil {
		return "", e
	}
	id, retried, err := c.createCoalesced(ctx, o, "PermissionSetAssignment", map[string]string{"PermissionSetId": psID, "AssigneeId": uID})
	if err != nil && retried && IsDuplicate(err) {
		if existing, lookErr := c.FindPermissionSetAssignment(ctx, psID, uID); lookErr == nil {
			return existing.ID, nil
		}
	}
	return id, err
}

// FindPermissionSetAssignment returns the assignment of a permission set to a user;
// ErrNotFound when there is none.
func (c *Client) FindPermissionSetAssignment(ctx context.Context, permissionSetID, userID string) (*PermissionSetAssignment, error) {
	o := op{name: fmt.Sprintf("reading the assignment of PermissionSet %s to User %s", permissionSetID, userID), perm: NeedAssignments}
	psID, uID, e := normalizePair(o, permissionSetID, "PermissionSetId", userID, "AssigneeId")
	if e != nil {
		return nil, e
	}
	existing, err := c.queryAssignments(ctx, " WHERE PermissionSetId = "+Quote(psID)+" AND AssigneeId = "+Quote(uID))
	if err != nil {
		return nil, err
	}
	if len(existing) == 0 {
		return nil, o.fail(KindNotFound, "PermissionSet %s is not assigned to User %s", psID, uID)
	}
	return &existing[0], nil
}

// DeletePermissionSetAssignment removes an assignment; ErrNotFound when it does not exist.
func (c *Client) DeletePermissionSetAssignment(ctx context.Context, id string) error {
	return c.deleteCoalesced(ctx, op{name: "deleting PermissionSetAssignment " + id, perm: NeedAssignments}, "PermissionSetAssignment", id)
}

type connectedApplicationRecord struct {
	ID                                 string `json:"Id"`
	Name                               string `json:"Name"`
	OptionsAllowAdminApprovedUsersOnly bool   `json:"OptionsAllowAdminApprovedUsersOnly"`
}

// ConnectedApplications returns every ConnectedApplication record with its API name, sorted by API
// name. The record itself carries only the label (its Name field), so the API names come from the
// Metadata API's listMetadata, whose FileProperties pair each fullName with the record's id; a
// record listMetadata does not know has an empty Name.
func (c *Client) ConnectedApplications(ctx context.Context) ([]ConnectedApplication, error) {
	// The records and the API names do not depend on each other: one round trip, not two.
	var recs []ConnectedApplication
	var files []MetadataFile
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { recs, err = c.queryConnectedApplications(gctx, ""); return err })
	g.Go(func() (err error) { files, err = c.ListConnectedApps(gctx); return err })
	if err := g.Wait(); err != nil {
		return nil, err
	}
	apiNames := make(map[string]string, len(files))
	for _, f := range files {
		if id, err := sfid.Normalize(f.ID); err == nil {
			apiNames[id] = f.FullName
		}
	}
	for i := range recs {
		if id, err := sfid.Normalize(recs[i].ID); err == nil {
			recs[i].Name = apiNames[id]
		}
	}
	slices.SortFunc(recs, func(a, b ConnectedApplication) int { return strings.Compare(a.Name, b.Name) })
	return recs, nil
}

// ConnectedApplicationByName returns the ConnectedApplication of the connected app whose API name
// (Metadata fullName) is name; ErrNotFound when there is none. ConnectedApplication.Name is the
// label on a real org, and labels are neither the API name nor unique, so the id is found through
// listMetadata(ConnectedApp), whose FileProperties carry fullName and the record's id, and the
// record is then read by id. API names are unique regardless of case, as in Setup.
func (c *Client) ConnectedApplicationByName(ctx context.Context, name string) (*ConnectedApplication, error) {
	o := op{name: "reading ConnectedApplication " + name, perm: NeedConnectedApps}
	f, err := c.connectedAppFile(ctx, o, name, func(f MetadataFile) bool { return strings.EqualFold(f.FullName, name) })
	if err != nil {
		return nil, err
	}
	if f == nil {
		return nil, o.fail(KindNotFound, "no connected app named %q exists in the org", name)
	}
	id, err := fileID(o, *f)
	if err != nil {
		return nil, err
	}
	app, found, err := c.batch.appRecords.get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !found {
		// Deleted between the two calls.
		return nil, o.fail(KindNotFound, "no connected app named %q exists in the org", name)
	}
	app.Name = f.FullName
	return &app, nil
}

// queryConnectedApplications reads records; Name is left empty and Label holds the record's Name.
func (c *Client) queryConnectedApplications(ctx context.Context, where string) ([]ConnectedApplication, error) {
	recs, err := QueryAll[connectedApplicationRecord](ctx, c, "SELECT Id, Name, OptionsAllowAdminApprovedUsersOnly FROM ConnectedApplication"+where)
	if err != nil {
		return nil, err
	}
	out := make([]ConnectedApplication, 0, len(recs))
	for _, r := range recs {
		out = append(out, ConnectedApplication{ID: r.ID, Label: r.Name, AdminApprovedUsersOnly: r.OptionsAllowAdminApprovedUsersOnly})
	}
	return out, nil
}

// HasOAuthApproval reports whether the user authorized the connected app labelled appLabel: the
// org keeps an OauthToken record of every (user, app) approval, and the usage restriction on
// uninstalled connected apps spares a user who has one. OauthToken names the app only by its label
// (AppName is ConnectedApplication.Name), so two apps with the same label are not told apart.
func (c *Client) HasOAuthApproval(ctx context.Context, userID, appLabel string) (bool, error) {
	o := op{name: fmt.Sprintf("reading the OAuth approvals of User %s for %s", userID, appLabel), perm: NeedConnectedApps}
	id, err := sfid.Normalize(userID)
	if err != nil {
		e := o.fail(KindInvalidInput, "%v", err)
		e.Fields = []string{"UserId"}
		return false, e
	}
	type record struct {
		UserID  string `json:"UserId"`
		AppName string `json:"AppName"`
	}
	recs, err := QueryAll[record](ctx, c, "SELECT UserId, AppName FROM OauthToken WHERE UserId = "+Quote(id)+" AND AppName = "+Quote(appLabel))
	if err != nil {
		return false, err
	}
	return len(recs) > 0, nil
}

// SetupEntityAccesses returns every grant of a connected app to a permission set or profile.
func (c *Client) SetupEntityAccesses(ctx context.Context) ([]SetupEntityAccess, error) {
	return c.querySetupEntityAccesses(ctx, "")
}

func (c *Client) querySetupEntityAccesses(ctx context.Context, and string) ([]SetupEntityAccess, error) {
	type record struct {
		ID            string `json:"Id"`
		ParentID      string `json:"ParentId"`
		SetupEntityID string `json:"SetupEntityId"`
	}
	recs, err := QueryAll[record](ctx, c, "SELECT Id, ParentId, SetupEntityId FROM SetupEntityAccess WHERE SetupEntityType = 'ConnectedApplication'"+and)
	if err != nil {
		return nil, err
	}
	out := make([]SetupEntityAccess, 0, len(recs))
	for _, r := range recs {
		out = append(out, SetupEntityAccess(r))
	}
	return out, nil
}

// GrantConnectedApp grants a connected app to a permission set (for a profile, its owned one) and
// returns the SetupEntityAccess id. A retried call whose first attempt already granted it returns
// that grant.
func (c *Client) GrantConnectedApp(ctx context.Context, parentPermissionSetID, connectedAppID string) (string, error) {
	o := op{name: fmt.Sprintf("granting ConnectedApplication %s to PermissionSet %s", connectedAppID, parentPermissionSetID), perm: NeedAppGrants}
	parent, app, e := normalizePair(o, parentPermissionSetID, "ParentId", connectedAppID, "SetupEntityId")
	if e != nil {
		return "", e
	}
	id, retried, err := c.createCoalesced(ctx, o, "SetupEntityAccess", map[string]string{"ParentId": parent, "SetupEntityId": app})
	if err != nil && retried && IsDuplicate(err) {
		if existing, lookErr := c.FindConnectedAppGrant(ctx, parent, app); lookErr == nil {
			return existing.ID, nil
		}
	}
	return id, err
}

// FindConnectedAppGrant returns the grant of a connected app to a permission set (for a profile,
// its owned one); ErrNotFound when there is none.
func (c *Client) FindConnectedAppGrant(ctx context.Context, parentPermissionSetID, connectedAppID string) (*SetupEntityAccess, error) {
	o := op{name: fmt.Sprintf("reading the grant of ConnectedApplication %s to PermissionSet %s", connectedAppID, parentPermissionSetID), perm: NeedAppGrants}
	parent, app, e := normalizePair(o, parentPermissionSetID, "ParentId", connectedAppID, "SetupEntityId")
	if e != nil {
		return nil, e
	}
	existing, err := c.querySetupEntityAccesses(ctx, " AND ParentId = "+Quote(parent)+" AND SetupEntityId = "+Quote(app))
	if err != nil {
		return nil, err
	}
	if len(existing) == 0 {
		return nil, o.fail(KindNotFound, "ConnectedApplication %s is not granted to PermissionSet %s", app, parent)
	}
	return &existing[0], nil
}

// RevokeConnectedAppGrant deletes a SetupEntityAccess grant; ErrNotFound when it does not exist.
func (c *Client) RevokeConnectedAppGrant(ctx context.Context, id string) error {
	return c.deleteCoalesced(ctx, op{name: "revoking SetupEntityAccess " + id, perm: NeedAppGrants}, "SetupEntityAccess", id)
}

func normalizePair(o op, a, aField, b, bField string) (string, string, *Error) {
	na, errA := sfid.Normalize(a)
	nb, errB := sfid.Normalize(b)
	if errA == nil && errB == nil {
		return na, nb, nil
	}
	var fields, msgs []string
	if errA != nil {
		fields, msgs = append(fields, aField), append(msgs, aField+": "+errA.Error())
	}
	if errB != nil {
		fields, msgs = append(fields, bField), append(msgs, bField+": "+errB.Error())
	}
	e := o.fail(KindInvalidInput, "%s", strings.Join(msgs, "; "))
	e.Fields = fields
	return "", "", e
}
