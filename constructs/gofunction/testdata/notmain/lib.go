// Package notmain is a library, which gofunction must refuse as an Entry.
package notmain

// Answer is here so the package is not empty.
const Answer = 42
