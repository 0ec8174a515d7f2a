package orgapi

import "context"

// ctxLock is a mutex whose waiters give up when their context ends. The client holds its locks
// across network calls (one token fetch, one discovery for many callers), and a caller that has
// been cancelled must not stay queued behind a slow one.
type ctxLock chan struct{}

func newCtxLock() ctxLock { return make(ctxLock, 1) }

func (l ctxLock) lock(ctx context.Context) error {
	select {
	case l <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l ctxLock) unlock() { <-l }
