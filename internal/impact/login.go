package impact

import (
	"context"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/access"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// AppReader is what AddLoginApp reads to find a login's app by its consumer key; *orgapi.Client
// satisfies it.
type AppReader interface {
	ListConnectedApps(ctx context.Context) ([]orgapi.MetadataFile, error)
	ReadConnectedApps(ctx context.Context, names []string) (map[string]*orgapi.ConnectedApp, error)
	ConnectedAppID(ctx context.Context, name string) (string, error)
	OAuthUsageApp(ctx context.Context, name string) (*orgapi.OAuthUsageApp, error)
	SetupEntityAccessesOf(ctx context.Context, appIDs []string) ([]orgapi.SetupEntityAccess, error)
	SupportsExternalClientApps() bool
	ExternalClientAppUsage(ctx context.Context) ([]orgapi.ECAUsage, error)
	ReadExternalClientApps(ctx context.Context, names []string) (map[string]*orgapi.ExternalClientApp, error)
}

var _ AppReader = (*orgapi.Client)(nil)

// AddLoginApp finds the app whose consumer key is clientID and adds it to the base as the org has
// it now, unless the base holds it already, and returns login through it. A connected app's key is
// in its Metadata (oauthConfig.consumerKey), an External Client App's in its global OAuth
// settings; neither read needs the secret. An app the org does not have leaves login as it is.
func (b *Base) AddLoginApp(ctx context.Context, r AppReader, login access.Login, clientID string) (access.Login, error) {
	files, err := r.ListConnectedApps(ctx)
	if err != nil {
		return login, err
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.FullName
	}
	apps, err := r.ReadConnectedApps(ctx, names)
	if err != nil {
		return login, err
	}
	for name, app := range apps {
		if app.ConsumerKey == clientID {
			if err := b.addConnectedApp(ctx, r, name, app.IsAdminApproved); err != nil {
				return login, err
			}
			login.App, login.PriorApproval = name, b.approved(login.UserID, name)
			return login, nil
		}
	}
	if !r.SupportsExternalClientApps() {
		return login, nil
	}
	usage, err := r.ExternalClientAppUsage(ctx)
	if err != nil {
		return login, err
	}
	names = names[:0]
	for _, u := range usage {
		names = append(names, u.Name)
	}
	ecas, err := r.ReadExternalClientApps(ctx, names)
	if err != nil {
		return login, err
	}
	for name, eca := range ecas {
		if eca.ConsumerKey == clientID {
			b.AddECA(name, eca)
			login.App, login.ExternalClientApp = name, true
			return login, nil
		}
	}
	return login, nil
}

// addConnectedApp adds a connected app outside the usage list with its grants and, where the org
// says, its install and block state; a base of permission sets only, whose org cannot say, takes
// it as installed, unblocked and the org's own, so that only its Permitted Users and grants
// decide.
func (b *Base) addConnectedApp(ctx context.Context, r AppReader, name string, adminApproved bool) error {
	if b.hasApp(name) {
		return nil
	}
	id, err := r.ConnectedAppID(ctx, name)
	if err != nil {
		return err
	}
	app := access.App{Name: name, AdminApprovedUsersOnly: adminApproved, Installed: true, OrgManaged: true}
	if !b.permissionSetsOnly {
		usage, err := r.OAuthUsageApp(ctx, name)
		if err != nil {
			return err
		}
		app.Installed, app.Blocked, app.OrgManaged = usage.Installed, usage.Blocked, usage.Local
	}
	grants, err := r.SetupEntityAccessesOf(ctx, []string{id})
	if err != nil {
		return err
	}
	grantedTo := make([]string, len(grants))
	for i, g := range grants {
		grantedTo[i] = g.ParentID
	}
	b.addApp(app, id, grantedTo)
	return nil
}
