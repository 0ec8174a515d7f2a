// Package codeshape holds tests of the code's shape that no compiler checks.
package codeshape

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// maxFunctionLines is how long a function may be: about a screen, so it is read without scrolling
// (CONTRIBUTING.md).
const maxFunctionLines = 80

// TestNoLongFunctions fails for each function or method outside tests longer than
// maxFunctionLines, counted from the line of func to the line of its closing brace.
func TestNoLongFunctions(t *testing.T) {
	root := moduleRoot(t)
	long := longFunctions(t, root)
	for _, l := range long {
		t.Errorf("%s is %d lines; split it to at most %d (by concern, record type or HTTP method)", l.where, l.lines, maxFunctionLines)
	}
}

type longFunction struct {
	where string
	lines int
}

// longFunctions parses every non-test Go file of the module and returns the functions over the
// limit. Folders no Go build reads (node_modules of the client tests, git's, testdata) are skipped.
func longFunctions(t *testing.T, root string) []longFunction {
	t.Helper()
	var long []longFunction
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (name == "node_modules" || name == "testdata" || strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			lines := fset.Position(fn.End()).Line - fset.Position(fn.Pos()).Line + 1
			if lines > maxFunctionLines {
				long = append(long, longFunction{fmt.Sprintf("%s:%d %s", filepath.ToSlash(rel), fset.Position(fn.Pos()).Line, funcName(fn)), lines})
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(long, func(i, j int) bool { return long[i].where < long[j].where })
	return long
}

// funcName is "name" or "(Receiver).name".
func funcName(fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return fn.Name.Name
	}
	recv := fn.Recv.List[0].Type
	if star, ok := recv.(*ast.StarExpr); ok {
		recv = star.X
	}
	if idx, ok := recv.(*ast.IndexExpr); ok {
		recv = idx.X
	}
	if id, ok := recv.(*ast.Ident); ok {
		return "(" + id.Name + ")." + fn.Name.Name
	}
	return fn.Name.Name
}

// moduleRoot is the directory holding go.mod, two levels above this file.
func moduleRoot(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the test's source file")
	}
	return filepath.Join(filepath.Dir(file), "..", "..")
}
