package main

import (
	"bytes"
	"io"
	"regexp"
	"strings"
	"sync"
)

// ansi matches the colour codes terraform writes to a terminal; lines are classified without them.
var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// resourceProgress matches terraform's per-resource progress lines ("x.y: Creating...").
var resourceProgress = regexp.MustCompile(`^[a-z0-9_]+\..+?: (Creating|Creation complete|Still creating|Modifying|Modifications complete|Destroying|Destruction complete)`)

// progressFilter passes on the lines of a terraform apply that tell its story — the plan's
// summary, each managed resource's progress, any warning beyond the expected dev_overrides one,
// and the result — and drops the rest (the full plan, data source reads, the raw outputs), which
// the table that follows shows better. Everything is kept in full for a failure report.
type progressFilter struct {
	out io.Writer

	mu   sync.Mutex
	part []byte       // an incomplete last line
	full bytes.Buffer // everything, for when the apply fails
}

func (f *progressFilter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.full.Write(p)
	f.part = append(f.part, p...)
	for {
		i := bytes.IndexByte(f.part, '\n')
		if i < 0 {
			break
		}
		line := string(f.part[:i+1])
		f.part = f.part[i+1:]
		if keepLine(ansi.ReplaceAllString(strings.TrimRight(line, "\r\n"), "")) {
			if _, err := io.WriteString(f.out, line); err != nil {
				return len(p), err
			}
		}
	}
	return len(p), nil
}

// Full returns everything terraform printed.
func (f *progressFilter) Full() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.full.String()
}

func keepLine(line string) bool {
	switch {
	case strings.HasPrefix(line, "Plan: "), strings.HasPrefix(line, "Apply complete!"),
		strings.HasPrefix(line, "No changes."):
		return true
	case strings.HasPrefix(line, "- "): // an entry of -compact-warnings' list
		return !strings.HasPrefix(line, "- Provider development overrides are in effect")
	default:
		return resourceProgress.MatchString(line)
	}
}
