// Command broken does not compile: gofunction must fail the synth with the
// compiler's output.
package main

func main() {
	undefinedFunction()
}
