package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"
)

// mockStartTimeout bounds how long the mock may take to print its URL; it starts in milliseconds,
// so running into this means it is stuck, not slow.
const mockStartTimeout = 30 * time.Second

// loopbackURL finds the address the mock reports in its banner. Asking it to listen on port 0 and
// reading the port back avoids the race of picking a free port first and binding it later.
var loopbackURL = regexp.MustCompile(`https?://(?:127\.0\.0\.1|localhost|\[::1\]):[0-9]+`)

// mockorg is a running sfaccess-mockorg process.
type mockorg struct {
	URL string

	cmd   *exec.Cmd
	log   *bannerLog
	token string
	done  chan struct{} // closed when the process has exited
	err   error         // the process's exit error, valid once done is closed
}

func startMockorg(ctx context.Context, bin string) (*mockorg, error) {
	token, err := randomToken()
	if err != nil {
		return nil, err
	}
	m := &mockorg{token: token, done: make(chan struct{})}
	m.log = newBannerLog()
	// The control token is ours, so it can be kept out of anything the demo prints.
	// Stop ends the mock gracefully; ctx only bounds the wait for its banner.
	m.cmd = exec.CommandContext(context.WithoutCancel(ctx), bin, "--listen", "127.0.0.1:0", "--control-token", token) //nolint:gosec // bin is the mock this run built
	m.cmd.Stdout, m.cmd.Stderr = m.log, m.log
	if err := m.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting sfaccess-mockorg: %w", err)
	}
	go func() {
		m.err = m.cmd.Wait()
		close(m.done)
	}()

	timer := time.NewTimer(mockStartTimeout)
	defer timer.Stop()
	select {
	case m.URL = <-m.log.url:
	case <-m.done:
		exit := m.err
		if exit == nil {
			exit = errors.New("exit status 0")
		}
		return nil, fmt.Errorf("sfaccess-mockorg exited before it served: %w\n%s", exit, m.redacted())
	case <-timer.C:
		_ = m.Stop()
		return nil, fmt.Errorf("sfaccess-mockorg printed no URL within %s\n%s", mockStartTimeout, m.redacted())
	case <-ctx.Done():
		_ = m.Stop()
		return nil, ctx.Err()
	}
	if err := waitServing(ctx, m.URL, m.done); err != nil {
		_ = m.Stop()
		return nil, err
	}
	return m, nil
}

// waitServing returns once the mock answers HTTP at all: the banner may be printed a moment before
// the listener accepts on some platforms.
func waitServing(ctx context.Context, url string, exited <-chan struct{}) error {
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(10 * time.Second)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/services/data/", nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("sfaccess-mockorg does not answer on %s: %w", url, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-exited:
			return errors.New("sfaccess-mockorg exited while starting")
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Stop interrupts the mock, as Ctrl-C would, so it shuts down cleanly, and kills it if it has not
// exited within a few seconds. An exit caused by the interrupt is not an error.
func (m *mockorg) Stop() error {
	select {
	case <-m.done:
		return nil
	default:
	}
	if err := interrupt(m.cmd.Process); err != nil {
		_ = m.cmd.Process.Kill()
	}
	select {
	case <-m.done:
		return nil
	case <-time.After(5 * time.Second):
		_ = m.cmd.Process.Kill()
		<-m.done
		return errors.New("sfaccess-mockorg did not stop within 5s of an interrupt and was killed")
	}
}

// DumpLog writes what the mock printed, to explain a failure.
func (m *mockorg) DumpLog(w io.Writer) {
	if out := m.redacted(); out != "" {
		fmt.Fprintf(w, "\n--- sfaccess-mockorg output ---\n%s--- end of sfaccess-mockorg output ---\n", out)
	}
}

func (m *mockorg) redacted() string {
	return strings.ReplaceAll(m.log.String(), m.token, "[control token]")
}

func interrupt(p *os.Process) error {
	if runtime.GOOS == "windows" { // Windows has no way to send os.Interrupt to another process
		return p.Kill()
	}
	return p.Signal(os.Interrupt)
}

func randomToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// bannerLog keeps what the mock prints and reports the first loopback URL in it, once.
type bannerLog struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	url  chan string
	sent bool
}

func newBannerLog() *bannerLog {
	return &bannerLog{url: make(chan string, 1)}
}

func (l *bannerLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	if !l.sent {
		// Search only complete lines so a URL split across two writes is not cut short.
		text := l.buf.String()
		if i := strings.LastIndexByte(text, '\n'); i >= 0 {
			if u := loopbackURL.FindString(text[:i]); u != "" {
				l.url <- u
				l.sent = true
			}
		}
	}
	return len(p), nil
}

func (l *bannerLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
