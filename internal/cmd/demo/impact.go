package main

import "strings"

// impactWarnings returns the access impact warnings of a terraform plan's plain (-no-color)
// output, each in the box terraform draws around a diagnostic, and nothing else: the report of who
// would lose or gain API access, which is what a person should read before applying.
func impactWarnings(planOutput string) string {
	var b strings.Builder
	var box []string
	for _, line := range strings.SplitAfter(planOutput, "\n") {
		trimmed := strings.TrimRight(line, "\r\n")
		switch {
		case strings.HasPrefix(trimmed, "╷"):
			box = []string{line}
		case box != nil && strings.HasPrefix(trimmed, "╵"):
			box = append(box, line)
			if len(box) > 1 && strings.HasPrefix(box[1], "│ Warning: API Access Impact") {
				b.WriteString(strings.Join(box, ""))
			}
			box = nil
		case box != nil:
			box = append(box, line)
		}
	}
	return b.String()
}
