package provider

import (
	"crypto/rand"
	"sync"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/orgapi"
)

// openTokens holds the tokens that ephemeral resources opened and have not closed yet, by a random
// handle. Terraform hands an ephemeral resource's private data back to Close; carrying only the
// handle there keeps the token out of everything Terraform holds between the calls, and the
// provider, which issued it, revokes it on Close.
type openTokens struct {
	mu       sync.Mutex
	byHandle map[string]*orgapi.AppToken
}

// add keeps tok and returns its handle.
func (o *openTokens) add(tok *orgapi.AppToken) string {
	handle := rand.Text()
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.byHandle == nil {
		o.byHandle = map[string]*orgapi.AppToken{}
	}
	o.byHandle[handle] = tok
	return handle
}

// take removes and returns the token of handle; nil when there is none (closed already).
func (o *openTokens) take(handle string) *orgapi.AppToken {
	o.mu.Lock()
	defer o.mu.Unlock()
	tok := o.byHandle[handle]
	delete(o.byHandle, handle)
	return tok
}
