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
// be, so a bad field fails here with the same error. A field reached through relationships is a
// join column of a column named after the last of them, itself a join column of the one before:
// Parent.Profile.Name is Parent → Profile → Name, as the Salesforce CLI walks them. COUNT()
// selects no column.
func (s *Server) queryColumns(c *restCall, text string) {
	var out columnsAnswer
	aerr := s.viewAs(c.caller, func(st *state, _ *user) *apiError {
		q, t, paths, aerr := resolveQuery(st, text)
		if aerr != nil {
			return aerr
		}
		out = columnsAnswer{ColumnMetadata: []columnMetadata{}, EntityName: t.name, KeyPrefix: t.prefix}
		for _, p := range selectedPaths(q, paths) {
			out.IDSelected = out.IDSelected || (len(p.rels) == 0 && p.field.name == "Id")
			columns, prefix := &out.ColumnMetadata, ""
			for _, rel := range p.rels {
				prefix += rel.name
				columns = &joinColumn(columns, rel, prefix).JoinColumns
				prefix += "."
			}
			*columns = append(*columns, fieldColumn(p.field, p.canonical))
		}
		return nil
	})
	if aerr != nil {
		writeRESTErr(c.w, aerr)
		return
	}
	writeJSON(c.w, http.StatusOK, out)
}

// joinColumn returns the column of relationship rel among columns, added on first use;
// displayName is the relationship's path from the queried object.
func joinColumn(columns *[]columnMetadata, rel relationship, displayName string) *columnMetadata {
	for i := range *columns {
		if c := &(*columns)[i]; c.ColumnName == rel.name && c.ApexType == rel.target {
			return c
		}
	}
	*columns = append(*columns, columnMetadata{ApexType: rel.target, ColumnName: rel.name, DisplayName: displayName,
		JoinColumns: []columnMetadata{}})
	return &(*columns)[len(*columns)-1]
}
