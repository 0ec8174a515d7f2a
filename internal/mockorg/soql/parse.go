package soql

import (
	"fmt"
	"strconv"
	"strings"
)

type parser struct {
	toks  []token
	i     int
	depth int
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *parser) unexpected(t token) *Error {
	return malformed(t.pos, "unexpected token: "+t.describe())
}

func (p *parser) expectKeyword(kw string) error {
	if t := p.next(); !t.keyword(kw) {
		return p.unexpected(t)
	}
	return nil
}

func (p *parser) expectPunct(s string) error {
	if t := p.next(); t.kind != tokPunct || t.text != s {
		return p.unexpected(t)
	}
	return nil
}

var reserved = map[string]bool{
	"select": true, "from": true, "where": true, "order": true, "by": true, "limit": true, "offset": true,
	"and": true, "or": true, "not": true, "in": true, "like": true, "asc": true, "desc": true,
	"nulls": true, "first": true, "last": true, "null": true, "true": true, "false": true,
}

// field reads a field name or relationship path.
func (p *parser) field() (string, error) {
	t := p.next()
	if t.kind != tokIdent || reserved[strings.ToLower(t.text)] || !validPath(t.text) {
		return "", p.unexpected(t)
	}
	return t.text, nil
}

func validPath(s string) bool {
	for _, part := range strings.Split(s, ".") {
		if part == "" || isDigit(part[0]) {
			return false
		}
	}
	return true
}

func (p *parser) query() (*Query, error) {
	q := &Query{Limit: -1, Offset: -1}
	if err := p.expectKeyword("SELECT"); err != nil {
		return nil, err
	}
	if p.peek().keyword("COUNT") {
		p.next()
		if err := p.expectPunct("("); err != nil {
			return nil, err
		}
		if err := p.expectPunct(")"); err != nil {
			return nil, err
		}
		q.Count = true
	} else {
		for {
			f, err := p.field()
			if err != nil {
				return nil, err
			}
			q.Fields = append(q.Fields, f)
			if t := p.peek(); t.kind != tokPunct || t.text != "," {
				break
			}
			p.next()
		}
	}
	if err := p.expectKeyword("FROM"); err != nil {
		return nil, err
	}
	obj, err := p.field()
	if err != nil {
		return nil, err
	}
	if strings.Contains(obj, ".") {
		return nil, malformed(p.toks[p.i-1].pos, "unexpected token: "+obj)
	}
	q.Object = obj
	if p.peek().keyword("WHERE") {
		p.next()
		if q.Where, err = p.condition(); err != nil {
			return nil, err
		}
	}
	if p.peek().keyword("ORDER") {
		p.next()
		if err := p.expectKeyword("BY"); err != nil {
			return nil, err
		}
		if q.OrderBy, err = p.orderBy(); err != nil {
			return nil, err
		}
	}
	if p.peek().keyword("LIMIT") {
		p.next()
		if q.Limit, err = p.count(); err != nil {
			return nil, err
		}
	}
	if p.peek().keyword("OFFSET") {
		p.next()
		if q.Offset, err = p.count(); err != nil {
			return nil, err
		}
	}
	if t := p.next(); t.kind != tokEOF {
		return nil, p.unexpected(t)
	}
	return q, nil
}

func (p *parser) count() (int, error) {
	t := p.next()
	n, err := strconv.Atoi(t.text)
	if t.kind != tokNumber || err != nil || n < 0 {
		return 0, p.unexpected(t)
	}
	return n, nil
}

func (p *parser) orderBy() ([]OrderItem, error) {
	var items []OrderItem
	for {
		f, err := p.field()
		if err != nil {
			return nil, err
		}
		item := OrderItem{Field: f}
		switch {
		case p.peek().keyword("ASC"):
			p.next()
		case p.peek().keyword("DESC"):
			p.next()
			item.Desc = true
		}
		item.NullsLast = item.Desc
		if p.peek().keyword("NULLS") {
			p.next()
			switch t := p.next(); {
			case t.keyword("FIRST"):
				item.NullsLast = false
			case t.keyword("LAST"):
				item.NullsLast = true
			default:
				return nil, p.unexpected(t)
			}
		}
		items = append(items, item)
		if t := p.peek(); t.kind != tokPunct || t.text != "," {
			return items, nil
		}
		p.next()
	}
}

// condition parses a chain of terms joined by AND or OR. Salesforce gives AND no precedence over
// OR: a chain that mixes them without parentheses is rejected, so this parser rejects it too.
func (p *parser) condition() (Expr, error) {
	first, err := p.term()
	if err != nil {
		return nil, err
	}
	terms := []Expr{first}
	connective := ""
	for {
		t := p.peek()
		if !t.keyword("AND") && !t.keyword("OR") {
			break
		}
		op := strings.ToUpper(t.text)
		if connective != "" && op != connective {
			return nil, p.unexpected(t)
		}
		connective = op
		p.next()
		term, err := p.term()
		if err != nil {
			return nil, err
		}
		terms = append(terms, term)
	}
	switch connective {
	case "AND":
		return andExpr(terms), nil
	case "OR":
		return orExpr(terms), nil
	}
	return first, nil
}

func (p *parser) term() (Expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, malformed(p.peek().pos, "conditions are nested too deeply")
	}
	t := p.peek()
	if t.keyword("NOT") {
		p.next()
		inner, err := p.term()
		if err != nil {
			return nil, err
		}
		return notExpr{inner}, nil
	}
	if t.kind == tokPunct && t.text == "(" {
		p.next()
		inner, err := p.condition()
		if err != nil {
			return nil, err
		}
		if err := p.expectPunct(")"); err != nil {
			return nil, err
		}
		return parenExpr{inner}, nil
	}
	return p.comparison()
}

func (p *parser) comparison() (Expr, error) {
	f, err := p.field()
	if err != nil {
		return nil, err
	}
	t := p.next()
	switch {
	case t.kind == tokOp:
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		op := t.text
		if op == "<>" {
			op = "!="
		}
		if v == nil && op != "=" && op != "!=" {
			return nil, malformed(t.pos, "null can only be compared with = or !=")
		}
		return cmpExpr{field: f, op: op, value: v}, nil
	case t.keyword("LIKE"):
		v := p.next()
		if v.kind != tokString {
			return nil, p.unexpected(v)
		}
		return likeExpr{field: f, pattern: v.text}, nil
	case t.keyword("IN"):
		return p.in(f, false)
	case t.keyword("NOT"):
		if err := p.expectKeyword("IN"); err != nil {
			return nil, err
		}
		return p.in(f, true)
	}
	return nil, p.unexpected(t)
}

func (p *parser) in(field string, negated bool) (Expr, error) {
	if err := p.expectPunct("("); err != nil {
		return nil, err
	}
	e := inExpr{field: field, negated: negated}
	for {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		e.values = append(e.values, v)
		t := p.next()
		if t.kind == tokPunct && t.text == ")" {
			return e, nil
		}
		if t.kind != tokPunct || t.text != "," {
			return nil, p.unexpected(t)
		}
	}
}

// value reads a literal: a string (with the escapes only LIKE keeps turned into plain characters), a number, true, false or null.
func (p *parser) value() (any, error) {
	t := p.next()
	switch {
	case t.kind == tokString:
		return strings.NewReplacer(`\\`, `\`, `\%`, "%", `\_`, "_").Replace(t.text), nil
	case t.kind == tokNumber:
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, malformed(t.pos, fmt.Sprintf("invalid number %s", t.text))
		}
		return f, nil
	case t.keyword("true"):
		return true, nil
	case t.keyword("false"):
		return false, nil
	case t.keyword("null"):
		return nil, nil
	}
	return nil, p.unexpected(t)
}
