// Command inventory is the multiservice example's provider: it answers stock
// queries. orders finds it through Cloud Map and invokes its "live" alias.
package main

import "github.com/liftcdk/lift/runtime/lift"

func main() {
	s := newStock(seedStock())
	lift.Start(s.Handle,
		lift.WithHealthCheck("stock", s.Check),
	)
}
