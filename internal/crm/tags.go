package crm

import (
	"context"
	"fmt"
	"strings"

	"pulse/internal/model"
	"pulse/internal/store"
)

// Limits on tags.
const (
	MaxTagLen = 64
	MaxTags   = 50
)

// SetTags replaces the customer's tags with tags, trimmed and without
// duplicates, and returns the customer. A nil tags is a missing field; an
// empty one removes every tag.
func (s *Service) SetTags(ctx context.Context, appID, id string, tags []string) (*model.Customer, error) {
	clean, err := checkTags(tags)
	if err != nil {
		return nil, err
	}
	var out *model.Customer
	err = s.db.InTx(ctx, func(q *store.Queries) error {
		// Serialises with erasure, which deletes tags: a tag written for a
		// customer being erased would outlive it.
		if err := q.LockApps(ctx, []string{appID}); err != nil {
			return err
		}
		if _, err := s.customer(ctx, q, appID, id); err != nil {
			return err
		}
		if err := q.ReplaceTags(ctx, appID, id, clean); err != nil {
			return err
		}
		out, err = s.customer(ctx, q, appID, id)
		return err
	})
	return out, err
}

func checkTags(tags []string) ([]string, error) {
	verr := &model.ValidationError{}
	if tags == nil {
		verr.Add("tags", "is required: send the whole set of tags, [] for none")
		return nil, verr
	}
	seen := map[string]bool{}
	clean := make([]string, 0, len(tags))
	for i, t := range tags {
		t = checkTag(verr, fmt.Sprintf("tags[%d]", i), t)
		if !seen[t] {
			seen[t] = true
			clean = append(clean, t)
		}
	}
	if len(clean) > MaxTags {
		verr.Add("tags", "must hold at most %d different tags, not %d", MaxTags, len(clean))
	}
	return clean, verr.Err()
}

// checkTag trims a tag and checks it: 1 to MaxTagLen characters, no
// control characters.
func checkTag(verr *model.ValidationError, field, t string) string {
	t = strings.TrimSpace(t)
	if t == "" {
		verr.Add(field, "must not be empty")
		return t
	}
	checkText(verr, field, t, MaxTagLen)
	return t
}
