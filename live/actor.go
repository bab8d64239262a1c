package live

import (
	"context"

	"github.com/concord-er/concord/audit"
)

type actorKey struct{}

// WithActor returns a context naming the principal that asks for the
// changes made with it: the audit log records them as that principal's
// (audit.ActorPrincipal + id) rather than the model's.
func WithActor(ctx context.Context, principal string) context.Context {
	return context.WithValue(ctx, actorKey{}, principal)
}

// actorOf returns the audit actor of an upsert or delete made with ctx.
func actorOf(ctx context.Context) string {
	if p, ok := ctx.Value(actorKey{}).(string); ok && p != "" {
		return audit.ActorPrincipal + p
	}
	return audit.ActorModel
}

type eventActorKey struct{}

// eventCause is who made the lineage events of a change, and why.
type eventCause struct{ actor, why string }

// withEventActor names the actor of the lineage events a change makes
// when it is not the one of the context's upserts (a reviewer's merge),
// and the actor's reason.
func withEventActor(ctx context.Context, actor, why string) context.Context {
	return context.WithValue(ctx, eventActorKey{}, eventCause{actor, why})
}

// eventActor returns who the lineage events made with ctx are by, and
// why: as withEventActor named, else the actor of its upserts.
func eventActor(ctx context.Context) (actor, why string) {
	if c, ok := ctx.Value(eventActorKey{}).(eventCause); ok {
		return c.actor, c.why
	}
	return actorOf(ctx), ""
}

// Changed returns a channel closed when the next change of this process
// commits: what a change feed waits on. Changes other processes make are
// not signalled; a feed polls for those.
func (l *Live) Changed() <-chan struct{} {
	l.changedMu.Lock()
	defer l.changedMu.Unlock()
	if l.changed == nil {
		l.changed = make(chan struct{})
	}
	return l.changed
}

func (l *Live) notify() {
	l.changedMu.Lock()
	defer l.changedMu.Unlock()
	if l.changed != nil {
		close(l.changed)
		l.changed = nil
	}
}
