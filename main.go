// Command terraform-provider-sfaccess serves the sfaccess Terraform provider over plugin protocol 6.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/pluginlog"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/provider"
)

// version is stamped by goreleaser (-ldflags "-X main.version=…"); "dev" marks a local build.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	// Under a debugger the provider's stderr is the developer's console, not Terraform's filter.
	if !debug {
		if err := pluginlog.Apply(); err != nil {
			log.Fatal(err.Error())
		}
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         "registry.terraform.io/sfaccess/sfaccess",
		Debug:           debug,
		ProtocolVersion: 6,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
