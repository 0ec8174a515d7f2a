package mockorgtest

import (
	"net"
	"sync"
	"sync/atomic"
	"testing"
)

// Hosts that are not an org, for tests of how a client meets an unreachable instance_url.

// ClosedPort returns a loopback address where nothing listens.
func ClosedPort(t *testing.T) string {
	t.Helper()
	ln, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// SilentListener accepts connections, counts them, and never writes a byte, like a host behind a
// firewall that swallows requests; hello, when set, is written first instead (another protocol).
// The connections stay open until the test ends.
func SilentListener(t *testing.T, hello string) (addr string, accepted *atomic.Int32) {
	t.Helper()
	ln, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted = &atomic.Int32{}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			if hello != "" {
				_, _ = conn.Write([]byte(hello))
			}
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String(), accepted
}
