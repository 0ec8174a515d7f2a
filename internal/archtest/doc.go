// Package archtest holds the tests that keep the module's shape: the dependency direction
// between its packages and the ARCHITECTURE.md headings that code and documents cite
// (ARCHITECTURE.md, Dependency direction). It has no code of its own.
package archtest
