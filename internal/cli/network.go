package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/relate"
	"github.com/concord-er/concord/store"
)

const networkSynopsis = `concord network neighbours --config concord.yaml [--depth N] [--max-nodes N] [FILTERS] [--format json|graphml|gexf] [--out FILE] ENTITY
concord network path --config concord.yaml [--strongest] [--max-hops N] [FILTERS] [--json] FROM TO
concord network groups --config concord.yaml [--min-size N] [--limit N] [FILTERS] [--json]
concord network export --config concord.yaml [--format graphml|gexf|json] [--max-nodes N] [--out FILE]
concord network stats --config concord.yaml
FILTERS: [--type T]… (shares_* for every shared identifier) [--min-weight W] [--since YYYY-MM-DD] [--until YYYY-MM-DD]
ENTITY, FROM, TO: an entity id, or a record as SOURCE/ID (its entity)`

// typeList is a repeatable --type flag.
type typeList []string

func (t *typeList) String() string     { return strings.Join(*t, ",") }
func (t *typeList) Set(v string) error { *t = append(*t, strings.Split(v, ",")...); return nil }

// dayFlag is a --since/--until date.
type dayFlag struct{ t time.Time }

func (d *dayFlag) String() string {
	if d.t.IsZero() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}

func (d *dayFlag) Set(v string) error {
	t, ok := relate.ParseDay(v)
	if !ok {
		return fmt.Errorf("%q is not a date (write YYYY-MM-DD)", v)
	}
	d.t = t
	return nil
}

func runNetwork(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return &usageError{msg: "which network command? neighbours, path, groups, export or stats", hint: networkSynopsis}
	}
	verb, args := args[0], args[1:]
	fs := flags(env, "network "+verb, networkSynopsis)
	cfgPath := fs.String("config", "", "config file (concord.yaml)")
	var types typeList
	var since, until dayFlag
	fs.Var(&types, "type", "follow only edges of this type (repeat, or comma-separated; shares_* for every shared identifier)")
	minWeight := fs.Float64("min-weight", 0, "follow only edges of at least this weight (0 to 1)")
	fs.Var(&since, "since", "leave out dated edges (payments) all before this day")
	fs.Var(&until, "until", "leave out dated edges all after this day")
	maxHolders := fs.Int("max-holders", relate.DefaultMaxHolders, "a value shared by more entities than this links none (a call centre's number)")
	var depth, maxNodes, maxHops, minSize, limit *int
	var strongest, asJSON *bool
	var format, out *string
	want := 0
	switch verb {
	case "neighbours", "neighbors":
		depth = fs.Int("depth", relate.DefaultDepth, fmt.Sprintf("hops from the entity, 1 to %d", relate.MaxDepth))
		maxNodes = fs.Int("max-nodes", relate.DefaultNodes, "at most this many entities, nearest first")
		format = fs.String("format", relate.FormatJSON, "json, graphml or gexf")
		out = fs.String("out", "", "write to this file (default: standard output)")
		want = 1
	case "path":
		strongest = fs.Bool("strongest", false, "the path of the strongest evidence (greatest product of weights), not the fewest hops")
		maxHops = fs.Int("max-hops", relate.DefaultHops, fmt.Sprintf("at most this many hops, 1 to %d", relate.MaxHops))
		asJSON = fs.Bool("json", false, "print JSON instead of text")
		want = 2
	case "groups":
		minSize = fs.Int("min-size", 3, "groups of at least this many entities")
		limit = fs.Int("limit", relate.DefaultGroups, "at most this many groups, largest first")
		asJSON = fs.Bool("json", false, "print JSON instead of text")
	case "export":
		maxNodes = fs.Int("max-nodes", 0, "at most this many entities (0: all)")
		format = fs.String("format", relate.FormatGraphML, "graphml, gexf or json")
		out = fs.String("out", "", "write to this file (default: standard output)")
	case "stats":
	default:
		return &usageError{msg: fmt.Sprintf("unknown network command %q: neighbours, path, groups, export or stats", verb), hint: networkSynopsis}
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if *cfgPath == "" || fs.NArg() != want {
		return &usageError{msg: fmt.Sprintf("--config and %d entities are required", want), hint: networkSynopsis}
	}
	if format != nil && !slices.Contains(relate.Formats, *format) {
		return &usageError{msg: fmt.Sprintf("--format %q: want one of %s", *format, strings.Join(relate.Formats, ", ")), hint: networkSynopsis}
	}
	filter := relate.Filter{Types: types, MinWeight: *minWeight, Since: since.t, Until: until.t}
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		return err
	}
	db, err := openStoreAt(storePath(cfg), storeOptions{readOnly: true})
	if err != nil {
		return err
	}
	defer db.Close()
	// The network is read from the store as it is: no Live, no memory copy.
	g, _, err := live.ReadNetwork(ctx, db, access.Everything, relate.Options{MaxHolders: *maxHolders})
	if err != nil {
		return err
	}
	ends := make([]record.EntityID, fs.NArg())
	for i, arg := range fs.Args() {
		if ends[i], err = entityArg(ctx, arg, networkSynopsis, storedEntity(db)); err != nil {
			return err
		}
	}
	switch verb {
	case "neighbours", "neighbors":
		n, err := g.Neighbours(ends[0], *depth, *maxNodes, filter)
		if err != nil {
			return networkError(err, fs.Arg(0))
		}
		return writeNetwork(env, *out, n, *format)
	case "path":
		find := g.ShortestPath
		if *strongest {
			find = g.StrongestPath
		}
		p, err := find(ends[0], ends[1], *maxHops, filter)
		if errors.Is(err, relate.ErrNoPath) {
			return fmt.Errorf("no path from %s to %s within %d hops over the edges kept", fs.Arg(0), fs.Arg(1), *maxHops)
		}
		if err != nil {
			return networkError(err, "")
		}
		if *asJSON {
			return printJSON(env.Stdout, p)
		}
		_, err = io.WriteString(env.Stdout, pathText(p))
		return err
	case "groups":
		gs, err := g.Groups(*minSize, *limit, filter)
		if err != nil {
			return &usageError{msg: err.Error(), hint: networkSynopsis}
		}
		if *asJSON {
			return printJSON(env.Stdout, gs)
		}
		_, err = io.WriteString(env.Stdout, groupsText(g, gs))
		return err
	case "export":
		n, err := g.All(*maxNodes, filter)
		if err != nil {
			return networkError(err, "")
		}
		return writeNetwork(env, *out, n, *format)
	default:
		return printJSON(env.Stdout, struct {
			relate.Stats
			Types []string `json:"types"`
		}{g.Stats(), g.Types()})
	}
}

// storedEntity finds the entity of a record as db holds it.
func storedEntity(db store.Store) func(context.Context, record.Key) (record.EntityID, error) {
	return func(ctx context.Context, k record.Key) (record.EntityID, error) {
		tx, err := db.Begin(ctx, false)
		if err != nil {
			return "", err
		}
		defer tx.Rollback()
		r, err := tx.Record(ctx, k)
		if err != nil {
			return "", fmt.Errorf("record %s: %w", k, err)
		}
		return r.Entity, nil
	}
}

func networkError(err error, arg string) error {
	if errors.Is(err, relate.ErrNotFound) {
		return fmt.Errorf("%s: no such entity in the network", arg)
	}
	var ue *usageError
	if errors.As(err, &ue) {
		return err
	}
	return &usageError{msg: err.Error(), hint: networkSynopsis}
}

// writeNetwork writes n to path (a private file) or standard output.
func writeNetwork(env Env, path string, n relate.Network, format string) error {
	if path == "" {
		return relate.Write(env.Stdout, n, format)
	}
	f, err := openPrivate(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY)
	if err != nil {
		return err
	}
	if err := relate.Write(f, n, format); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	fmt.Fprintf(env.Stderr, "%d entities and %d edges written to %s\n", len(n.Nodes), len(n.Edges), path)
	return nil
}

// pathText writes a path hop by hop, each with its evidence.
func pathText(p relate.Path) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d hops, weight %.3g\n", len(p.Edges), p.Weight)
	for i, n := range p.Nodes {
		fmt.Fprintf(&b, "%s (%s) %s\n", n.Entity, relate.KindName(n.Kind), n.Name)
		if i == len(p.Edges) {
			break
		}
		e := p.Edges[i]
		arrow := "—"
		if e.Directed {
			arrow = "→"
			if e.From != n.Entity {
				arrow = "←"
			}
		}
		fmt.Fprintf(&b, "  %s %s (weight %.3g)\n", arrow, e.Type, e.Weight)
		for _, ev := range e.Evidence {
			fmt.Fprintf(&b, "      %s\n", ev.Text())
		}
	}
	return b.String()
}

// groupsText lists groups, each with its first members by id and name.
func groupsText(g *relate.Graph, gs []relate.Group) string {
	var b strings.Builder
	for i, grp := range gs {
		var types []string
		for t, n := range grp.Types {
			types = append(types, fmt.Sprintf("%s %d", t, n))
		}
		slices.Sort(types)
		fmt.Fprintf(&b, "%d. %d entities, %d edges, density %.3g (%s)\n", i+1, grp.Size, grp.Edges, grp.Density, strings.Join(types, ", "))
		for _, id := range grp.Members[:min(len(grp.Members), 20)] {
			n, _ := g.Node(id)
			fmt.Fprintf(&b, "   %s (%s) %s\n", id, relate.KindName(n.Kind), n.Name)
		}
		if grp.Size > 20 {
			fmt.Fprintf(&b, "   … and %d more\n", grp.Size-20)
		}
	}
	if len(gs) == 0 {
		b.WriteString("no groups\n")
	}
	return b.String()
}
