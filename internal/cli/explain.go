package cli

import (
	"context"
	"fmt"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/live"
)

const explainSynopsis = "concord explain --config concord.yaml [--json] (--pair SOURCE/ID SOURCE/ID | --entity ENTITY | --why-not ENTITY ENTITY); ENTITY: an entity id, or a record as SOURCE/ID (its entity)"

func runExplain(ctx context.Context, env Env, args []string) error {
	fs := flags(env, "explain", explainSynopsis)
	cfgPath := fs.String("config", "", "config file (concord.yaml)")
	pair := fs.Bool("pair", false, "the match-weight waterfall of two records")
	entity := fs.Bool("entity", false, "how an entity was built: the merges, in order, with their evidence")
	whyNot := fs.Bool("why-not", false, "why two entities are apart: the best pair across them and what keeps them apart")
	asJSON := fs.Bool("json", false, "print JSON instead of text")
	if err := parse(fs, args); err != nil {
		return err
	}
	modes, want := 0, 0
	for _, m := range []struct {
		on bool
		n  int
	}{{*pair, 2}, {*entity, 1}, {*whyNot, 2}} {
		if m.on {
			modes++
			want = m.n
		}
	}
	if *cfgPath == "" || modes != 1 || fs.NArg() != want {
		return &usageError{msg: "--config and one of --pair A B, --entity ID, --why-not ID1 ID2 are required", hint: explainSynopsis}
	}
	return withLive(ctx, env, *cfgPath, true, func(l *live.Live) error {
		var v interface{ Text() string }
		switch {
		case *pair:
			a, err := parseKey(fs.Arg(0))
			if err != nil {
				return &usageError{msg: err.Error(), hint: explainSynopsis}
			}
			b, err := parseKey(fs.Arg(1))
			if err != nil {
				return &usageError{msg: err.Error(), hint: explainSynopsis}
			}
			w, err := l.ExplainPair(ctx, a, b, access.Everything)
			if err != nil {
				return err
			}
			v = w
		case *entity:
			id, err := entityArg(ctx, fs.Arg(0), explainSynopsis, liveEntity(l))
			if err != nil {
				return err
			}
			h, err := l.How(ctx, id, access.Everything)
			if err != nil {
				return entityNotFound(err, fs.Arg(0))
			}
			v = h
		default:
			a, err := entityArg(ctx, fs.Arg(0), explainSynopsis, liveEntity(l))
			if err != nil {
				return err
			}
			b, err := entityArg(ctx, fs.Arg(1), explainSynopsis, liveEntity(l))
			if err != nil {
				return err
			}
			w, err := l.WhyNot(ctx, a, b, access.Everything)
			if err != nil {
				return entityNotFound(err, fs.Args()...)
			}
			v = w
		}
		if *asJSON {
			return printJSON(env.Stdout, v)
		}
		_, err := fmt.Fprint(env.Stdout, v.Text())
		return err
	})
}
