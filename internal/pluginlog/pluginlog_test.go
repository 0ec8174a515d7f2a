package pluginlog

import (
	"maps"
	"os"
	"testing"
)

func TestLevels(t *testing.T) {
	all := func(level string) map[string]string {
		return map[string]string{"TF_LOG_SDK": level, "TF_LOG_SDK_PROTO": level, "TF_LOG_SDK_FRAMEWORK": level, "TF_LOG_PROVIDER_SFACCESS": level}
	}
	tests := map[string]struct {
		env  map[string]string
		want map[string]string
	}{
		"logging off: nothing is written":          {env: nil, want: all("OFF")},
		"TF_LOG_PATH alone turns nothing on":       {env: map[string]string{"TF_LOG_PATH": "/tmp/tf.log"}, want: all("OFF")},
		"TF_LOG sets the level":                    {env: map[string]string{"TF_LOG": "debug"}, want: all("DEBUG")},
		"TF_LOG_PROVIDER wins over TF_LOG":         {env: map[string]string{"TF_LOG": "trace", "TF_LOG_PROVIDER": "warn"}, want: all("WARN")},
		"TF_LOG=JSON shows every line":             {env: map[string]string{"TF_LOG": "json"}, want: all("TRACE")},
		"a level Terraform does not know is TRACE": {env: map[string]string{"TF_LOG": "verbose"}, want: all("TRACE")},
		"TF_LOG=off": {env: map[string]string{"TF_LOG": "off"}, want: all("OFF")},
		"a level set by the user is kept": {
			env:  map[string]string{"TF_LOG_SDK_FRAMEWORK": "trace"},
			want: map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_PROVIDER_SFACCESS": "OFF"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := Levels(func(k string) string { return tc.env[k] })
			if !maps.Equal(got, tc.want) {
				t.Errorf("Levels() = %v, want %v", got, tc.want)
			}
		})
	}
}

// Apply puts what Levels decides into the process's environment, where the SDK reads it. Not
// parallel: it sets environment variables.
func TestApplySetsTheEnvironment(t *testing.T) {
	for _, name := range append([]string{"TF_LOG", "TF_LOG_PROVIDER"}, sdkLevelVars...) {
		t.Setenv(name, "") // restored after the test, and empty (unset) for Levels
	}
	t.Setenv("TF_LOG", "warn")
	if err := Apply(); err != nil {
		t.Fatal(err)
	}
	for _, name := range sdkLevelVars {
		if got := os.Getenv(name); got != "WARN" {
			t.Errorf("%s = %q, want WARN", name, got)
		}
	}
}
