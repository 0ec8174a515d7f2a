// Command bareprovider is `make bench`'s yardstick for the provider's own overhead: the sfaccess
// provider's resource schemas served by the plugin framework with nothing of the provider's own
// behind them. Every operation makes exactly one API call (a /limits read, through the same org
// client) and echoes what Terraform planned; there are no plan-time checks, no access impact, no
// coalescing and no read-back. What Terraform and the framework spend on these schemas, and one
// call per operation, is what it measures, so that the bench can set sfaccess beside it.
//
// With SFACCESS_BARE_CALLS=none in its environment it makes no call at all: what is left is the
// least any provider of these schemas can cost Terraform on a configuration.
package main

import (
	"context"
	"log"
	"math/big"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/pluginlog"
	sfaccess "github.com/sfaccess/terraform-provider-sfaccess/internal/provider"
)

// callsEnv names the variable that turns the one API call per operation off ("none").
const callsEnv = "SFACCESS_BARE_CALLS"

func main() {
	if err := pluginlog.Apply(); err != nil {
		log.Fatal(err.Error())
	}
	noCalls := os.Getenv(callsEnv) == "none"
	err := providerserver.Serve(context.Background(), func() provider.Provider { return &bare{real: sfaccess.New("bare")(), noCalls: noCalls} },
		providerserver.ServeOpts{Address: "registry.terraform.io/sfaccess/sfaccess", ProtocolVersion: 6})
	if err != nil {
		log.Fatal(err.Error())
	}
}

// bare serves the real provider's schemas; its configuration needs only instance_url, client_id
// and client_secret, the client credentials `make bench` uses.
type bare struct {
	real    provider.Provider
	noCalls bool
}

func (p *bare) Metadata(ctx context.Context, req provider.MetadataRequest, resp *provider.MetadataResponse) {
	p.real.Metadata(ctx, req, resp)
}

func (p *bare) Schema(ctx context.Context, req provider.SchemaRequest, resp *provider.SchemaResponse) {
	p.real.Schema(ctx, req, resp)
}

func (p *bare) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var instanceURL, clientID, clientSecret types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("instance_url"), &instanceURL)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("client_id"), &clientID)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("client_secret"), &clientSecret)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, err := orgapi.New(orgapi.Config{
		InstanceURL: instanceURL.ValueString(), ClientID: clientID.ValueString(), ClientSecret: clientSecret.ValueString(),
	})
	if err != nil {
		resp.Diagnostics.AddError("bare provider", err.Error())
		return
	}
	resp.ResourceData = client
}

func (p *bare) Resources(ctx context.Context) []func() resource.Resource {
	var out []func() resource.Resource
	for _, newReal := range p.real.Resources(ctx) {
		out = append(out, func() resource.Resource { return &bareResource{real: newReal(), noCalls: p.noCalls} })
	}
	return out
}

func (p *bare) DataSources(context.Context) []func() datasource.DataSource { return nil }

// bareResource has the real resource's name and schema, and one API call per operation, or none.
type bareResource struct {
	real    resource.Resource
	client  *orgapi.Client
	noCalls bool
}

func (r *bareResource) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	r.real.Metadata(ctx, req, resp)
}

func (r *bareResource) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	r.real.Schema(ctx, req, resp)
}

func (r *bareResource) Configure(_ context.Context, req resource.ConfigureRequest, _ *resource.ConfigureResponse) {
	if c, ok := req.ProviderData.(*orgapi.Client); ok {
		r.client = c
	}
}

// call makes the operation's one API call and reports whether it succeeded.
func (r *bareResource) call(ctx context.Context, diags *diag.Diagnostics) bool {
	if r.noCalls {
		return true
	}
	if _, err := r.client.Limits(ctx); err != nil {
		diags.AddError("bare provider", err.Error())
		return false
	}
	return true
}

// echo makes the operation's call and sets the plan, settled, as the new state; on an error the
// state stays as the framework made it.
func (r *bareResource) echo(ctx context.Context, plan tftypes.Value, state *tfsdk.State, diags *diag.Diagnostics) {
	if !r.call(ctx, diags) {
		return
	}
	settled, err := known(plan)
	if err != nil {
		diags.AddError("bare provider", err.Error())
		return
	}
	state.Raw = settled
}

func (r *bareResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.echo(ctx, req.Plan.Raw, &resp.State, &resp.Diagnostics)
}

func (r *bareResource) Read(ctx context.Context, _ resource.ReadRequest, resp *resource.ReadResponse) {
	r.call(ctx, &resp.Diagnostics)
}

func (r *bareResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.echo(ctx, req.Plan.Raw, &resp.State, &resp.Diagnostics)
}

func (r *bareResource) Delete(ctx context.Context, _ resource.DeleteRequest, resp *resource.DeleteResponse) {
	r.call(ctx, &resp.Diagnostics)
}

// known settles what the plan left to the provider (ids, keys): a string becomes a placeholder,
// a number 0, a bool false, anything else null.
func known(plan tftypes.Value) (tftypes.Value, error) {
	return tftypes.Transform(plan, func(_ *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if v.IsKnown() {
			return v, nil
		}
		switch t := v.Type(); {
		case t.Is(tftypes.String):
			return tftypes.NewValue(t, "bare"), nil
		case t.Is(tftypes.Number):
			return tftypes.NewValue(t, big.NewFloat(0)), nil
		case t.Is(tftypes.Bool):
			return tftypes.NewValue(t, false), nil
		default:
			return tftypes.NewValue(t, nil), nil
		}
	})
}
