package forecast

import (
	"runtime"
	"sync"
)

// parallelFor calls f(0..n-1) on up to GOMAXPROCS goroutines. Callers
// write results by index and combine them in index order afterwards, so
// the outcome does not depend on scheduling.
func parallelFor(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				f(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
