// Package pluginlog keeps the provider from writing log lines Terraform will throw away.
//
// The plugin SDK logs at TRACE unless told otherwise and writes every line to stderr as JSON,
// which Terraform parses and then drops unless TF_LOG_PROVIDER or TF_LOG asks for it. With
// logging off (the usual run) that is some hundred thousand lines for an apply of 300 resources:
// about a third of the provider's CPU and a fifth of Terraform's in `make bench`.
package pluginlog

import (
	"os"
	"strings"
)

// sdkLevelVars are the variables the plugin SDK reads its log levels from: the SDK's root
// logger, its protocol and framework subsystems, and the provider's own logger, which
// terraform-plugin-go names after the provider address's type ("sfaccess").
var sdkLevelVars = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_SFACCESS"}

// validLevels are the levels Terraform recognizes.
var validLevels = map[string]bool{"TRACE": true, "DEBUG": true, "INFO": true, "WARN": true, "ERROR": true, "OFF": true}

// Levels returns the SDK log-level variables to set so that the provider logs no more than
// Terraform shows: Terraform shows provider lines at TF_LOG_PROVIDER's level, or TF_LOG's when
// that is empty, none when both are, and every one for JSON or a level it does not know. A
// variable the environment already sets is left alone: whoever set it asked for that level.
func Levels(getenv func(string) string) map[string]string {
	shown := strings.ToUpper(strings.TrimSpace(getenv("TF_LOG_PROVIDER")))
	if shown == "" {
		shown = strings.ToUpper(strings.TrimSpace(getenv("TF_LOG")))
	}
	switch {
	case shown == "":
		shown = "OFF"
	case !validLevels[shown]:
		shown = "TRACE"
	}
	set := map[string]string{}
	for _, name := range sdkLevelVars {
		if getenv(name) == "" {
			set[name] = shown
		}
	}
	return set
}

// Apply sets, in this process's environment, the variables Levels returns; a provider's main
// calls it before it serves.
func Apply() error {
	for name, level := range Levels(os.Getenv) {
		if err := os.Setenv(name, level); err != nil {
			return err
		}
	}
	return nil
}
