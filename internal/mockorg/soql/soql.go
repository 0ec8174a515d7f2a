// Package soql parses and evaluates the subset of SOQL that mockorg serves at
// /services/data/vXX.X/query: SELECT fields (relationship paths included) or COUNT() FROM one
// object, WHERE with comparisons, IN, LIKE, AND, OR, NOT and parentheses, ORDER BY with NULLS
// FIRST/LAST, LIMIT and OFFSET. It is pure: the server supplies the records through a Getter.
package soql

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxLength is Salesforce's limit on the length of a SOQL statement.
const MaxLength = 100_000

// maxDepth bounds the nesting of parentheses and NOT, so that no input can exhaust the stack.
const maxDepth = 64

// Error codes, as Salesforce's REST API reports them.
const (
	CodeMalformedQuery = "MALFORMED_QUERY"
	CodeInvalidField   = "INVALID_FIELD"
)

// Error is a query error in Salesforce's terms.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func malformed(pos int, msg string) *Error {
	return &Error{Code: CodeMalformedQuery, Message: fmt.Sprintf("%s at position %d", msg, pos+1)}
}

// Query is a parsed SELECT statement. Limit and Offset are -1 when absent.
type Query struct {
	Fields  []string
	Count   bool
	Object  string
	Where   Expr
	OrderBy []OrderItem
	Limit   int
	Offset  int
}

// OrderItem is one ORDER BY key.
type OrderItem struct {
	Field     string
	Desc      bool
	NullsLast bool
}

// Getter returns a record's value of a field (or relationship path): string, bool, a number, or
// nil for a null. ok is false when the record has no such field.
type Getter func(field string) (value any, ok bool)

// Expr is a WHERE condition.
type Expr interface {
	eval(get Getter) (bool, error)
	fields(add func(string))
	String() string
}

// Parse parses one SOQL statement.
func Parse(q string) (*Query, error) {
	if len(q) > MaxLength {
		return nil, &Error{Code: CodeMalformedQuery, Message: fmt.Sprintf("query is %d characters long; the limit is %d", len(q), MaxLength)}
	}
	toks, err := lex(q)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	query, err := p.query()
	if err != nil {
		return nil, err
	}
	return query, nil
}

// ReferencedFields lists every field the query names, in SELECT, WHERE and ORDER BY, once each.
func (q *Query) ReferencedFields() []string {
	var out []string
	seen := map[string]bool{}
	add := func(f string) {
		if k := strings.ToLower(f); !seen[k] {
			seen[k] = true
			out = append(out, f)
		}
	}
	for _, f := range q.Fields {
		add(f)
	}
	if q.Where != nil {
		q.Where.fields(add)
	}
	for _, o := range q.OrderBy {
		add(o.Field)
	}
	return out
}

// Match reports whether a record satisfies the WHERE clause (always true without one).
func (q *Query) Match(get Getter) (bool, error) {
	if q.Where == nil {
		return true, nil
	}
	return q.Where.eval(get)
}

// Compare orders two records by the ORDER BY keys: negative when a sorts before b. Nulls sort
// first in ascending and last in descending order unless NULLS FIRST/LAST says otherwise, as in
// Salesforce; text compares case-insensitively.
func (q *Query) Compare(a, b Getter) int {
	for _, o := range q.OrderBy {
		av, _ := a(o.Field)
		bv, _ := b(o.Field)
		if c := compareForOrder(av, bv, o); c != 0 {
			return c
		}
	}
	return 0
}

func compareForOrder(a, b any, o OrderItem) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil || b == nil:
		if (a == nil) == o.NullsLast {
			return 1
		}
		return -1
	}
	c, ok := compareValues(a, b)
	if !ok {
		c = strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
	}
	if o.Desc {
		return -c
	}
	return c
}

// String renders the query in a canonical form that parses back to the same query.
func (q *Query) String() string {
	var b strings.Builder
	b.WriteString("SELECT ")
	if q.Count {
		b.WriteString("COUNT()")
	} else {
		b.WriteString(strings.Join(q.Fields, ", "))
	}
	b.WriteString(" FROM " + q.Object)
	if q.Where != nil {
		b.WriteString(" WHERE " + q.Where.String())
	}
	for i, o := range q.OrderBy {
		if i == 0 {
			b.WriteString(" ORDER BY ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(o.Field)
		if o.Desc {
			b.WriteString(" DESC")
		} else {
			b.WriteString(" ASC")
		}
		if o.NullsLast {
			b.WriteString(" NULLS LAST")
		} else {
			b.WriteString(" NULLS FIRST")
		}
	}
	if q.Limit >= 0 {
		b.WriteString(" LIMIT " + strconv.Itoa(q.Limit))
	}
	if q.Offset >= 0 {
		b.WriteString(" OFFSET " + strconv.Itoa(q.Offset))
	}
	return b.String()
}

// Equality is a condition "Field = 'text'" that every matching record meets.
type Equality struct {
	Field, Value string
}

// Equalities lists the WHERE clause's text equalities that hold for every match: the clause itself
// or the terms of its top-level AND, parentheses aside. A caller with an index on one of the fields
// can narrow the records it tests with Match to those the index gives for that value.
func (q *Query) Equalities() []Equality {
	var out []Equality
	var visit func(e Expr)
	visit = func(e Expr) {
		switch e := e.(type) {
		case parenExpr:
			visit(e.inner)
		case andExpr:
			for _, t := range e {
				visit(t)
			}
		case cmpExpr:
			if s, ok := e.value.(string); ok && e.op == "=" {
				out = append(out, Equality{Field: e.field, Value: s})
			}
		}
	}
	if q.Where != nil {
		visit(q.Where)
	}
	return out
}
