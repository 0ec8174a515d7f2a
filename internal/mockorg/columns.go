package mockorg

import "net/http"

// columnsAnswer is the answer of GET /query?q=SOQL&columns=true: the columns a query would return,
// not its records. Salesforce does not document this variant; the Developer Console and the
// Salesforce CLI's `sf data query` (plugin-data's retrieveColumns) call it to lay out results, and
// the shape below is the one those clients read (SALESFORCE.md, Query column metadata).
type columnsAnswer struct {
	ColumnMetadata []columnMetadata `json:"columnMetadata"`
	EntityName     string           `json:"entityName"`
	GroupBy        bool             `json:"groupBy"`
	IDSelected     bool             `json:"idSelected"`
	KeyPrefix      string           `json:"keyPrefix"`
}

type columnMetadata struct {
	Aggregate      bool             `json:"aggregate"`
	ApexType       string           `json:"apexType"`
	BooleanType    bool             `json:"booleanType"`
	ColumnName     string           `json:"columnName"`
	Custom         bool             `json:"custom"`
	DisplayName    string           `json:"displayName"`
	ForeignKeyName *string          `json:"foreignKeyName"`
	Insertable     bool             `json:"insertable"`
	JoinColumns    []columnMetadata `json:"joinColumns"`
	NumberType     bool             `json:"numberType"`
	TextType       bool             `json:"textType"`
	Updatable      bool             `json:"updatable"`
}

var apexTypes = map[fieldKind]string{kindString: "String", kindBool: "Boolean", kindID: "Id", kindDateTime: "Datetime", kindInt: "Integer"}

func fieldColumn(f fieldDef, displayName string) columnMetadata {
	return columnMetadata{ApexType: apexTypes[f.kind], ColumnName: f.name, DisplayName: displayName,
		BooleanType: f.kind == kindBool, NumberType: f.kind == kindInt, TextType: f.kind == kindString,
		Insertable: f.createable, Updatable: f.updateable, JoinColumns: []columnMetadata{}}
}

// queryColumns answers the columns variant. The statement is checked as the query itself would
// be, so a bad field fails here with the same error. Fields reached through one relationship are
// the join columns of a column named after it; COUNT() selects no column.
func (s *Server) queryColumns(c *restCall, text string) {
	var out columnsAnswer
	aerr := s.viewAs(c.caller, func(st *state, _ *user) *apiError {
		q, t, paths, aerr := resolveQuery(st, text)
		if aerr != nil {
			return aerr
		}
		out = columnsAnswer{ColumnMetadata: []columnMetadata{}, EntityName: t.name, KeyPrefix: t.prefix}
		joins := map[string]int{}
		for _, p := range selectedPaths(q, paths) {
			if p.rel == nil {
				out.IDSelected = out.IDSelected || p.field.name == "Id"
				out.ColumnMetadata = append(out.ColumnMetadata, fieldColumn(p.field, p.field.name))
				continue
			}
			i, ok := joins[p.rel.name]
			if !ok {
				i = len(out.ColumnMetadata)
				joins[p.rel.name] = i
				out.ColumnMetadata = append(out.ColumnMetadata, columnMetadata{ApexType: p.rel.target,
					ColumnName: p.rel.name, DisplayName: p.rel.name, JoinColumns: []columnMetadata{}})
			}
			parent := &out.ColumnMetadata[i]
			parent.JoinColumns = append(parent.JoinColumns, fieldColumn(p.field, p.canonical))
		}
		return nil
	})
	if aerr != nil {
		writeRESTErr(c.w, aerr)
		return
	}
	writeJSON(c.w, http.StatusOK, out)
}
