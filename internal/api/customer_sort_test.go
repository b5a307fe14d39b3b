package api_test

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"pulse/internal/store"
	"pulse/internal/storetest"
)

// sortSpec is a generated customer and what its sort keys must be,
// computed here rather than read back.
type sortSpec struct {
	id       string
	created  time.Time
	revenue  int64 // cents
	last     int64 // microseconds; -1 without paid purchases
	even     bool
	profile  bool
	events   []obj
	excluded bool // erased
}

// sortCustomers makes 24 customers with many ties in every sort key:
// created_at in four groups, revenues that coincide, last purchases on the
// same instants, some without purchases, one known only from purchases,
// one with a refunded latest purchase, and one erased.
func sortCustomers() []*sortSpec {
	base := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	var out []*sortSpec
	for i := range 24 {
		c := &sortSpec{id: fmt.Sprintf("c%02d", i), created: base.Add(time.Duration(i%4) * time.Hour),
			last: -1, even: i%2 == 0, profile: i != 23, excluded: i == 7}
		if c.profile {
			c.events = append(c.events, customerEv(c.id, obj{"name": fmt.Sprint("Customer ", i),
				"created_at": c.created.Format(time.RFC3339)}))
		}
		if i%5 != 0 {
			n, amount := int64(i%3+1), int64(10*(i%4+1))
			lastAt := base.AddDate(0, 0, 10+i%4).Add(12 * time.Hour)
			for j := range n {
				at := lastAt.Add(-time.Duration(j) * 24 * time.Hour)
				c.events = append(c.events, purchaseEv(fmt.Sprintf("%s-%d", c.id, j), c.id,
					fmt.Sprintf("%d.00", amount), at.Format(time.RFC3339), nil))
				if !c.profile {
					c.created = at // the earliest purchase dates a customer without a profile
				}
			}
			c.revenue, c.last = n*amount*100, lastAt.UnixMicro()
		}
		if i%7 == 3 {
			late := purchaseEv(c.id+"-late", c.id, "99.00", base.AddDate(0, 0, 20).Format(time.RFC3339), nil)
			c.events = append(c.events, late, refundEv(late, base.AddDate(0, 0, 21).Format(time.RFC3339)))
		}
		out = append(out, c)
	}
	return out
}

// expectOrder sorts specs as the API promises: by the key, then by id in
// the same direction.
func expectOrder(specs []*sortSpec, sort string, keep func(*sortSpec) bool) []string {
	key := map[string]func(*sortSpec) int64{
		"created_at":        func(c *sortSpec) int64 { return c.created.UnixMicro() },
		"-created_at":       func(c *sortSpec) int64 { return c.created.UnixMicro() },
		"-revenue":          func(c *sortSpec) int64 { return c.revenue },
		"-last_purchase_at": func(c *sortSpec) int64 { return c.last },
	}[sort]
	var kept []*sortSpec
	for _, c := range specs {
		if !c.excluded && keep(c) {
			kept = append(kept, c)
		}
	}
	dir := 1
	if strings.HasPrefix(sort, "-") {
		dir = -1
	}
	slices.SortFunc(kept, func(a, b *sortSpec) int {
		return dir * cmp.Or(cmp.Compare(key(a), key(b)), strings.Compare(a.id, b.id))
	})
	ids := make([]string, len(kept))
	for i, c := range kept {
		ids[i] = c.id
	}
	return ids
}

func TestCustomerListSortsPageWithoutGapsOrDuplicates(t *testing.T) {
	t.Parallel()
	specs := sortCustomers()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newCRMShop(t, db)
		app := s.a.do("POST", "/api/v1/apps", obj{"name": "Sorts"}).str("id")
		key := s.a.do("POST", "/api/v1/apps/"+app+"/keys", obj{"scope": "full"}).str("key")
		var events []obj
		for _, c := range specs {
			events = append(events, c.events...)
		}
		loadBatch(t, s.h, key, events...)
		for _, c := range specs {
			if c.even && !c.excluded {
				keyReq(s.h, key, "PUT", custPath(c.id, "tags"), obj{"tags": []string{"even"}})
			}
			if c.excluded {
				if r := keyReq(s.h, key, "DELETE", custPath(c.id), nil); r.status != 204 {
					t.Fatalf("erase %s: %d", c.id, r.status)
				}
			}
		}
		all := func(*sortSpec) bool { return true }
		filters := []struct {
			query string
			keep  func(*sortSpec) bool
		}{
			{"", all},
			{"q=c1", func(c *sortSpec) bool { return strings.HasPrefix(c.id, "c1") }},
			{"tag=even", func(c *sortSpec) bool { return c.even }},
		}
		for _, sort := range []string{"created_at", "-created_at", "-revenue", "-last_purchase_at"} {
			for _, f := range filters {
				want := expectOrder(specs, sort, f.keep)
				for _, limit := range []int{1, 2, 5, 7, 500} {
					path := "/api/v1/customers?sort=" + sort + "&" + f.query
					rows := walkPages(t, s.h, key, path, limit, byID)
					sameIDs(t, fmt.Sprintf("%s, %d per page", path, limit), rowIDs(rows), want)
				}
			}
		}
		// The default is created_at.
		rows := walkPages(t, s.h, key, "/api/v1/customers", 4, byID)
		sameIDs(t, "default order", rowIDs(rows), expectOrder(specs, "created_at", all))
	})
}
