package metadata

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
)

// Package types and the folders, suffixes and root elements of their files, as the Metadata API
// lays out a zip package. ConnectedAppSettings travels as the Settings member "ConnectedApp".
const (
	PackageTypeConnectedApp = "ConnectedApp"
	PackageTypeSettings     = "Settings"
)

// PackageFolder is where a package type's files live and what they end in.
type PackageFolder struct {
	Type, Directory, Suffix string
}

// PackageFolders are the package types a mock org serves.
var PackageFolders = []PackageFolder{
	{PackageTypeConnectedApp, "connectedApps", "connectedApp"},
	{PackageTypeSettings, "settings", "settings"},
}

// FileName is the path of a component's file in a package, e.g. "connectedApps/X.connectedApp";
// "" for a type a mock org does not serve.
func FileName(packageType, member string) string {
	f, ok := folderOf(packageType)
	if !ok {
		return ""
	}
	return f.Directory + "/" + member + "." + f.Suffix
}

func folderOf(packageType string) (PackageFolder, bool) {
	for _, f := range PackageFolders {
		if f.Type == packageType {
			return f, true
		}
	}
	return PackageFolder{}, false
}

// Limits on a deploy zip, far above any real package of these types, so that a hostile zip costs
// little.
const (
	maxPackageFiles     = 1000
	maxPackageFileBytes = 1 << 20
)

// PackageComponent is one member a package names, with what its file holds.
type PackageComponent struct {
	Type     string // package type: ConnectedApp or Settings
	FullName string
	FileName string
	// Component is the decoded file; nil when Problem says why there is none.
	Component Component
	Problem   string
}

// ReadPackage opens a deploy zip: the package.xml at its root (or in its one top-level folder, as
// retrieve writes without singlePackage) and the file of every member it names, decoded at the
// manifest's version. A "*" member stands for every file in the type's folder. What is wrong with
// one member is its Problem; the error is for a zip that cannot be a package at all.
func ReadPackage(data []byte, v Version) ([]PackageComponent, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("the zip file is not valid: %w", err)
	}
	if len(zr.File) > maxPackageFiles {
		return nil, fmt.Errorf("the zip file has more than %d files", maxPackageFiles)
	}
	files := map[string]*zip.File{}
	root := ""
	for _, f := range zr.File {
		files[f.Name] = f
		if path.Base(f.Name) == "package.xml" && strings.Count(f.Name, "/") <= 1 && (root == "" || f.Name == "package.xml") {
			root = strings.TrimSuffix(f.Name, "package.xml")
		}
	}
	manifest, ok := files[root+"package.xml"]
	if !ok {
		return nil, fmt.Errorf("no package.xml found")
	}
	pkg, err := readZipXML(manifest)
	if err != nil {
		return nil, fmt.Errorf("package.xml: %w", err)
	}
	types, err := decodeManifestTypes(pkg)
	if err != nil {
		return nil, fmt.Errorf("package.xml: %w", err)
	}
	for _, c := range pkg.children {
		if c.name.Local == "version" {
			s, _ := leafText(c)
			if pv, err := ParseVersion(strings.TrimSpace(s)); err == nil {
				v = pv
			}
		}
	}
	var out []PackageComponent
	for _, t := range types {
		for _, member := range expandMembers(t, files, root) {
			out = append(out, readMember(t.Name, member, files, root, v))
		}
	}
	return out, nil
}

// expandMembers replaces a "*" member with the names of the type's files in the zip.
func expandMembers(t PackageTypeMembers, files map[string]*zip.File, root string) []string {
	folder, ok := folderOf(t.Name)
	if !ok || !slices.Contains(t.Members, "*") {
		return t.Members
	}
	var members []string
	for name := range files {
		rest, ok := strings.CutPrefix(name, root+folder.Directory+"/")
		if member, isFile := strings.CutSuffix(rest, "."+folder.Suffix); ok && isFile && !strings.Contains(member, "/") {
			members = append(members, member)
		}
	}
	slices.Sort(members)
	return members
}

func readMember(typ, member string, files map[string]*zip.File, root string, v Version) PackageComponent {
	pc := PackageComponent{Type: typ, FullName: member, FileName: FileName(typ, member)}
	switch {
	case pc.FileName == "":
		pc.Problem = fmt.Sprintf("Unknown type name '%s' specified in package.xml", typ)
		return pc
	case typ == PackageTypeSettings && member != SettingsFullName:
		pc.Problem = fmt.Sprintf("This org serves no %s settings: only the Settings member %s is supported", member, SettingsFullName)
		return pc
	}
	f, ok := files[root+pc.FileName]
	if !ok {
		pc.Problem = fmt.Sprintf("An object '%s' of type %s was named in package.xml, but was not found in zipped directory", member, typ)
		return pc
	}
	e, err := readZipXML(f)
	if err == nil {
		pc.Component, err = decodeFile(e, typ, member, v)
	}
	if err != nil {
		pc.Problem = AsFault(err).FaultString()
	}
	return pc
}

func readZipXML(f *zip.File) (*element, error) {
	if f.UncompressedSize64 > maxPackageFileBytes {
		return nil, fmt.Errorf("%s is larger than %d bytes", f.Name, maxPackageFileBytes)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return readTree(io.LimitReader(rc, maxPackageFileBytes))
}

// decodeFile decodes a component file, whose root element is the metadata type and whose fields
// are those of the SOAP type.
func decodeFile(root *element, typ, member string, v Version) (Component, error) {
	want := TypeConnectedApp
	if typ == PackageTypeSettings {
		want = TypeConnectedAppSettings
	}
	if root.name.Space != Namespace || root.name.Local != want {
		return nil, clientFault("The root element must be {%s}%s, not %s", Namespace, want, qname(root.name))
	}
	if want == TypeConnectedAppSettings {
		s, err := decodeSettings(root, v)
		if err != nil {
			return nil, err
		}
		s.FullName = member
		return s, nil
	}
	a, err := decodeConnectedApp(root, v)
	if err != nil {
		return nil, err
	}
	a.FullName = member
	return a, nil
}

// PackageFile is a component to write into a retrieve zip under its package type.
type PackageFile struct {
	Type      string
	Component Component
}

// WritePackage builds a retrieve zip: package.xml listing the files and a file per component,
// at the root with singlePackage or under "unpackaged/" without, as Salesforce lays them out.
// It returns the zip and the path prefix it used.
func WritePackage(files []PackageFile, v Version, singlePackage bool) ([]byte, string, error) {
	prefix := "unpackaged/"
	if singlePackage {
		prefix = ""
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, content []byte) error {
		w, err := zw.Create(prefix + name)
		if err != nil {
			return err
		}
		_, err = w.Write(content)
		return err
	}
	members := map[string][]string{}
	for _, f := range files {
		name := f.Component.Name()
		members[f.Type] = append(members[f.Type], name)
		e := newFileEncoder(v, f.Component.MetadataType())
		e.componentFields(f.Component, false)
		e.closeFile(f.Component.MetadataType())
		if err := add(FileName(f.Type, name), e.buf.Bytes()); err != nil {
			return nil, "", err
		}
	}
	e := newFileEncoder(v, "Package")
	for _, folder := range PackageFolders {
		if names := members[folder.Type]; len(names) > 0 {
			e.open("types")
			for _, n := range names {
				e.leaf("members", n)
			}
			e.leaf("name", folder.Type)
			e.close("types")
		}
	}
	e.leaf("version", v.String())
	e.closeFile("Package")
	if err := add("package.xml", e.buf.Bytes()); err != nil {
		return nil, "", err
	}
	if err := zw.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), prefix, nil
}

// newFileEncoder starts a package file whose root element is root, indented as Salesforce writes.
func newFileEncoder(v Version, root string) *encoder {
	e := newEncoder(v, "", false)
	e.raw(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	e.raw(`<` + root + ` xmlns="` + Namespace + `">`)
	e.indent = 2
	return e
}

func (e *encoder) closeFile(root string) {
	e.raw("\n</" + root + ">\n")
}
