package live

import (
	"context"
	"sync"
	"time"

	"github.com/concord-er/concord/access"
)

// countsFor is how long a count the workbench shows is kept before it is
// read again.
const countsFor = time.Minute

// countsRead bounds reading a count again in the background.
const countsRead = 2 * time.Minute

// counted is a count read from the store (pairs by weight, values filled)
// that is costly to read at a million records and may be a minute old.
// The first reader reads it; later readers get the last one at once, and
// when it is older than countsFor one of them starts reading it again in
// the background.
type counted[T any] struct {
	mu      sync.Mutex
	val     T
	at      time.Time
	have    bool
	reading bool
}

func (c *counted[T]) get(ctx context.Context, now func() time.Time, read func(context.Context) (T, error)) (T, error) {
	c.mu.Lock()
	if c.have {
		v := c.val
		if now().Sub(c.at) >= countsFor && !c.reading {
			c.reading = true
			go c.refresh(context.WithoutCancel(ctx), now, read)
		}
		c.mu.Unlock()
		return v, nil
	}
	c.mu.Unlock()
	v, err := read(ctx)
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	c.val, c.at, c.have = v, now(), true
	c.mu.Unlock()
	return v, nil
}

// invalidate has the next reader read the count afresh, not the last one
// (reviewers' verdicts, once one is given).
func (c *counted[T]) invalidate() {
	c.mu.Lock()
	c.have = false
	c.mu.Unlock()
}

// refresh reads the count again; on an error the last one stays, and the
// next reader tries again.
func (c *counted[T]) refresh(ctx context.Context, now func() time.Time, read func(context.Context) (T, error)) {
	ctx, cancel := context.WithTimeout(ctx, countsRead)
	defer cancel()
	v, err := read(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil {
		c.val, c.at = v, now()
	}
	c.reading = false
}

// fill returns the count of values filled of a source.
func (l *Live) fill(src string) *counted[Fill] {
	l.fillsMu.Lock()
	defer l.fillsMu.Unlock()
	if l.fills == nil {
		l.fills = map[string]*counted[Fill]{}
	}
	c := l.fills[src]
	if c == nil {
		c = &counted[Fill]{}
		l.fills[src] = c
	}
	return c
}

// WarmCounts reads the counts the workbench's model and data views show,
// for sources, so that their first page loads need not wait for them.
func (l *Live) WarmCounts(ctx context.Context, sources []string) error {
	if _, err := l.WeightHistogram(ctx, access.Everything); err != nil {
		return err
	}
	if _, err := l.SourceCounts(ctx, access.Everything); err != nil {
		return err
	}
	_, err := l.FeatureFill(ctx, sources, access.Everything)
	return err
}
