package main

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"
)

// TestHostileConnectionsAreClosed opens connections that stall their headers, stall their body,
// or sit idle after a request, against the command with short timeouts: the server closes each
// within its timeout, instead of holding it for as long as the client likes.
func TestHostileConnectionsAreClosed(t *testing.T) {
	saved := timeouts
	timeouts = serverTimeouts{readHeader: 300 * time.Millisecond, read: time.Second, write: 2 * time.Second, idle: 500 * time.Millisecond}
	t.Cleanup(func() { timeouts = saved })
	ctx, cancel := context.WithCancel(context.Background())
	base, _, done := start(t, ctx, "-listen", "127.0.0.1:0", "-log-level", "error")
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	const form = "grant_type=client_credentials&client_id=MockorgAdminKey0001&client_secret=MockorgAdminSecret0001"
	kinds := []struct {
		name    string
		send    string
		timeout time.Duration
	}{
		{"stalled headers", "POST /services/oauth2/token HTTP/1.1\r\nHost: x\r\n", timeouts.readHeader},
		{"stalled body", "POST /services/oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
			"Content-Length: 1000\r\n\r\ngrant_type=client_", timeouts.read},
		{"idle keep-alive", "POST /services/oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
			"Content-Length: " + strconv.Itoa(len(form)) + "\r\n\r\n" + form, timeouts.idle},
	}
	const perKind = 5
	var wg sync.WaitGroup
	for _, k := range kinds {
		for range perKind {
			wg.Go(func() {
				held, err := holdUntilClosed(u.Host, k.send)
				switch {
				case err != nil:
					t.Errorf("%s: %v", k.name, err)
				case held < k.timeout-50*time.Millisecond || held > k.timeout+1500*time.Millisecond:
					t.Errorf("%s: closed after %v, want about %v", k.name, held, k.timeout)
				default:
					t.Logf("%s: closed after %v (timeout %v)", k.name, held.Round(time.Millisecond), k.timeout)
				}
			})
		}
	}
	wg.Wait()
}

// holdUntilClosed writes send on a fresh connection, then reads whatever comes until the server
// closes it, and says how long that took; a connection still open after 10 s is an error.
func holdUntilClosed(addr, send string) (time.Duration, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	start := time.Now()
	if _, err := io.WriteString(conn, send); err != nil {
		return 0, err
	}
	if err := conn.SetReadDeadline(start.Add(10 * time.Second)); err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, conn)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return 0, errors.New("still open after 10s")
	}
	return time.Since(start), nil
}
