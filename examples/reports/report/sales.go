package report

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"slices"
)

// products is the made-up catalogue the made-up orders draw from.
const products = 20

// sales accumulates a month's orders as Work reads them.
type sales struct {
	seed    uint32
	orders  int
	revenue int64
	sold    [products]int
}

func newSales(month string) *sales {
	h := fnv.New32a()
	h.Write([]byte(month))
	return &sales{seed: h.Sum32()}
}

// read adds the orders of one part of the month: a deterministic function
// of the month and the part, standing in for a query.
func (s *sales) read(part int) {
	x := s.seed ^ uint32(part)*2654435761
	n := 80 + int(x%40)
	for range n {
		x = x*1664525 + 1013904223 // a linear congruential step
		p := int(x>>16) % products
		s.sold[p]++
		s.revenue += int64(250 + 50*p)
	}
	s.orders += n
}

func (s *sales) report(month string, top int) Report {
	all := make([]Product, products)
	for i, n := range s.sold {
		all[i] = Product{SKU: fmt.Sprintf("sku-%02d", i+1), Sold: n}
	}
	slices.SortStableFunc(all, func(a, b Product) int { return cmp.Compare(b.Sold, a.Sold) })
	return Report{Month: month, Orders: s.orders, RevenueCents: s.revenue, TopProducts: all[:min(top, products)]}
}
