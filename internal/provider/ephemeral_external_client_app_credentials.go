package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ ephemeral.EphemeralResourceWithConfigure = (*externalClientAppCredentialsEphemeral)(nil)

// NewExternalClientAppCredentialsEphemeralResource reads an ECA's consumer key and secret for
// one run, through the Connect REST credentials resource; they never reach state or plans.
func NewExternalClientAppCredentialsEphemeralResource() ephemeral.EphemeralResource {
	return &externalClientAppCredentialsEphemeral{}
}

type externalClientAppCredentialsEphemeral struct {
	data *providerData
}

type externalClientAppCredentialsModel struct {
	Name           types.String `tfsdk:"name"`
	ConsumerKey    types.String `tfsdk:"consumer_key"`
	ConsumerSecret types.String `tfsdk:"consumer_secret"`
}

func (e *externalClientAppCredentialsEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_external_client_app_credentials"
}

func (e *externalClientAppCredentialsEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The consumer key and secret of an External Client App, for one run (Terraform 1.10 or later): pass them to another " +
			"provider or a secrets manager through an ephemeral or write-only argument; they are never stored in state or plans. " +
			"The org must allow it (`sfaccess_external_client_app_settings.allow_consumer_secrets_via_rest_api`), and the running user needs " +
			"**External Client App Developer** and **View Client Secret**.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: "API name of the External Client App.",
				Required:            true,
				Validators:          []validator.String{apiNameValidator()},
			},
			"consumer_key": schema.StringAttribute{
				MarkdownDescription: "The OAuth client id.",
				Computed:            true,
			},
			"consumer_secret": schema.StringAttribute{
				MarkdownDescription: "The OAuth client secret.",
				Computed:            true,
				Sensitive:           true,
			},
		},
	}
}

func (e *externalClientAppCredentialsEphemeral) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (e *externalClientAppCredentialsEphemeral) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m externalClientAppCredentialsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !e.data.ready(&resp.Diagnostics) {
		return
	}
	name := m.Name.ValueString()
	action := fmt.Sprintf("reading the credentials of External Client App (%s)", name)
	c := e.data.client
	appID, err := externalClientAppID(ctx, c, name)
	if err != nil {
		resp.Diagnostics.Append(orgErrorDiag(action, err))
		return
	}
	consumer, err := c.ExternalClientAppConsumer(ctx, appID)
	if err != nil {
		resp.Diagnostics.Append(orgErrorDiag(action, err))
		return
	}
	creds, err := c.ExternalClientAppCredentials(ctx, appID, consumer)
	if err != nil {
		resp.Diagnostics.Append(orgErrorDiag(action, err))
		return
	}
	m.ConsumerKey, m.ConsumerSecret = types.StringValue(creds.Key), types.StringValue(creds.Secret)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}
