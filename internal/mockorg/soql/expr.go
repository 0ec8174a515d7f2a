package soql

import (
	"fmt"
	"strconv"
	"strings"
)

type (
	andExpr   []Expr
	orExpr    []Expr
	notExpr   struct{ inner Expr }
	parenExpr struct{ inner Expr }
	cmpExpr   struct {
		field, op string
		value     any
	}
	inExpr struct {
		field   string
		negated bool
		values  []any
	}
	likeExpr struct{ field, pattern string }
)

func (e andExpr) eval(get Getter) (bool, error) {
	for _, t := range e {
		if ok, err := t.eval(get); err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

func (e orExpr) eval(get Getter) (bool, error) {
	for _, t := range e {
		if ok, err := t.eval(get); err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

func (e notExpr) eval(get Getter) (bool, error) {
	ok, err := e.inner.eval(get)
	return !ok && err == nil, err
}

func (e parenExpr) eval(get Getter) (bool, error) { return e.inner.eval(get) }

func (e cmpExpr) eval(get Getter) (bool, error) {
	v, err := lookup(get, e.field)
	if err != nil {
		return false, err
	}
	if v == nil || e.value == nil {
		equal := v == nil && e.value == nil
		switch e.op {
		case "=":
			return equal, nil
		case "!=":
			return !equal, nil
		}
		return false, nil
	}
	c, ok := compareValues(v, e.value)
	if !ok {
		return false, typeMismatch(e.field, v)
	}
	switch e.op {
	case "=":
		return c == 0, nil
	case "!=":
		return c != 0, nil
	case "<":
		return c < 0, nil
	case "<=":
		return c <= 0, nil
	case ">":
		return c > 0, nil
	default: // ">="
		return c >= 0, nil
	}
}

func (e inExpr) eval(get Getter) (bool, error) {
	v, err := lookup(get, e.field)
	if err != nil {
		return false, err
	}
	found := false
	for _, want := range e.values {
		if v == nil || want == nil {
			found = found || v == nil && want == nil
			continue
		}
		c, ok := compareValues(v, want)
		if !ok {
			return false, typeMismatch(e.field, v)
		}
		found = found || c == 0
	}
	return found != e.negated, nil
}

func (e likeExpr) eval(get Getter) (bool, error) {
	v, err := lookup(get, e.field)
	if err != nil || v == nil {
		return false, err
	}
	s, ok := v.(string)
	if !ok {
		return false, &Error{Code: CodeInvalidField, Message: fmt.Sprintf("invalid operator on field '%s': LIKE applies to text fields only", e.field)}
	}
	return like(strings.ToLower(s), strings.ToLower(e.pattern)), nil
}

// like matches SOQL LIKE patterns: % any run, _ one character, a backslash makes the next one
// literal. It backtracks only to the last %, so it runs in O(len(s)*len(pattern)) at worst.
func like(s, pattern string) bool {
	type elem struct {
		wildcard byte // '%', '_' or 0 for a literal
		c        byte
	}
	elems := make([]elem, 0, len(pattern))
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; {
		case c == '\\' && i+1 < len(pattern):
			i++
			elems = append(elems, elem{c: pattern[i]})
		case c == '%' || c == '_':
			elems = append(elems, elem{wildcard: c})
		default:
			elems = append(elems, elem{c: c})
		}
	}
	si, pi, star, mark := 0, 0, -1, 0
	for si < len(s) {
		switch {
		case pi < len(elems) && elems[pi].wildcard == '%':
			star, mark = pi, si
			pi++
		case pi < len(elems) && (elems[pi].wildcard == '_' || elems[pi].wildcard == 0 && elems[pi].c == s[si]):
			si++
			pi++
		case star >= 0:
			mark++
			si, pi = mark, star+1
		default:
			return false
		}
	}
	for pi < len(elems) && elems[pi].wildcard == '%' {
		pi++
	}
	return pi == len(elems)
}

func lookup(get Getter, field string) (any, error) {
	v, ok := get(field)
	if !ok {
		return nil, &Error{Code: CodeInvalidField, Message: fmt.Sprintf("No such column '%s'", field)}
	}
	return v, nil
}

func typeMismatch(field string, v any) error {
	kind := "text"
	switch v.(type) {
	case bool:
		kind = "boolean"
	case float64, float32, int, int64, int32:
		kind = "number"
	}
	return &Error{Code: CodeInvalidField, Message: fmt.Sprintf("value of filter criterion for field '%s' must be of type %s", field, kind)}
}

// compareValues compares two non-nil values of the same kind; text compares case-insensitively,
// as SOQL does. ok is false when the kinds differ.
func compareValues(a, b any) (int, bool) {
	if af, ok := number(a); ok {
		bf, ok := number(b)
		if !ok {
			return 0, false
		}
		switch {
		case af < bf:
			return -1, true
		case af > bf:
			return 1, true
		}
		return 0, true
	}
	switch av := a.(type) {
	case string:
		bv, ok := b.(string)
		if !ok {
			return 0, false
		}
		return strings.Compare(strings.ToLower(av), strings.ToLower(bv)), true
	case bool:
		bv, ok := b.(bool)
		if !ok {
			return 0, false
		}
		switch {
		case av == bv:
			return 0, true
		case !av:
			return -1, true
		}
		return 1, true
	}
	return 0, false
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case int32:
		return float64(n), true
	}
	return 0, false
}

func (e andExpr) fields(add func(string)) {
	for _, t := range e {
		t.fields(add)
	}
}

func (e orExpr) fields(add func(string)) {
	for _, t := range e {
		t.fields(add)
	}
}
func (e notExpr) fields(add func(string))   { e.inner.fields(add) }
func (e parenExpr) fields(add func(string)) { e.inner.fields(add) }
func (e cmpExpr) fields(add func(string))   { add(e.field) }
func (e inExpr) fields(add func(string))    { add(e.field) }
func (e likeExpr) fields(add func(string))  { add(e.field) }

func (e andExpr) String() string   { return join(e, " AND ") }
func (e orExpr) String() string    { return join(e, " OR ") }
func (e notExpr) String() string   { return "NOT " + e.inner.String() }
func (e parenExpr) String() string { return "(" + e.inner.String() + ")" }
func (e cmpExpr) String() string   { return e.field + " " + e.op + " " + literal(e.value) }
func (e likeExpr) String() string  { return e.field + " LIKE " + quoteKeepingWildcards(e.pattern) }
func (e inExpr) String() string {
	parts := make([]string, len(e.values))
	for i, v := range e.values {
		parts[i] = literal(v)
	}
	op := " IN ("
	if e.negated {
		op = " NOT IN ("
	}
	return e.field + op + strings.Join(parts, ", ") + ")"
}

func join(terms []Expr, sep string) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = t.String()
	}
	return strings.Join(parts, sep)
}

func literal(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		return quote(x)
	}
	return fmt.Sprint(v)
}

var quoter = strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`, "\r", `\r`, "\t", `\t`, "\b", `\b`, "\f", `\f`)

func quote(s string) string { return "'" + quoter.Replace(s) + "'" }

// quoteKeepingWildcards quotes a LIKE pattern whose backslash escapes are already in place.
func quoteKeepingWildcards(p string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(p); i++ {
		if p[i] == '\\' && i+1 < len(p) {
			b.WriteString(p[i : i+2])
			i++
			continue
		}
		b.WriteString(quoter.Replace(p[i : i+1]))
	}
	b.WriteByte('\'')
	return b.String()
}
