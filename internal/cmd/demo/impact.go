package main

import "strings"

// impactWarnings returns the access impact warnings of a terraform plan's plain (-no-color)
// output and nothing else: the report of who would lose or gain API access, which is what a
// person should read before applying. Plain output starts each diagnostic with a "Warning: " or
// "Error: " line; a warning runs until the next diagnostic, the rule under the plan, or a note.
func impactWarnings(planOutput string) string {
	var blocks []string
	var current []string
	flush := func() {
		if current != nil {
			blocks = append(blocks, strings.TrimRight(strings.Join(current, "\n"), "\n ")+"\n")
			current = nil
		}
	}
	for _, line := range strings.Split(planOutput, "\n") {
		line = strings.TrimRight(line, "\r")
		switch {
		case strings.HasPrefix(line, "Warning: API Access Impact"):
			flush()
			current = []string{line}
		case strings.HasPrefix(line, "Warning: "), strings.HasPrefix(line, "Error: "),
			strings.HasPrefix(line, "─"), strings.HasPrefix(line, "Note: "):
			flush()
		case current != nil:
			current = append(current, line)
		}
	}
	flush()
	return strings.Join(blocks, "\n")
}
