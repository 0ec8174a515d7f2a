package soql

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

type tokenKind int

const (
	tokEOF tokenKind = iota
	tokIdent
	tokString
	tokNumber
	tokOp    // = != <> < <= > >=
	tokPunct // ( ) ,
)

type token struct {
	kind tokenKind
	text string // identifiers and operators as written; strings unescaped
	pos  int    // byte offset, for messages
}

// keyword reports whether t is the identifier kw, ignoring case as SOQL does.
func (t token) keyword(kw string) bool { return t.kind == tokIdent && strings.EqualFold(t.text, kw) }

func (t token) describe() string {
	if t.kind == tokEOF {
		return "<EOF>"
	}
	if t.kind == tokString {
		return "'" + t.text + "'"
	}
	return t.text
}

func lex(q string) ([]token, error) {
	var toks []token
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case isIdentStart(c):
			j := i + 1
			for j < len(q) && (isIdentStart(q[j]) || isDigit(q[j]) || q[j] == '.') {
				j++
			}
			toks = append(toks, token{tokIdent, q[i:j], i})
			i = j
		case isDigit(c) || (c == '-' || c == '.') && i+1 < len(q) && isDigit(q[i+1]):
			j := i + 1
			for j < len(q) && (isDigit(q[j]) || q[j] == '.') {
				j++
			}
			toks = append(toks, token{tokNumber, q[i:j], i})
			i = j
		case c == '\'':
			s, n, err := readString(q[i:])
			if err != nil {
				return nil, malformed(i, err.Error())
			}
			toks = append(toks, token{tokString, s, i})
			i += n
		case c == '(' || c == ')' || c == ',':
			toks = append(toks, token{tokPunct, string(c), i})
			i++
		case c == '=':
			toks = append(toks, token{tokOp, "=", i})
			i++
		case c == '!' && i+1 < len(q) && q[i+1] == '=':
			toks = append(toks, token{tokOp, "!=", i})
			i += 2
		case c == '<' || c == '>':
			op := string(c)
			if i+1 < len(q) && (q[i+1] == '=' || c == '<' && q[i+1] == '>') {
				op += string(q[i+1])
			}
			toks = append(toks, token{tokOp, op, i})
			i += len(op)
		default:
			r, _ := utf8.DecodeRuneInString(q[i:])
			return nil, malformed(i, fmt.Sprintf("unexpected character '%c'", r))
		}
	}
	return append(toks, token{kind: tokEOF, pos: len(q)}), nil
}

// readString reads a single-quoted literal with SOQL's backslash escapes. \\, \% and \_ stay
// escaped (backslash kept) so that LIKE can tell a literal percent sign from a wildcard; value()
// unescapes them for every other use.
func readString(s string) (string, int, error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'':
			return b.String(), i + 1, nil
		case '\\':
			if i+1 >= len(s) {
				return "", 0, fmt.Errorf("unterminated escape sequence")
			}
			i++
			switch e := s[i]; e {
			case '\'', '"':
				b.WriteByte(e)
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case '%', '_', '\\':
				b.WriteByte('\\')
				b.WriteByte(e)
			case 'u':
				if i+4 >= len(s) {
					return "", 0, fmt.Errorf("invalid unicode escape")
				}
				var r rune
				if _, err := fmt.Sscanf(s[i+1:i+5], "%04x", &r); err != nil {
					return "", 0, fmt.Errorf("invalid unicode escape \\u%s", s[i+1:i+5])
				}
				b.WriteRune(r)
				i += 4
			default:
				return "", 0, fmt.Errorf("invalid escape sequence \\%c", e)
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, fmt.Errorf("unterminated string literal")
}

func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
