package assoc

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ReadBaskets reads basket-format text, as arules' read.transactions with
// format "basket" and sep ",": one basket per line, item labels separated
// by commas. Labels are kept byte for byte, spaces included (the published
// Groceries data has both "cream cheese " and "roll products " with a
// trailing space); only the line ending ("\n" or "\r\n") is removed. There
// is no quoting, so a label cannot hold a comma. Empty labels (",,", a
// trailing comma) are skipped; a blank line is a basket with no items,
// which still counts toward the number of baskets N. Items are
// numbered in order of first appearance: names[i] is item i. A label
// repeated on a line stays repeated in the basket; Mine counts it once.
func ReadBaskets(r io.Reader) (names []string, baskets [][]int, err error) {
	index := map[string]int{}
	br := bufio.NewReader(r)
	for {
		line, rerr := br.ReadString('\n')
		if rerr != nil && !errors.Is(rerr, io.EOF) {
			return nil, nil, fmt.Errorf("assoc.ReadBaskets: line %d: %w", len(baskets)+1, rerr)
		}
		if line == "" && rerr != nil {
			break
		}
		line = strings.TrimSuffix(line, "\n")
		line = strings.TrimSuffix(line, "\r")
		basket := []int{}
		for label := range strings.SplitSeq(line, ",") {
			if label == "" {
				continue
			}
			id, ok := index[label]
			if !ok {
				id = len(names)
				index[label] = id
				names = append(names, label)
			}
			basket = append(basket, id)
		}
		baskets = append(baskets, basket)
		if rerr != nil {
			break
		}
	}
	return names, baskets, nil
}
