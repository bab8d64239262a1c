package kafka

import (
	"testing"

	"github.com/concord-er/concord/config"
)

// FuzzSourceOf: any message gets a source of the config or a reason, and
// never both, whether the config has one source or several.
func FuzzSourceOf(f *testing.F) {
	for _, s := range []string{`{"source": "p", "id": "1"}`, `{"id": 1}`, `not json`, `{"source": null}`, `{"source": "q"}`, `[]`, ``} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, msg []byte, several bool) {
		cfg := &config.Config{Sources: []config.Source{{Name: "p"}}, Limits: config.Limits{RowBytes: 1 << 10}}
		if several {
			cfg.Sources = append(cfg.Sources, config.Source{Name: "q"})
		}
		c := &consumer{opt: Options{Config: cfg}, sources: config.Feeds(cfg.Sources)}
		src, reason := c.sourceOf(msg)
		if (src == "") == (reason == "") {
			t.Fatalf("sourceOf(%q) = %q, %q: want a source or a reason", msg, src, reason)
		}
		if _, ok := c.sources[src]; src != "" && !ok {
			t.Fatalf("sourceOf(%q) = %q, not a source of the config", msg, src)
		}
	})
}
