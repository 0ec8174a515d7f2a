package mockorgtest

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"sync"
)

// ReadBanner reads the sfaccess-mockorg banner's "name   value" lines from r up to its last
// line, "Press Ctrl-C to stop.", and drains the rest of r in the background so the command never
// blocks on a full pipe. It returns what it read when r ends before the last line.
func ReadBanner(r io.Reader) (map[string]string, error) {
	lines := map[string]string{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "Press Ctrl-C") {
			go func() { _, _ = io.Copy(io.Discard, r) }()
			return lines, nil
		}
		if name, value, ok := strings.Cut(line, "  "); ok {
			lines[name] = strings.TrimSpace(value)
		}
	}
	return lines, sc.Err()
}

// SyncBuffer is a bytes.Buffer safe to read while another goroutine writes to it, such as a
// command's output.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
