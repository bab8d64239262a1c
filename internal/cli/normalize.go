package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/concord-er/concord/config"
	"github.com/concord-er/concord/normalize"
	"github.com/concord-er/concord/record"
)

const normalizeSynopsis = "concord normalize --kind KIND [--region CC] [--format LAYOUT] VALUE..."

func runNormalize(_ context.Context, env Env, args []string) error {
	fs := flags(env, "normalize", normalizeSynopsis)
	kind := fs.String("kind", "", "feature kind: name, org_name, date, phone, email, address, postcode, city, country, identifier, text")
	region := fs.String("region", "", "default region for phones (ISO 3166-1 alpha-2)")
	format := fs.String("format", "", "date format (Go layout, strftime or DD/MM/YYYY)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if !record.Kind(*kind).Valid() || fs.NArg() == 0 {
		return &usageError{msg: "a valid --kind and at least one value are required", hint: normalizeSynopsis}
	}
	opt := normalize.Options{Region: strings.ToUpper(*region)}
	if *format != "" {
		layout, err := config.DateLayout(*format)
		if err != nil {
			return &usageError{msg: err.Error(), hint: normalizeSynopsis}
		}
		opt.DateFormats = []string{layout}
	}
	enc := json.NewEncoder(env.Stdout)
	enc.SetEscapeHTML(false)
	for _, raw := range fs.Args() {
		// A cell that writes several values (a name and its alias, two
		// phones) is read as ingest reads it: a line for each, and one
		// for a name's other spelling, which records hold as well.
		several := len(normalize.Parts(record.Kind(*kind), raw)) > 1
		var werr error
		line := func(part string, out map[string]any) {
			out["input"] = raw
			if several {
				out["part"] = part
			}
			if err := enc.Encode(out); err != nil && werr == nil {
				werr = fmt.Errorf("write: %w", err)
			}
		}
		normalize.ReadCell(record.Kind(*kind), raw, opt, func(part, spelling string, v record.Value) {
			out := map[string]any{"norm": v.Norm, "facets": v.Facets.Map()}
			if spelling != "" {
				out["spelling"] = spelling
			}
			if len(v.Tokens) > 0 {
				out["tokens"] = v.Tokens
			}
			line(part, out)
		}, func(part string, err error) { line(part, map[string]any{"error": err.Error()}) })
		if werr != nil {
			return werr
		}
	}
	return nil
}
