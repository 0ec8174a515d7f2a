package impact

import (
	"context"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// Reader is what the engine reads from the org; *orgapi.Client satisfies it.
type Reader interface {
	PermissionReader
	SettingsReader
	ExtensionAvailable(ctx context.Context) (bool, error)
	OAuthApprovals(ctx context.Context) ([]orgapi.OAuthApproval, error)
	ConnectedApplications(ctx context.Context) ([]orgapi.ConnectedApplication, error)
	OAuthUsage(ctx context.Context) ([]orgapi.OAuthUsageApp, error)
	SupportsExternalClientApps() bool
	ExternalClientAppUsage(ctx context.Context) ([]orgapi.ECAUsage, error)
	Profiles(ctx context.Context) ([]orgapi.Profile, error)
	UsersByID(ctx context.Context, ids []string) ([]orgapi.User, error)
	PermissionSetAssignmentsOf(ctx context.Context, userIDs []string) ([]orgapi.PermissionSetAssignment, error)
	SetupEntityAccessesOf(ctx context.Context, appIDs []string) ([]orgapi.SetupEntityAccess, error)
	ReadExternalClientApps(ctx context.Context, names []string) (map[string]*orgapi.ExternalClientApp, error)
}

// SettingsReader is what ReadSettings reads.
type SettingsReader interface {
	ReadConnectedAppSettings(ctx context.Context) (orgapi.ConnectedAppSettings, error)
	AllowVisualforceAPIAccess(ctx context.Context) (bool, error)
}

// PermissionReader is what a PermissionIndex is loaded from.
type PermissionReader interface {
	PermissionSets(ctx context.Context) ([]orgapi.PermissionSet, error)
	PermissionSetAssignments(ctx context.Context) ([]orgapi.PermissionSetAssignment, error)
}

var _ Reader = (*orgapi.Client)(nil)
