package rollup_test

import (
	"testing"
	"time"

	"pulse/internal/model"
	"pulse/internal/rollup"
)

func TestPurchaseAndRefundDays(t *testing.T) {
	t.Parallel()
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	d := rollup.New(tokyo)
	bought := time.Date(2026, 3, 1, 16, 0, 0, 0, time.UTC) // 01:00 on 2 March in Tokyo
	refunded := time.Date(2026, 3, 5, 1, 0, 0, 0, time.UTC)
	p := &model.Purchase{Amount: 700, PurchasedAt: bought, Status: model.StatusRefunded, RefundedAt: &refunded,
		Items: []model.Item{
			{ProductID: "a", Quantity: 2, Price: 100},
			{Name: "b", Quantity: 1, Price: 300},
			{ProductID: "a", Quantity: 1, Price: 200}, // the same product on another line
		}}
	d.Purchase(p)
	d.Customer(bought, 1)
	sale, refund := int64(20514), int64(20517) // 2026-03-02 and 2026-03-05
	if got := *d.Sales[sale]; got != (rollup.Sales{Orders: 1, Revenue: 700, Units: 4, NewCustomers: 1}) {
		t.Errorf("sale day: %+v", got)
	}
	if got := *d.Sales[refund]; got != (rollup.Sales{Refunds: 1, Refunded: 700}) {
		t.Errorf("refund day: %+v", got)
	}
	a := d.Products[rollup.ProductDay{Day: sale, Product: "a"}]
	if a == nil || *a != (rollup.Product{Orders: 1, Units: 3, Revenue: 400}) {
		t.Errorf("product a merged over two lines: %+v", a)
	}
	b := d.Products[rollup.ProductDay{Day: refund, Product: "b"}]
	if b == nil || *b != (rollup.Product{Refunds: 1, Refunded: 300}) {
		t.Errorf("product b refund: %+v", b)
	}
	if len(d.Sales) != 2 || len(d.Products) != 4 {
		t.Errorf("%d sales days and %d product days, want 2 and 4", len(d.Sales), len(d.Products))
	}
}
