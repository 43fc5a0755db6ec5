package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"unicode/utf8"

	"github.com/liftcdk/lift/runtime/lift"
)

// maxItemBytes bounds a POST /items body.
const maxItemBytes = 4 << 10

var itemIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

// decodeItem reads a POST /items body and lists every violation, each with
// the JSON Pointer of the field it is about.
func decodeItem(r *http.Request) (Item, []lift.ProblemError) {
	var in struct {
		ID    *string `json:"id"`
		Name  *string `json:"name"`
		Price *int    `json:"priceCents"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, maxItemBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return Item{}, []lift.ProblemError{{Detail: bodyError(err)}}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Item{}, []lift.ProblemError{{Detail: "the body must be one JSON object"}}
	}
	var errs []lift.ProblemError
	switch {
	case in.ID == nil:
		errs = append(errs, lift.ProblemError{Pointer: "/id", Detail: "id is required"})
	case !itemIDPattern.MatchString(*in.ID):
		errs = append(errs, lift.ProblemError{Pointer: "/id", Detail: "id must be 1-40 lowercase letters, digits or '-', starting with a letter or digit"})
	}
	switch {
	case in.Name == nil:
		errs = append(errs, lift.ProblemError{Pointer: "/name", Detail: "name is required"})
	case *in.Name == "" || utf8.RuneCountInString(*in.Name) > 80:
		errs = append(errs, lift.ProblemError{Pointer: "/name", Detail: "name must be 1-80 characters"})
	}
	switch {
	case in.Price == nil:
		errs = append(errs, lift.ProblemError{Pointer: "/priceCents", Detail: "priceCents is required"})
	case *in.Price < 0 || *in.Price > 1_000_000:
		errs = append(errs, lift.ProblemError{Pointer: "/priceCents", Detail: "priceCents must be 0 to 1000000"})
	}
	if len(errs) > 0 {
		return Item{}, errs
	}
	return Item{ID: *in.ID, Name: *in.Name, Price: *in.Price}, nil
}

// bodyError describes a body that is not an item object, without echoing it.
func bodyError(err error) string {
	var tooLarge *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &tooLarge):
		return fmt.Sprintf("the body is larger than %d bytes", maxItemBytes)
	case errors.As(err, &typeErr):
		return fmt.Sprintf("%s must be a %s", typeErr.Field, typeErr.Type)
	case errors.Is(err, io.EOF):
		return "the body is empty: send a JSON object"
	}
	return "the body is not a JSON item object (id, name, priceCents)"
}
