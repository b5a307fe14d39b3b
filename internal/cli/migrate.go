package cli

import (
	"context"
	"fmt"

	"pulse/internal/store"
)

// migrate applies pending migrations and reports the schema version.
func migrate(ctx context.Context, env Env, args []string) error {
	cfg, err := loadConfig("migrate", env, args)
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.DB, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	st, err := db.Status(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "applied %d migration(s); %s schema is at version %d\n", n, db.Dialect(), st.Current)
	return nil
}
