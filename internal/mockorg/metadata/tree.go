package metadata

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Bounds on what Decode accepts. Real requests are a few kilobytes: ten components of a few dozen
// elements each. The bounds keep a hostile body from costing more than a few megabytes of memory.
const (
	// MaxRequestBytes is the largest body Decode reads; a larger one is an EXCEEDED_MAX_SIZE_REQUEST
	// fault. The handler should cap the body at the same size (http.MaxBytesReader).
	MaxRequestBytes = 4 << 20
	maxDepth        = 32
	maxElements     = 20000
)

// element is one node of the parsed envelope. encoding/xml resolves element and attribute names to
// namespace URIs but not QName values such as xsi:type="met:ConnectedApp", so each element keeps the
// prefix bindings in scope.
type element struct {
	name     xml.Name
	attrs    []xml.Attr
	scope    *nsScope
	children []*element
	text     []byte
}

type nsScope struct {
	parent   *nsScope
	prefixes map[string]string // "" is the default namespace
}

func newScope(parent *nsScope, attrs []xml.Attr) *nsScope {
	var prefixes map[string]string
	for _, a := range attrs {
		prefix, ok := "", false
		switch {
		case a.Name.Space == "xmlns":
			prefix, ok = a.Name.Local, true
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			ok = true
		}
		if ok {
			if prefixes == nil {
				prefixes = map[string]string{}
			}
			prefixes[prefix] = a.Value
		}
	}
	if prefixes == nil {
		return parent
	}
	return &nsScope{parent: parent, prefixes: prefixes}
}

// resolve returns the namespace URI bound to prefix. An unprefixed name outside any default
// namespace is in no namespace.
func (s *nsScope) resolve(prefix string) (string, bool) {
	for ; s != nil; s = s.parent {
		if uri, ok := s.prefixes[prefix]; ok {
			return uri, true
		}
	}
	return "", prefix == ""
}

// readTree parses one XML document into a tree, refusing DTDs (so no entity can be declared, let
// alone expanded), content outside the root element, and documents beyond the size, depth and
// element-count bounds.
func readTree(r io.Reader) (*element, error) {
	limited := &io.LimitedReader{R: r, N: MaxRequestBytes + 1}
	tooLarge := func() error {
		return NewFault(CodeExceededMaxSizeRequest, fmt.Sprintf("The request exceeds the maximum size of %d bytes", MaxRequestBytes))
	}
	d := xml.NewDecoder(limited)
	var root *element
	var stack []*element
	count := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if limited.N <= 0 {
				return nil, tooLarge()
			}
			return nil, clientFault("The SOAP message is not well-formed XML: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root != nil && len(stack) == 0 {
				return nil, clientFault("The SOAP message has content after the root element")
			}
			if len(stack) >= maxDepth {
				return nil, clientFault("The SOAP message nests elements deeper than %d levels", maxDepth)
			}
			if count++; count > maxElements {
				return nil, clientFault("The SOAP message has more than %d elements", maxElements)
			}
			var parent *nsScope
			if len(stack) > 0 {
				parent = stack[len(stack)-1].scope
			}
			e := &element{name: t.Name, attrs: t.Attr, scope: newScope(parent, t.Attr)}
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				top.children = append(top.children, e)
			} else {
				root = e
			}
			stack = append(stack, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				if len(bytes.TrimSpace(t)) > 0 {
					return nil, clientFault("The SOAP message has text outside the root element")
				}
				continue
			}
			top := stack[len(stack)-1]
			top.text = append(top.text, t...)
		case xml.Directive:
			return nil, clientFault("DOCTYPE is not allowed in a SOAP message")
		}
	}
	if limited.N <= 0 {
		return nil, tooLarge()
	}
	if root == nil {
		return nil, clientFault("The SOAP message is empty: premature end of file")
	}
	return root, nil
}

func qname(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return "{" + n.Space + "}" + n.Local
}

// attr returns the value of the attribute in namespace space. Clients that forget to declare the
// xsi prefix still mean the XML Schema instance namespace, so the bare prefix is accepted for it.
func (e *element) attr(space, local string) (string, bool) {
	for _, a := range e.attrs {
		if a.Name.Local == local && (a.Name.Space == space || (space == XSINamespace && a.Name.Space == "xsi")) {
			return a.Value, true
		}
	}
	return "", false
}

// isNil reports xsi:nil="true", which Salesforce treats as the element being absent.
func (e *element) isNil() bool {
	v, ok := e.attr(XSINamespace, "nil")
	if !ok {
		return false
	}
	b, err := parseBool(v)
	return err == nil && b
}

// resolveQName resolves a QName-valued attribute such as xsi:type="met:ConnectedApp" against the
// prefixes in scope at e.
func (e *element) resolveQName(value string) (xml.Name, bool) {
	value = strings.TrimSpace(value)
	prefix, local, found := cutLast(value, ':')
	if !found {
		prefix, local = "", value
	}
	if local == "" {
		return xml.Name{}, false
	}
	uri, ok := e.scope.resolve(prefix)
	return xml.Name{Space: uri, Local: local}, ok
}

func cutLast(s string, sep byte) (before, after string, found bool) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == sep {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}
