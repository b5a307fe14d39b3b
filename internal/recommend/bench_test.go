package recommend

import (
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
)

// The scale the package is built for: an app with 100,000 customers, 5,000
// products and a million orders over two years. Customers lean to one of
// 50 groups of 100 products; a few order far more often than most.
const (
	benchCustomers = 100_000
	benchProducts  = 5_000
	benchOrders    = 1_000_000
	benchDays      = 730
)

var bench = sync.OnceValue(func() []Purchase {
	r := rand.New(rand.NewPCG(1, 2))
	products := make([]string, benchProducts)
	for i := range products {
		products[i] = "p" + strconv.Itoa(i)
	}
	customers := make([]string, benchCustomers)
	for i := range customers {
		customers[i] = "c" + strconv.Itoa(i)
	}
	global := rand.NewZipf(r, 1.1, 10, benchProducts-1)
	inGroup := rand.NewZipf(r, 1.1, 5, 99)
	ps := make([]Purchase, benchOrders)
	for i := range ps {
		// u² crowds the orders onto the first customers: heavy buyers.
		u := r.Float64()
		c := int(u * u * benchCustomers)
		group := (c * 7919) % 50
		n := 1 + r.IntN(3)*r.IntN(2)
		items := make([]string, 0, n)
		for range n {
			j := int(global.Uint64())
			if r.Float64() < 0.5 {
				j = group*100 + int(inGroup.Uint64())
			}
			items = append(items, products[j])
		}
		ps[i] = Purchase{Customer: customers[c], Day: int64(r.IntN(benchDays)), Products: items}
	}
	return ps
})

func BenchmarkFit(b *testing.B) {
	ps := bench()
	b.ReportAllocs()
	for b.Loop() {
		Fit(ps, Options{})
	}
}

func BenchmarkNext(b *testing.B) {
	m := Fit(bench(), Options{})
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.Next("c"+strconv.Itoa(i%benchCustomers), 10)
		i += 7
	}
}

func BenchmarkEvaluate(b *testing.B) {
	ps := bench()
	b.ReportAllocs()
	for b.Loop() {
		Evaluate(ps, benchDays-90, 10, Options{})
	}
}
