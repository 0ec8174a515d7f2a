package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// errUnhealthy makes the command exit 1, which container runtimes read as unhealthy (2 is reserved).
var errUnhealthy = errors.New("unhealthy")

// checkHealth asks the mock org listening on listen for its API versions, the cheapest answer that
// proves it serves. A container image FROM scratch has no shell or curl, so the binary checks
// itself. A wildcard listen address (0.0.0.0, [::]) is reached on loopback.
func checkHealth(ctx context.Context, listen string, stdout io.Writer) error {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("-listen %q: %w", listen, err)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	url := "http://" + net.JoinHostPort(host, port) + "/services/data"
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%w: %w", errUnhealthy, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%w: GET %s answered %s", errUnhealthy, url, resp.Status)
	}
	fmt.Fprintln(stdout, "healthy:", url)
	return nil
}
