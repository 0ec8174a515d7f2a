package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// The attributes a connected app and an External Client App share: both are named, labelled and
// validated by the same Salesforce rules, so one definition keeps their checks from drifting apart.

// appNameAttribute is an app's API name; app says what kind of app ("the connected app").
func appNameAttribute(app string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "API name of " + app + " (its metadata `fullName`): letters, digits and underscores, starting with a letter, " +
			fmt.Sprintf("without consecutive or trailing underscores, at most %d characters. Changing it creates a new app.", maxAPINameLength),
		Required:      true,
		Validators:    []validator.String{apiNameValidator()},
		PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}

// appLabelAttribute is the name Setup and consent pages show.
func appLabelAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: fmt.Sprintf("Name shown in Setup and on consent pages, 1 to %d characters, without control characters.", connectedAppLabelMaxLength),
		Required:            true,
		Validators:          []validator.String{validLabel(), noControlCharacters("label", false)},
	}
}

// appContactEmailAttribute is the address Salesforce writes to about the app; whom says to whom.
func appContactEmailAttribute(whom string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "Email address Salesforce uses to contact " + whom + ".",
		Required:            true,
		Validators:          []validator.String{validContactEmail()},
	}
}
