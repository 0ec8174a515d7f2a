// Command sfaccess-mockorg serves a mock Salesforce org: the OAuth token endpoint, the Metadata API,
// the REST API and the sfaccess setup extension, enforcing API Access Control as a real org does.
// With no flags it serves the embedded default org "Acme" on 127.0.0.1:8484.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg"
	"github.com/sfaccess/terraform-provider-sfaccess/internal/mockorg/console"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return // -h asked for the usage, which is not a failure
		}
		fmt.Fprintln(os.Stderr, "sfaccess-mockorg:", err)
		if errors.Is(err, errUnhealthy) {
			os.Exit(1)
		}
		os.Exit(2)
	}
}

// serverTimeouts bound how long a client may hold a connection: a slow or stalled body, a
// stalled response, an idle keep-alive connection.
type serverTimeouts struct {
	readHeader, read, write, idle time.Duration
}

// timeouts are the command's; tests shorten them. The fault injector delays a request for up to
// mockorg.MaxFaultLatency after its headers and before its body is read, while the read and
// write deadlines run, so both leave that much room plus 30 s for the body and the answer; the
// headers come before any delay and need no such room.
var timeouts = serverTimeouts{
	readHeader: 10 * time.Second,
	read:       mockorg.MaxFaultLatency + 30*time.Second,
	write:      mockorg.MaxFaultLatency + 30*time.Second,
	idle:       60 * time.Second,
}

// run parses flags, serves until ctx is done, then shuts down and flushes the state file.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sfaccess-mockorg", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8484", "address to listen on (host:port; port 0 picks a free one)")
	seedFile := fs.String("seed", "", "JSON file with the org to serve instead of the embedded default org")
	stateFile := fs.String("state-file", "", "persist the org in this file and reload it on start (written atomically, mode 0600)")
	controlToken := fs.String("control-token", "", "bearer token of the /__mockorg/ control API (default: random)")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn or error")
	withoutExtension := fs.Bool("without-setup-extension", false, "serve the org as a real org is, without the sfaccess setup extension (Install/Block and the Visualforce option answer 404)")
	tlsCert := fs.String("tls-cert", "", "serve HTTPS with this PEM certificate (needs --tls-key)")
	tlsKey := fs.String("tls-key", "", "the PEM private key of --tls-cert")
	tlsSelfSigned := fs.String("tls-self-signed", "", "serve HTTPS with a certificate for localhost and 127.0.0.1 kept in this directory (made on first use)")
	showVersion := fs.Bool("version", false, "print the version and exit")
	healthcheck := fs.Bool("healthcheck", false, "check that a mock org answers on --listen and exit 0, or 1 when it does not (a container's HEALTHCHECK)")
	var allowedHosts hostList
	fs.Var(&allowedHosts, "allowed-host", "also open the console at this host name or address (repeatable); localhost, loopback addresses, the --listen host and the address a request arrives on always work")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: sfaccess-mockorg [flags]\n\nServes a mock Salesforce org for terraform-provider-sfaccess.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q; see -h", fs.Args())
	}
	if *showVersion {
		fmt.Fprintln(stdout, "sfaccess-mockorg", version)
		return nil
	}
	if *healthcheck {
		return checkHealth(ctx, *listen, stdout)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	seed, err := readSeed(*seedFile)
	if err != nil {
		return err
	}
	cfg := mockorg.Config{StateFile: *stateFile, ControlToken: *controlToken, Logger: logger, DisableSetupExtension: *withoutExtension,
		AllowedHosts: consoleHosts(*listen, allowedHosts), Seed: seed}
	tlsCfg, caFile, err := tlsConfig(*tlsCert, *tlsKey, *tlsSelfSigned)
	if err != nil {
		return err
	}
	org, err := mockorg.New(cfg)
	if err != nil {
		return err
	}
	ln, err := new(net.ListenConfig).Listen(ctx, "tcp", *listen)
	if err != nil {
		org.Close()
		return err
	}
	scheme := "http"
	if tlsCfg != nil {
		ln, scheme = tls.NewListener(ln, tlsCfg), "https"
	}
	srv := &http.Server{
		Handler:           org,
		ReadHeaderTimeout: timeouts.readHeader,
		ReadTimeout:       timeouts.read,
		WriteTimeout:      timeouts.write,
		IdleTimeout:       timeouts.idle,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	printBanner(stdout, scheme+"://"+ln.Addr().String(), org, cfg.Seed == nil, *stateFile, caFile)

	return serve(ctx, srv, ln, org, logger)
}

// readSeed reads the org to serve from file; nil, for the embedded default org, when file is "".
func readSeed(file string) (*mockorg.Seed, error) {
	if file == "" {
		return nil, nil
	}
	data, err := os.ReadFile(file) //nolint:gosec // the user names the seed file to serve
	if err != nil {
		return nil, fmt.Errorf("reading seed: %w", err)
	}
	seed, err := mockorg.ParseSeed(data)
	if err != nil {
		return nil, fmt.Errorf("seed %s: %w", file, err)
	}
	return seed, nil
}

// serve serves org on ln until ctx is done, then shuts down and flushes the state file.
func serve(ctx context.Context, srv *http.Server, ln net.Listener, org *mockorg.Server, logger *slog.Logger) error {
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	select {
	case err := <-serveErr:
		org.Close()
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	shutdownErr := srv.Shutdown(shutdownCtx)
	if err := org.Close(); err != nil {
		return fmt.Errorf("flushing the state file: %w", err)
	}
	if shutdownErr != nil {
		return fmt.Errorf("shutting down: %w", shutdownErr)
	}
	return nil
}

// hostList is a repeatable string flag.
type hostList []string

func (l *hostList) String() string { return strings.Join(*l, ",") }

func (l *hostList) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// consoleHosts are the names the console answers at besides localhost and the addresses
// (ARCHITECTURE.md, Console): the --allowed-host names and the --listen host when it is a name,
// which the server listens on as much as on its address.
func consoleHosts(listen string, allowed []string) []string {
	host, _, err := net.SplitHostPort(listen)
	if err != nil || host == "" || net.ParseIP(host) != nil {
		return allowed
	}
	return append([]string{host}, allowed...)
}

// printBanner tells a person how to reach the org. The credentials are the org's documented
// development credentials (or the user's own seed's), printed on purpose as LocalStack does; they
// never go to the log.
func printBanner(w io.Writer, url string, org *mockorg.Server, embedded bool, stateFile, caFile string) {
	fmt.Fprintf(w, "sfaccess-mockorg %s serving a mock Salesforce org\n\n", version)
	fmt.Fprintf(w, "  instance URL     %s\n", url)
	fmt.Fprintf(w, "  token endpoint   %s/services/oauth2/token\n", url)
	fmt.Fprintf(w, "  console          %s%s (read-only, in a browser)\n", url, console.Path)
	if id, secret, user, ok := org.AdminClient(); ok {
		fmt.Fprintf(w, "  client id        %s\n", id)
		fmt.Fprintf(w, "  client secret    %s\n", secret)
		fmt.Fprintf(w, "  runs as          %s (client_credentials)\n", user)
	}
	if embedded {
		fmt.Fprintf(w, "  user password    %s (every seeded user)\n", mockorg.DefaultPassword)
	}
	fmt.Fprintf(w, "  control token    %s\n", org.ControlToken())
	if stateFile != "" {
		fmt.Fprintf(w, "  state file       %s\n", stateFile)
	}
	if caFile != "" {
		fmt.Fprintf(w, "  certificate      %s (self-signed: trust it as below)\n", caFile)
	}
	fmt.Fprintf(w, "\nPoint the provider at it:\n\n  export SFACCESS_INSTANCE_URL=%s\n", url)
	if id, secret, _, ok := org.AdminClient(); ok {
		fmt.Fprintf(w, "  export SFACCESS_CLIENT_ID=%s\n  export SFACCESS_CLIENT_SECRET=%s\n", id, secret)
	}
	if caFile != "" {
		// Node (the Salesforce CLI, jsforce), Go and OpenSSL programs, and curl each read their own.
		fmt.Fprintf(w, "  export NODE_EXTRA_CA_CERTS=%s SSL_CERT_FILE=%s CURL_CA_BUNDLE=%s\n", caFile, caFile, caFile)
	}
	fmt.Fprintf(w, "\nPress Ctrl-C to stop.\n")
}

// tlsConfig is the server's TLS configuration from the flags, nil for plain HTTP, and the path of
// the self-signed certificate clients must trust, if one is used.
func tlsConfig(certFile, keyFile, selfSignedDir string) (*tls.Config, string, error) {
	var cert tls.Certificate
	var caFile string
	var err error
	switch {
	case selfSignedDir != "" && (certFile != "" || keyFile != ""):
		return nil, "", errors.New("--tls-self-signed and --tls-cert/--tls-key exclude each other")
	case selfSignedDir != "":
		cert, caFile, err = mockorg.SelfSignedCertificate(selfSignedDir)
	case certFile == "" && keyFile == "":
		return nil, "", nil
	case certFile == "" || keyFile == "":
		return nil, "", errors.New("--tls-cert and --tls-key go together")
	default:
		cert, err = tls.LoadX509KeyPair(certFile, keyFile)
	}
	if err != nil {
		return nil, "", fmt.Errorf("TLS certificate: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, caFile, nil
}
