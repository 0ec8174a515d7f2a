package mockorg

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// hostPolicy is the set of Host headers the console answers (ARCHITECTURE.md, Console). A web
// page that rebinds its own DNS name to this server's address reaches it with that name in Host
// and, to the browser, the same origin as the page: answering only the names the server is reached
// by on purpose keeps such a page from reading the org's users and recent calls.
type hostPolicy struct {
	names map[string]bool // lower case, without port or brackets
}

// newHostPolicy takes the names Config.AllowedHosts adds to localhost, the loopback addresses and
// the address a request arrives on. An entry with a port, a scheme or a path is refused rather
// than never matching.
func newHostPolicy(allowed []string) (hostPolicy, error) {
	p := hostPolicy{names: map[string]bool{"localhost": true}}
	for _, entry := range allowed {
		name := strings.TrimSuffix(strings.ToLower(strings.Trim(entry, "[]")), ".")
		if addr, err := netip.ParseAddr(name); err == nil {
			name = addr.Unmap().WithZone("").String()
		} else if name == "" || strings.ContainsAny(name, ":/ \t[]") {
			return hostPolicy{}, fmt.Errorf("allowed host %q: give a host name or an IP address, without scheme, port or path (for example mockorg or 192.0.2.10)", entry)
		}
		p.names[name] = true
	}
	return p, nil
}

// allows reports whether r names this server: localhost, a loopback address, the address the
// request arrived on (which covers every interface of a server listening on 0.0.0.0 or [::]), the
// unspecified address itself (the banner's URL for such a server), or an allowed name. The port is
// not compared: a published container port or a proxy changes it, and a rebinding page is told
// apart by its name alone.
func (p hostPolicy) allows(r *http.Request) bool {
	host := hostName(r.Host)
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return p.names[host]
	}
	addr = addr.Unmap().WithZone("")
	return addr.IsLoopback() || addr.IsUnspecified() || addr == localAddrOf(r) || p.names[addr.String()]
}

// localAddrOf is the server address a request arrived on; the zero Addr when the request did not
// come through a listener (a handler called directly).
func localAddrOf(r *http.Request) netip.Addr {
	tcp, ok := r.Context().Value(http.LocalAddrContextKey).(*net.TCPAddr)
	if !ok {
		return netip.Addr{}
	}
	addr, _ := netip.AddrFromSlice(tcp.IP)
	return addr.Unmap().WithZone("")
}

// hostName is a Host header as compared: without port and IPv6 brackets, lower case, without a
// trailing dot.
func hostName(h string) string {
	h = strings.TrimSpace(h)
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	return strings.TrimSuffix(strings.ToLower(h), ".")
}

// refuseHost answers a console request whose Host is not one of the server's names with 421
// Misdirected Request and a plain-text body naming the flag that adds the name.
func (s *Server) refuseHost(w http.ResponseWriter, r *http.Request) {
	s.log.Info("console request refused: its Host is not a name this server answers to", "host", r.Host, "path", r.URL.Path)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusMisdirectedRequest)
	//nolint:gosec // text/plain with nosniff: the echoed Host is never rendered as markup
	fmt.Fprintf(w, "The mockorg console answers only at localhost, a loopback address, the address the server listens on, "+
		"and the names given with --allowed-host; the host %q is none of them.\n"+
		"To open it under that name, start sfaccess-mockorg with --allowed-host %s (mockorg.Config.AllowedHosts when embedded).\n",
		r.Host, hostName(r.Host))
}
