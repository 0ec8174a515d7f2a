package provider

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/ephemeralvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

var (
	_ ephemeral.EphemeralResourceWithConfigure        = (*accessTokenEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithClose            = (*accessTokenEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithConfigValidators = (*accessTokenEphemeralResource)(nil)
)

// accessTokenEphemeralResource is an OAuth access token obtained through a connected app's own
// credentials for the length of one Terraform command, for other providers to call the org with.
// It is revoked when Terraform closes it.
type accessTokenEphemeralResource struct {
	data *providerData
}

// NewAccessTokenEphemeralResource is the sfaccess_access_token ephemeral resource.
func NewAccessTokenEphemeralResource() ephemeral.EphemeralResource {
	return &accessTokenEphemeralResource{}
}

type accessTokenModel struct {
	ClientID     types.String `tfsdk:"client_id"`
	ClientSecret types.String `tfsdk:"client_secret"`
	Username     types.String `tfsdk:"username"`
	PrivateKey   types.String `tfsdk:"private_key"`
	LoginURL     types.String `tfsdk:"login_url"`
	JWTAudience  types.String `tfsdk:"jwt_audience"`
	AccessToken  types.String `tfsdk:"access_token"`
	InstanceURL  types.String `tfsdk:"instance_url"`
	UserID       types.String `tfsdk:"user_id"`
}

// privateTokenHandle is the key of the open token's handle in the resource's private data.
const privateTokenHandle = "token_handle"

func (r *accessTokenEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_access_token"
}

func (r *accessTokenEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An OAuth access token issued through a connected app's own credentials, for other " +
			"providers (for example `http`) or another `sfaccess` provider configuration to call the org with during " +
			"this Terraform run. Terraform 1.10 or later.\n\n" +
			"Set `client_id` with `client_secret` (OAuth client credentials flow: the token acts as the app's " +
			"execution user) or with `username` and `private_key` (OAuth JWT bearer flow). The org applies its API " +
			"Access Control rules to the token request as to any other: a user the rules refuse gets the org's " +
			"error and message. The token is never written to the plan or the state, and the provider revokes it " +
			"(`/services/oauth2/revoke`) when Terraform closes the resource at the end of the plan or apply.",
		Attributes: map[string]schema.Attribute{
			"client_id": schema.StringAttribute{
				MarkdownDescription: "The consumer key of the connected app to obtain the token through.",
				Required:            true,
			},
			"client_secret": schema.StringAttribute{
				MarkdownDescription: "The app's consumer secret, for the client credentials flow. Conflicts with " +
					"`username` and `private_key`.",
				Optional:  true,
				Sensitive: true,
			},
			"username": schema.StringAttribute{
				MarkdownDescription: "The user the token acts as, for the JWT bearer flow; requires `private_key`.",
				Optional:            true,
				Validators:          []validator.String{usernameValidator()},
			},
			"private_key": schema.StringAttribute{
				MarkdownDescription: "The PEM-encoded RSA private key (PKCS#1 or PKCS#8, unencrypted) whose " +
					"certificate the app holds, for the JWT bearer flow; requires `username`.",
				Optional:  true,
				Sensitive: true,
			},
			"login_url": schema.StringAttribute{
				MarkdownDescription: "The host that issues the token, e.g. `https://login.salesforce.com`; `https://` " +
					"(or `http://` for a loopback host). Defaults to the provider's `login_url`.",
				Optional: true,
			},
			"jwt_audience": schema.StringAttribute{
				MarkdownDescription: "The `aud` claim of the JWT bearer assertion. Defaults to the provider's " +
					"`jwt_audience` when `login_url` is not set, else to `" + orgapi.JWTAudienceSandbox + "` for " +
					"`test.salesforce.com` and `" + orgapi.JWTAudienceProduction + "` otherwise.",
				Optional: true,
			},
			"access_token": schema.StringAttribute{
				MarkdownDescription: "The access token, for an `Authorization: Bearer` header.",
				Computed:            true,
				Sensitive:           true,
			},
			"instance_url": schema.StringAttribute{
				MarkdownDescription: "The org's URL to send API calls to, as the token endpoint gave it.",
				Computed:            true,
			},
			"user_id": schema.StringAttribute{
				MarkdownDescription: "The 18-character id of the user the token acts as.",
				Computed:            true,
			},
		},
	}
}

func (r *accessTokenEphemeralResource) ConfigValidators(context.Context) []ephemeral.ConfigValidator {
	return []ephemeral.ConfigValidator{
		ephemeralvalidator.ExactlyOneOf(path.MatchRoot("client_secret"), path.MatchRoot("private_key")),
		ephemeralvalidator.RequiredTogether(path.MatchRoot("username"), path.MatchRoot("private_key")),
	}
}

func (r *accessTokenEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *accessTokenEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m accessTokenModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !r.data.ready(&resp.Diagnostics) {
		return
	}
	tok, err := r.data.client.IssueAppToken(ctx, orgapi.AppCredentials{
		LoginURL:      m.LoginURL.ValueString(),
		JWTAudience:   m.JWTAudience.ValueString(),
		ClientID:      m.ClientID.ValueString(),
		ClientSecret:  m.ClientSecret.ValueString(),
		Username:      m.Username.ValueString(),
		PrivateKeyPEM: m.PrivateKey.ValueString(),
	})
	if err != nil {
		resp.Diagnostics.Append(orgErrorDiag(fmt.Sprintf("obtaining an access token through the app %s", m.ClientID.ValueString()), err))
		return
	}
	handle, err := json.Marshal(r.data.tokens.add(tok))
	if err != nil {
		resp.Diagnostics.AddError("Internal Error", "Encoding the token's handle: "+err.Error())
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateTokenHandle, handle)...)
	tflog.Debug(ctx, "opened an access token", map[string]any{"flow": tok.Flow, "user_id": tok.UserID})
	m.AccessToken = types.StringValue(tok.AccessToken)
	m.InstanceURL = types.StringValue(tok.InstanceURL)
	m.UserID = types.StringValue(tok.UserID)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}

// Close revokes the token: it served this run and nothing else should hold it afterwards.
func (r *accessTokenEphemeralResource) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	raw, diags := req.Private.GetKey(ctx, privateTokenHandle)
	resp.Diagnostics.Append(diags...)
	var handle string
	if resp.Diagnostics.HasError() || raw == nil || json.Unmarshal(raw, &handle) != nil || !r.data.ready(&resp.Diagnostics) {
		return
	}
	tok := r.data.tokens.take(handle)
	if tok == nil {
		return
	}
	if err := r.data.client.RevokeToken(ctx, tok.LoginURL, tok.AccessToken); err != nil {
		resp.Diagnostics.Append(orgErrorDiag("revoking the access token at the end of the run; it stays valid until the org's session timeout", err))
		return
	}
	tflog.Debug(ctx, "revoked the access token", map[string]any{"user_id": tok.UserID})
}
