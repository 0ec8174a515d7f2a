package orgapi

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// The Metadata API's SOAP namespaces.
const (
	nsSOAPEnv  = "http://schemas.xmlsoap.org/soap/envelope/"
	nsXSI      = "http://www.w3.org/2001/XMLSchema-instance"
	nsMetadata = "http://soap.sforce.com/2006/04/metadata"
)

// xmlWriter writes elements of the metadata namespace with the met: prefix, the style most SOAP
// clients of the Metadata API use.
type xmlWriter struct{ buf bytes.Buffer }

func (w *xmlWriter) open(name string, attrs ...string) {
	w.buf.WriteString("<met:")
	w.buf.WriteString(name)
	for i := 0; i+1 < len(attrs); i += 2 {
		w.buf.WriteString(" ")
		w.buf.WriteString(attrs[i])
		w.buf.WriteString(`="`)
		xml.EscapeText(&w.buf, []byte(attrs[i+1])) //nolint:errcheck // bytes.Buffer does not fail
		w.buf.WriteString(`"`)
	}
	w.buf.WriteString(">")
}

func (w *xmlWriter) close(name string) {
	w.buf.WriteString("</met:")
	w.buf.WriteString(name)
	w.buf.WriteString(">")
}

func (w *xmlWriter) leaf(name, text string) {
	w.open(name)
	xml.EscapeText(&w.buf, []byte(text)) //nolint:errcheck // bytes.Buffer does not fail
	w.close(name)
}

// leafIf writes the element only when text is not empty.
func (w *xmlWriter) leafIf(name, text string) {
	if text != "" {
		w.leaf(name, text)
	}
}

func (w *xmlWriter) bool(name string, v bool) {
	if v {
		w.leaf(name, "true")
	} else {
		w.leaf(name, "false")
	}
}

// soapEnvelope wraps the call written by body in an envelope whose SessionHeader carries the token.
func soapEnvelope(accessToken, call string, body func(w *xmlWriter)) []byte {
	var w xmlWriter
	w.buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>`)
	w.buf.WriteString(`<soapenv:Envelope xmlns:soapenv="` + nsSOAPEnv + `" xmlns:xsi="` + nsXSI + `" xmlns:met="` + nsMetadata + `">`)
	w.buf.WriteString(`<soapenv:Header>`)
	w.open("SessionHeader")
	w.leaf("sessionId", accessToken)
	w.close("SessionHeader")
	w.buf.WriteString(`</soapenv:Header><soapenv:Body>`)
	w.open(call)
	body(&w)
	w.close(call)
	w.buf.WriteString(`</soapenv:Body></soapenv:Envelope>`)
	return w.buf.Bytes()
}

// xmlNode is a parsed element, addressed by local name only: answers from different servers use
// different prefixes (or none) for the same namespace, and the client must read them all.
type xmlNode struct {
	name  string
	attrs map[string]string // by local name
	text  string
	kids  []*xmlNode
}

func parseXML(data []byte) (*xmlNode, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	root := &xmlNode{}
	stack := []*xmlNode{root}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &xmlNode{name: t.Name.Local, attrs: map[string]string{}}
			for _, a := range t.Attr {
				n.attrs[a.Name.Local] = a.Value
			}
			parent := stack[len(stack)-1]
			parent.kids = append(parent.kids, n)
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			cur := stack[len(stack)-1]
			cur.text += string(t)
		}
	}
	return root, nil
}

// child returns the first child with the local name, or nil.
func (n *xmlNode) child(name string) *xmlNode {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

// children returns every child with the local name.
func (n *xmlNode) children(name string) []*xmlNode {
	if n == nil {
		return nil
	}
	var out []*xmlNode
	for _, k := range n.kids {
		if k.name == name {
			out = append(out, k)
		}
	}
	return out
}

// find returns the first descendant (depth first) with the local name, or nil.
func (n *xmlNode) find(name string) *xmlNode {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
		if f := k.find(name); f != nil {
			return f
		}
	}
	return nil
}

// str returns the trimmed text of the named child, "" when absent.
func (n *xmlNode) str(name string) string {
	if c := n.child(name); c != nil {
		return strings.TrimSpace(c.text)
	}
	return ""
}

// strs returns the trimmed texts of every child with the name.
func (n *xmlNode) strs(name string) []string {
	var out []string
	for _, c := range n.children(name) {
		out = append(out, strings.TrimSpace(c.text))
	}
	return out
}

// boolPtr reads a boolean child; nil when the element is absent.
func (n *xmlNode) boolPtr(name string) *bool {
	c := n.child(name)
	if c == nil {
		return nil
	}
	v := strings.EqualFold(strings.TrimSpace(c.text), "true")
	return &v
}

func (n *xmlNode) isNil() bool {
	return n != nil && strings.EqualFold(n.attrs["nil"], "true")
}

// soapFault is a SOAP fault: its code without the namespace prefix, and its text.
type soapFault struct{ code, message string }

func parseSOAPFault(body []byte) *soapFault {
	if !bytes.Contains(body, []byte("Fault")) {
		return nil
	}
	root, err := parseXML(body)
	if err != nil {
		return nil
	}
	f := root.find("Fault")
	if f == nil {
		return nil
	}
	code := f.str("faultcode")
	if i := strings.LastIndex(code, ":"); i >= 0 {
		code = code[i+1:]
	}
	if ex := f.find("exceptionCode"); ex != nil && code == "" {
		code = strings.TrimSpace(ex.text)
	}
	return &soapFault{code: code, message: f.str("faultstring")}
}

// metadataError is one Error element of a SaveResult, UpsertResult or DeleteResult.
type metadataError struct {
	statusCode, message string
	fields              []string
}

// metadataResult is one result element of a create/update/upsert/delete answer.
type metadataResult struct {
	fullName string
	success  bool
	created  bool
	errors   []metadataError
}

func readMetadataResults(n *xmlNode) []metadataResult {
	var out []metadataResult
	for _, r := range n.children("result") {
		res := metadataResult{
			fullName: r.str("fullName"),
			success:  strings.EqualFold(r.str("success"), "true"),
			created:  strings.EqualFold(r.str("created"), "true"),
		}
		for _, e := range r.children("errors") {
			res.errors = append(res.errors, metadataError{statusCode: e.str("statusCode"), message: e.str("message"), fields: e.strs("fields")})
		}
		out = append(out, res)
	}
	return out
}
