package orgapi

import (
	"net/http"
	"time"
)

// poolSize is how many idle connections to the org the client keeps: Terraform runs up to ten
// operations at once by default (-parallelism=10), plus the token endpoint and some slack. Go's
// default of two idle connections per host (go-cleanhttp: GOMAXPROCS+1) would close and reopen a
// connection, with its TLS handshake, for most requests of a parallel run.
const poolSize = 16

// sizePool keeps connections alive and reusable for a run's parallel requests.
func sizePool(t *http.Transport) {
	t.MaxIdleConns = 4 * poolSize
	t.MaxIdleConnsPerHost = poolSize
	t.IdleConnTimeout = 90 * time.Second
	t.DisableKeepAlives = false
	t.ForceAttemptHTTP2 = true
}
