package main

import "github.com/liftcdk/lift/runtime/cache"

// backends links the L2 tier this function is bound to.
func backends() []cache.Option { return nil }
