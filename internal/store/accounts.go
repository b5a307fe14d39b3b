package store

import (
	"context"
	"fmt"

	"pulse/internal/model"
)

// CreateAccount inserts a. A taken email is a *model.ConflictError.
func (q *Queries) CreateAccount(ctx context.Context, a model.Account) error {
	_, err := q.exec(ctx, `INSERT INTO accounts (id, name, email, password_hash, lang, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`,
		a.ID, a.Name, a.Email, a.PasswordHash, a.Lang, micros(a.CreatedAt))
	if isUniqueViolation(err) {
		return model.ErrEmailTaken()
	}
	if err != nil {
		return fmt.Errorf("store.CreateAccount: %w", err)
	}
	return nil
}

const accountColumns = `id, name, email, password_hash, lang, created_at`

func scanAccount(row scanner) (model.Account, error) {
	var (
		a  model.Account
		ts int64
	)
	err := row.Scan(&a.ID, &a.Name, &a.Email, &a.PasswordHash, &a.Lang, &ts)
	a.CreatedAt = fromMicros(ts)
	return a, err
}

// AccountByEmail finds an account by its normalised email.
func (q *Queries) AccountByEmail(ctx context.Context, email string) (model.Account, error) {
	a, err := scanAccount(q.queryRow(ctx, `SELECT `+accountColumns+` FROM accounts WHERE email = ?`, email))
	if err != nil {
		return a, notFound("store.AccountByEmail", err)
	}
	return a, nil
}

// AccountByID finds an account by id.
func (q *Queries) AccountByID(ctx context.Context, id string) (model.Account, error) {
	a, err := scanAccount(q.queryRow(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = ?`, id))
	if err != nil {
		return a, notFound("store.AccountByID", err)
	}
	return a, nil
}

// SetAccountLang changes the interface language an account uses.
func (q *Queries) SetAccountLang(ctx context.Context, id, lang string) error {
	res, err := q.exec(ctx, `UPDATE accounts SET lang = ? WHERE id = ?`, lang, id)
	if err != nil {
		return fmt.Errorf("store.SetAccountLang: %w", err)
	}
	return mustAffect("store.SetAccountLang", res)
}
