package provider

import "time"

// defaultAPITimeout bounds a create, update or delete whose configuration sets no timeouts block:
// long enough for a Metadata deploy on a busy org, short enough that a hung one ends.
const defaultAPITimeout = 5 * time.Minute
