// Command hello is the smallest main package gofunction tests build.
package main

import "fmt"

func main() { fmt.Println("hello") }
