package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/sse"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/explain"
	"github.com/concord-er/concord/live"
	"github.com/concord-er/concord/normalize"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/relate"
	"github.com/concord-er/concord/store"
)

// Parameters shared by operations (exported: the OpenAPI document is made
// from them by reflection).
type (
	// PurposeParam is the purpose a read states.
	PurposeParam struct {
		Purpose string `header:"Concord-Purpose" maxLength:"200" doc:"Why the caller reads: reads of labelled sources need one; the audit log keeps it."`
	}
	// KeyParams name a record in a path.
	KeyParams struct {
		Source string `path:"source" maxLength:"100" doc:"The record's source."`
		ID     string `path:"id" maxLength:"256" doc:"The record's id in its source."`
	}
	// ReviewFilterParams narrow the review queue (live.ReviewFilter).
	ReviewFilterParams struct {
		Source         string  `query:"source" maxLength:"100" doc:"Only the pairs with a record of this source."`
		Reason         string  `query:"reason" enum:"band,conflict,ambiguous,refused" doc:"Only the pairs in review for this reason: in the review band; scoring as a match with a conflict; held back as ambiguous; refused for the entity they would form."`
		MinProbability float64 `query:"min_probability" minimum:"0" maximum:"1" doc:"Only the pairs at least this probable."`
		MaxProbability float64 `query:"max_probability" minimum:"0" maximum:"1" doc:"Only the pairs at most this probable; 0 for no bound."`
		Apart          bool    `query:"apart" doc:"Only the pairs whose records are in two entities (other links may have put a pair of the review band in one)."`
	}
	// PageParams ask for a page of a list.
	PageParams struct {
		After string `query:"after" maxLength:"2000" doc:"The cursor of the page before (its next): opaque, and valid until the server restarts; empty for the first page."`
		Limit int    `query:"limit" minimum:"1" maximum:"1000" default:"100" doc:"At most this many items (1 to 1,000: a page is bounded)."`
	}
)

// filter is the review queue's filter the parameters ask for.
func (p ReviewFilterParams) filter() live.ReviewFilter {
	return live.ReviewFilter{Source: p.Source, Kind: p.Reason, MinProbability: p.MinProbability, MaxProbability: p.MaxProbability, Apart: p.Apart}
}

// Outputs.
type (
	recordOut struct {
		Body live.StoredRecord
	}
	changeOut struct {
		Body changeBody
	}
	changeBody struct {
		Op       live.ChangeOp   `json:"op"`
		Record   record.Key      `json:"record"`
		Entity   record.EntityID `json:"entity,omitempty"`
		Previous record.EntityID `json:"previous,omitempty"`
		Audit    int64           `json:"audit" doc:"The sequence number of the change's audit entry."`
	}
	uploadIn struct {
		PurposeParam
		Body struct {
			Records []uploadRow `json:"records" maxItems:"1000" doc:"Rows to upsert, committed together."`
		}
	}
	uploadRow struct {
		Source string    `json:"source" maxLength:"100" doc:"The source the row belongs to: it says how its columns map to features."`
		Row    rowObject `json:"row" doc:"The row's columns, as the source's file would hold them."`
	}
	uploadOut struct {
		Body struct {
			Changes []changeBody  `json:"changes"`
			Rejects []uploadError `json:"rejects,omitempty"`
		}
	}
	uploadError struct {
		Index  int    `json:"index,omitempty" doc:"The row's position in records, from 0."`
		Field  string `json:"field,omitempty"`
		Reason string `json:"reason"`
	}
	entityOut struct {
		Body live.EntityView
	}
	howOut struct {
		Body explain.How
	}
	waterfallOut struct {
		Body explain.Waterfall
	}
	whyNotOut struct {
		Body explain.WhyNot
	}
	matchIn struct {
		PurposeParam
		Body struct {
			Source   string              `json:"source,omitempty" maxLength:"100" doc:"The source the query is like, for its prior and the reading of its values (date formats, a phone's region); empty for none."`
			Kind     record.EntityKind   `json:"kind,omitempty" enum:"person,organization," doc:"What the query is about."`
			Features map[string][]string `json:"features" doc:"Feature name → raw values, as a source would hold them."`
			Limit    int                 `json:"limit,omitempty" minimum:"0" maximum:"100" doc:"At most this many entities (default 10)."`
		}
	}
	matchOut struct {
		Body struct {
			Candidates []live.Candidate `json:"candidates"`
			Rejected   []uploadError    `json:"rejected,omitempty" doc:"Query values that could not be normalised, left out."`
		}
	}
	reviewOut struct {
		Body struct {
			Items []record.Review `json:"items"`
			Next  string          `json:"next,omitempty" doc:"The cursor of the next page; absent on the last."`
		}
	}
	decisionsOut struct {
		Body struct {
			Changes []changeBody `json:"changes" doc:"One per decision, in their order."`
		}
	}
	reviewGroupsOut struct {
		Body struct {
			Groups []live.ReviewGroup `json:"groups"`
			Pairs  int                `json:"pairs" doc:"The pairs of the queue read and grouped."`
			More   bool               `json:"more,omitempty" doc:"The queue holds more pairs than were read (the strongest are read first): decide some, and ask again."`
			Next   string             `json:"next,omitempty" doc:"The cursor of the next page of groups (pass it as after); absent on the last."`
		}
	}
	decision struct {
		A       string         `json:"a" maxLength:"400" doc:"A record, as source/id."`
		B       string         `json:"b" maxLength:"400"`
		Verdict record.Verdict `json:"verdict" enum:"same,different,unsure"`
		Comment string         `json:"comment,omitempty" maxLength:"10000"`
	}
	decideIn struct {
		PurposeParam
		Body decision
	}
	decideAllIn struct {
		PurposeParam
		Body struct {
			Decisions []decision `json:"decisions" minItems:"1" maxItems:"1000" doc:"Taken in this order, each as POST /v1/decisions takes one."`
		}
	}
	mergeIn struct {
		PurposeParam
		Body struct {
			A       record.EntityID `json:"a" maxLength:"100"`
			B       record.EntityID `json:"b" maxLength:"100"`
			Comment string          `json:"comment" minLength:"1" maxLength:"10000"`
		}
	}
	splitIn struct {
		PurposeParam
		ID   record.EntityID `path:"id" maxLength:"100"`
		Body struct {
			Records []string `json:"records" minItems:"1" maxItems:"1000" doc:"The records to take out, as source/id."`
			Comment string   `json:"comment" minLength:"1" maxLength:"10000"`
		}
	}
	auditOut struct {
		Body struct {
			Entries []live.AuditEntry `json:"entries"`
			Next    string            `json:"next,omitempty"`
		}
	}
	verifyOut struct {
		Body struct {
			live.Verification
			OK bool `json:"ok"`
		}
	}
	changesIn struct {
		PurposeParam
		After int64 `query:"after" minimum:"0" doc:"The sequence number of the last event seen; 0 for the first."`
		Limit int   `query:"limit" minimum:"1" maximum:"1000" default:"100" doc:"At most this many events (1 to 1,000)."`
		Wait  int   `query:"wait" minimum:"0" maximum:"30" doc:"Seconds to wait for an event when there is none yet (long poll)."`
	}
	changesOut struct {
		Body struct {
			Events []record.Event `json:"events"`
			Next   int64          `json:"next" doc:"The sequence number to resume after."`
		}
	}
	streamIn struct {
		PurposeParam
		After       int64 `query:"after" minimum:"0" doc:"The sequence number of the last event seen; 0 for the first."`
		LastEventID int64 `header:"Last-Event-ID" minimum:"0" doc:"Sent by a reconnecting event stream: resume after it."`
	}
	problemEvent struct {
		Status int    `json:"status"`
		Detail string `json:"detail"`
	}
	whoamiOut struct {
		Body struct {
			Principal access.Principal `json:"principal"`
			Sees      []string         `json:"sees" doc:"The sources the principal reads with the purpose stated."`
		}
	}
)

// begin authorises op for the request's caller and returns its view.
func (s *Server) begin(ctx context.Context, op access.Op) (*caller, access.View, error) {
	c := callerOf(ctx)
	if c == nil {
		return nil, access.View{}, huma.Error401Unauthorized("unauthenticated")
	}
	if !s.opt.Policy.Can(c.principal, op) {
		return nil, access.View{}, huma.Error403Forbidden(fmt.Sprintf("principal %s may not %s", c.principal.ID, op))
	}
	return c, s.opt.Policy.View(c.principal, c.purpose), nil
}

// needs is a middleware that refuses, as begin does, a caller whose roles
// do not grant op: for an operation whose answer begins before its
// handler runs (a stream of events).
func (s *Server) needs(op access.Op) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		if _, _, err := s.begin(ctx.Context(), op); err != nil {
			status := http.StatusForbidden
			if se := huma.StatusError(nil); errors.As(err, &se) {
				status = se.GetStatus()
			}
			huma.WriteErr(s.api, ctx, status, err.Error())
			return
		}
		next(ctx)
	}
}

// fail maps an error to its problem: the one error → status map.
func (s *Server) fail(err error) error {
	var se huma.StatusError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se):
		return err
	case errors.Is(err, store.ErrNotFound), errors.Is(err, relate.ErrNotFound):
		return huma.Error404NotFound("not found")
	case errors.Is(err, relate.ErrNoPath):
		return huma.Error404NotFound("no path within the hops allowed over the edges followed")
	case errors.Is(err, relate.ErrBadQuery):
		return huma.Error422UnprocessableEntity(err.Error())
	case errors.Is(err, live.ErrBadDecision):
		return huma.Error422UnprocessableEntity(err.Error())
	case errors.Is(err, store.ErrReadOnly):
		return huma.Error503ServiceUnavailable("the store is read-only")
	case errors.Is(err, context.DeadlineExceeded):
		return huma.Error504GatewayTimeout("the request took too long")
	case errors.Is(err, context.Canceled):
		return huma.Error503ServiceUnavailable("the request was cancelled")
	}
	s.log.Error("request failed", "error", err)
	return huma.Error500InternalServerError("internal error")
}

func parseKey(s string) (record.Key, error) {
	src, id, ok := strings.Cut(s, "/")
	if !ok || src == "" || id == "" {
		return record.Key{}, huma.Error422UnprocessableEntity(fmt.Sprintf("%q: want source/id", s))
	}
	return record.Key{Source: src, ID: id}, nil
}

// changeOf is what a change's author is told of it: a writer may write a
// source its view does not hold (a service that feeds it), but learns
// nothing of its records — not the entity its record is in, nor the one
// it was in, which would say that it was there.
func changeOf(ch live.Change, v access.View) changeBody {
	b := changeBody{Op: ch.Op, Record: ch.Record, Entity: ch.Entity, Previous: ch.Previous, Audit: ch.Audit}
	if !v.Record(ch.Record) {
		b.Entity, b.Previous = "", ""
	}
	return b
}

// maxGroupScan bounds the pairs of the queue GET /v1/review/groups and
// the workbench's review by record in doubt read and group.
const maxGroupScan = 100_000

// reviewGroupsAfter returns the review queue by record in doubt as v
// sees it and f keeps it: its first maxGroupScan pairs grouped
// (live.GroupReviews), from the group after the sealed cursor after (""
// for the first); and how many pairs it read, and whether the queue holds
// more. A cursor this server did not give is a 422.
func (s *Server) reviewGroupsAfter(ctx context.Context, v access.View, f live.ReviewFilter, after string) (groups []live.ReviewGroup, pairs int, more bool, err error) {
	var key live.GroupKey
	if after != "" {
		if err := s.cursors.open(after, &key); err != nil {
			return nil, 0, false, err
		}
	}
	items, next, err := s.l.ReviewPage(ctx, v, f, nil, maxGroupScan)
	if err != nil {
		return nil, 0, false, err
	}
	groups = live.GroupReviews(items)
	if after != "" {
		groups = live.GroupsAfter(groups, key)
	}
	return groups, len(items), next != nil, nil
}

// decision is a caller's decision on a pair it may see: a pair it may
// not is not found, as a record it may not see is not anywhere.
func (b decision) decision(c *caller, v access.View) (record.Decision, error) {
	a, err := parseKey(b.A)
	if err != nil {
		return record.Decision{}, err
	}
	k, err := parseKey(b.B)
	if err != nil {
		return record.Decision{}, err
	}
	if !v.Record(a) || !v.Record(k) {
		return record.Decision{}, huma.Error404NotFound("not found")
	}
	return record.Decision{A: a, B: k, Verdict: b.Verdict, Reviewer: c.principal.ID, Comment: b.Comment}, nil
}

// touched notes entity ids a request read or changed, for its access log
// entry.
func (c *caller) touched(ids ...record.EntityID) {
	for _, id := range ids {
		if id != "" && len(c.entities) < 100 {
			c.entities = append(c.entities, string(id))
		}
	}
}

func (s *Server) routes() {
	reg := func(op huma.Operation) huma.Operation {
		op.Tags = []string{strings.Split(strings.TrimPrefix(op.Path, "/v1/"), "/")[0]}
		if op.MaxBodyBytes == 0 {
			op.MaxBodyBytes = 1 << 20
		}
		return op
	}

	s.networkRoutes(reg)

	huma.Register(s.api, reg(huma.Operation{OperationID: "whoami", Method: http.MethodGet, Path: "/v1/whoami",
		Summary: "Who the caller is, and what it sees"}),
		func(ctx context.Context, in *PurposeParam) (*whoamiOut, error) {
			c := callerOf(ctx)
			out := &whoamiOut{}
			out.Body.Principal = c.principal
			v := s.opt.Policy.View(c.principal, c.purpose)
			out.Body.Sees = []string{}
			for name := range s.sources {
				if v.Source(name) {
					out.Body.Sees = append(out.Body.Sees, name)
				}
			}
			sortStrings(out.Body.Sees)
			return out, nil
		})

	huma.Register(s.api, reg(huma.Operation{OperationID: "get-record", Method: http.MethodGet, Path: "/v1/records/{source}/{id}",
		Summary: "A stored record, its entity, links and reviews"}),
		func(ctx context.Context, in *struct {
			PurposeParam
			KeyParams
		}) (*recordOut, error) {
			c, v, err := s.begin(ctx, access.OpRead)
			if err != nil {
				return nil, err
			}
			r, err := s.l.Record(ctx, record.Key{Source: in.Source, ID: in.ID}, v)
			c.touched(r.Entity)
			return &recordOut{Body: r}, s.fail(err)
		})

	huma.Register(s.api, reg(huma.Operation{OperationID: "put-record", Method: http.MethodPut, Path: "/v1/records/{source}/{id}",
		Summary: "Upsert one record", Description: "The body is the row's columns, as the source's file holds them; the id column is set from the path."}),
		func(ctx context.Context, in *struct {
			KeyParams
			Body rowObject
		}) (*changeOut, error) {
			c, v, err := s.begin(ctx, access.OpWrite)
			if err != nil {
				return nil, err
			}
			parts, ok := s.feeds[in.Source]
			if !ok {
				return nil, huma.Error404NotFound(fmt.Sprintf("no source %q", in.Source))
			}
			row, err := in.Body.with(parts[0].ID, in.ID)
			if err != nil {
				return nil, huma.Error422UnprocessableEntity("the row: " + err.Error())
			}
			chs, rejects, err := s.upsert(live.WithActor(ctx, c.principal.ID), v, []uploadRow{{Source: in.Source, Row: row}})
			if err != nil {
				return nil, s.fail(err)
			}
			if len(chs) == 0 {
				return nil, huma.Error422UnprocessableEntity("the row was rejected: "+rejects[0].Reason, rejectDetails(rejects)...)
			}
			c.touched(chs[0].Entity)
			return &changeOut{Body: chs[0]}, nil
		})

	huma.Register(s.api, reg(huma.Operation{OperationID: "delete-record", Method: http.MethodDelete, Path: "/v1/records/{source}/{id}",
		Summary: "Delete a record", Description: "Its entity is resolved again without it; its decisions go with it."}),
		func(ctx context.Context, in *KeyParams) (*changeOut, error) {
			c, v, err := s.begin(ctx, access.OpWrite)
			if err != nil {
				return nil, err
			}
			// Only a record the writer's view holds is deleted: whether
			// one it may not see is there is not told, by a 404 or
			// otherwise.
			key := record.Key{Source: in.Source, ID: in.ID}
			if !v.Record(key) {
				return nil, huma.Error404NotFound("not found")
			}
			ch, err := s.l.Delete(live.WithActor(ctx, c.principal.ID), key)
			if err != nil {
				return nil, s.fail(err)
			}
			c.touched(ch.Previous)
			return &changeOut{Body: changeOf(ch, v)}, nil
		})

	huma.Register(s.api, reg(huma.Operation{OperationID: "upload-records", Method: http.MethodPost, Path: "/v1/records",
		Summary: "Upsert many records, committed together", MaxBodyBytes: s.opt.MaxBody,
		Description: "Each row is mapped by its source's config, as a file of that source would be. Rows that cannot be read are returned as rejects; the others are committed in one transaction."}),
		func(ctx context.Context, in *uploadIn) (*uploadOut, error) {
			c, v, err := s.begin(ctx, access.OpWrite)
			if err != nil {
				return nil, err
			}
			for _, r := range in.Body.Records {
				if _, ok := s.feeds[r.Source]; !ok {
					return nil, huma.Error422UnprocessableEntity(fmt.Sprintf("no source %q", r.Source))
				}
			}
			chs, rejects, err := s.upsert(live.WithActor(ctx, c.principal.ID), v, in.Body.Records)
			if err != nil {
				return nil, s.fail(err)
			}
			out := &uploadOut{}
			out.Body.Changes, out.Body.Rejects = chs, rejects
			for _, ch := range chs {
				c.touched(ch.Entity)
			}
			return out, nil
		})

	huma.Register(s.api, reg(huma.Operation{OperationID: "get-entity", Method: http.MethodGet, Path: "/v1/entities/{id}",
		Summary: "An entity: its records and lineage"}),
		func(ctx context.Context, in *struct {
			PurposeParam
			ID record.EntityID `path:"id" maxLength:"100"`
		}) (*entityOut, error) {
			c, v, err := s.begin(ctx, access.OpRead)
			if err != nil {
				return nil, err
			}
			e, err := s.l.Entity(ctx, in.ID, v)
			c.touched(in.ID)
			return &entityOut{Body: e}, s.fail(err)
		})

	huma.Register(s.api, reg(huma.Operation{OperationID: "how-entity", Method: http.MethodGet, Path: "/v1/entities/{id}/how",
		Summary: "How an entity formed: its merges in order, each explained"}),
		func(ctx context.Context, in *struct {
			PurposeParam
			ID record.EntityID `path:"id" maxLength:"100"`
		}) (*howOut, error) {
			c, v, err := s.begin(ctx, access.OpRead)
			if err != nil {
				return nil, err
			}
			h, err := s.l.How(ctx, in.ID, v)
			c.touched(in.ID)
			return &howOut{Body: h}, s.fail(err)
		})

	huma.Register(s.api, reg(huma.Operation{OperationID: "explain-pair", Method: http.MethodGet, Path: "/v1/explain/pair",
		Summary: "The match-weight waterfall of two records"}),
		func(ctx context.Context, in *struct {
			PurposeParam
			A string `query:"a" required:"true" maxLength:"400" doc:"A record, as source/id."`
			B string `query:"b" required:"true" maxLength:"400"`
		}) (*waterfallOut, error) {
			_, v, err := s.begin(ctx, access.OpRead)
			if err != nil {
				return nil, err
			}
			a, err := parseKey(in.A)
			if err != nil {
				return nil, err
			}
			b, err := parseKey(in.B)
			if err != nil {
				return nil, err
			}
			w, err := s.l.ExplainPair(ctx, a, b, v)
			return &waterfallOut{Body: w}, s.fail(err)
		})

	huma.Register(s.api, reg(huma.Operation{OperationID: "why-not", Method: http.MethodGet, Path: "/v1/explain/why-not",
		Summary: "Why two entities are apart"}),
		func(ctx context.Context, in *struct {
			PurposeParam
			A record.EntityID `query:"a" required:"true" maxLength:"100"`
			B record.EntityID `query:"b" required:"true" maxLength:"100"`
		}) (*whyNotOut, error) {
			c, v, err := s.begin(ctx, access.OpRead)
			if err != nil {
				return nil, err
			}
			w, err := s.l.WhyNot(ctx, in.A, in.B, v)
			c.touched(in.A, in.B)
			return &whyNotOut{Body: w}, s.fail(err)
		})

	huma.Register(s.api, reg(huma.Operation{OperationID: "match", Method: http.MethodPost, Path: "/v1/match",
		Summary:     "Screen a query record against the entities, without storing it",
		Description: "The query's features are normalised as a source's would be, compared with the records that share a blocking key with it, and the entities whose best pair reaches the review threshold are returned, best first, each with its explanation."}),
		func(ctx context.Context, in *matchIn) (*matchOut, error) {
			c, v, err := s.begin(ctx, access.OpMatch)
			if err != nil {
				return nil, err
			}
			out := &matchOut{}
			q, err := s.query(in, &out.Body.Rejected)
			if err != nil {
				return nil, err
			}
			cands, err := s.l.Match(ctx, q, v, in.Body.Limit)
			if err != nil {
				return nil, s.fail(err)
			}
			out.Body.Candidates = cands
			if cands == nil {
				out.Body.Candidates = []live.Candidate{}
			}
			for _, cd := range cands {
				c.touched(cd.Entity)
			}
			return out, nil
		})

	huma.Register(s.api, reg(huma.Operation{OperationID: "review-queue", Method: http.MethodGet, Path: "/v1/review",
		Summary: "The review queue, strongest first or most uncertain first, in pages", Description: "Filters narrow it: by source, reason, probability, and to the pairs whose records are in two entities. A page's cursor reads on in the order it was read in."}),
		func(ctx context.Context, in *struct {
			PurposeParam
			PageParams
			ReviewFilterParams
			Order string `query:"order" enum:"strongest,uncertain" default:"strongest" doc:"strongest: the pairs of the greatest match weight first; uncertain: the pairs nearest even odds first (the smallest weight, either side of zero), whose verdicts teach the most."`
		}) (*reviewOut, error) {
			_, v, err := s.begin(ctx, access.OpRead)
			if err != nil {
				return nil, err
			}
			var after *record.Review
			if in.After != "" {
				after = &record.Review{}
				if err := s.cursors.open(in.After, after); err != nil {
					return nil, err
				}
			}
			f := in.ReviewFilterParams.filter()
			f.Uncertain = in.Order == "uncertain"
			items, next, err := s.l.ReviewPage(ctx, v, f, after, in.Limit)
			if err != nil {
				return nil, s.fail(err)
			}
			out := &reviewOut{}
			out.Body.Items = items
			if items == nil {
				out.Body.Items = []record.Review{}
			}
			if next != nil {
				out.Body.Next = s.cursors.seal(*next)
			}
			return out, nil
		})

	huma.Register(s.api, reg(huma.Operation{OperationID: "review-groups", Method: http.MethodGet, Path: "/v1/review/groups",
		Summary: "The review queue grouped by the record it holds in doubt",
		Description: "The first 100,000 pairs of the queue (strongest first) that the filters keep, grouped by record in doubt: each pair with whichever of its records more pairs hold; the groups of more pairs first (then by record), each group's pairs strongest first; in pages of limit groups, the next one after the cursor next. " +
			"Decisions taken between pages move groups: a group the decisions shrink may be passed over; ask again from the first page."}),
		func(ctx context.Context, in *struct {
			PurposeParam
			ReviewFilterParams
			Limit int    `query:"limit" minimum:"1" maximum:"1000" default:"100" doc:"At most this many groups."`
			After string `query:"after" maxLength:"1000" doc:"The cursor of a page before (its next)."`
		}) (*reviewGroupsOut, error) {
			_, v, err := s.begin(ctx, access.OpRead)
			if err != nil {
				return nil, err
			}
			groups, pairs, more, err := s.reviewGroupsAfter(ctx, v, in.ReviewFilterParams.filter(), in.After)
			if err != nil {
				return nil, s.fail(err)
			}
			out := &reviewGroupsOut{}
			out.Body.Groups = groups[:min(len(groups), in.Limit)]
			if out.Body.Groups == nil {
				out.Body.Groups = []live.ReviewGroup{}
			}
			if len(groups) > in.Limit {
				last := out.Body.Groups[len(out.Body.Groups)-1]
				out.Body.Next = s.cursors.seal(last.Key())
			}
			out.Body.Pairs, out.Body.More = pairs, more
			return out, nil
		})

	huma.Register(s.api, reg(huma.Operation{OperationID: "decide", Method: http.MethodPost, Path: "/v1/decisions",
		Summary: "Decide a pair of records: same, different or unsure", Description: "The caller is the reviewer; the pair leaves the review queue and the entities are resolved again."}),
		func(ctx context.Context, in *decideIn) (*changeOut, error) {
			c, v, err := s.begin(ctx, access.OpDecide)
			if err != nil {
				return nil, err
			}
			d, err := in.Body.decision(c, v)
			if err != nil {
				return nil, err
			}
			ch, err := s.l.Decide(ctx, d)
			if err != nil {
				return nil, s.fail(err)
			}
			c.touched(ch.Entity)
			return &changeOut{Body: changeOf(ch, v)}, nil
		})

	huma.Register(s.api, reg(huma.Operation{OperationID: "decide-all", Method: http.MethodPost, Path: "/v1/decisions/batch",
		Summary:     "Decide several pairs of records at once, all or none",
		Description: "Each decision as POST /v1/decisions takes one, in their order, with its own change and audit entry, in one transaction: every pair is checked first, and a failure stores none. For the pairs of a record in doubt (GET /v1/review/groups), different first."}),
		func(ctx context.Context, in *decideAllIn) (*decisionsOut, error) {
			c, v, err := s.begin(ctx, access.OpDecide)
			if err != nil {
				return nil, err
			}
			ds := make([]record.Decision, len(in.Body.Decisions))
			for i, b := range in.Body.Decisions {
				if ds[i], err = b.decision(c, v); err != nil {
					return nil, err
				}
			}
			chs, err := s.l.DecideAll(ctx, ds)
			if err != nil {
				return nil, s.fail(err)
			}
			out := &decisionsOut{}
			out.Body.Changes = make([]changeBody, len(chs))
			for i, ch := range chs {
				c.touched(ch.Entity)
				out.Body.Changes[i] = changeOf(ch, v)
			}
			return out, nil
		})

	huma.Register(s.api, reg(huma.Operation{OperationID: "merge", Method: http.MethodPost, Path: "/v1/merges",
		Summary: "Merge two entities by hand", Description: "A same decision between the first records of each that the caller sees."}),
		func(ctx context.Context, in *mergeIn) (*changeOut, error) {
			c, v, err := s.begin(ctx, access.OpDecide)
			if err != nil {
				return nil, err
			}
			ea, errA := s.l.Entity(ctx, in.Body.A, v)
			eb, errB := s.l.Entity(ctx, in.Body.B, v)
			if err := errors.Join(errA, errB); err != nil {
				return nil, s.fail(err)
			}
			if len(ea.Records) == 0 || len(eb.Records) == 0 || in.Body.A == in.Body.B {
				return nil, huma.Error422UnprocessableEntity("a merge needs two different entities with records")
			}
			ch, err := s.l.MergeSeen(ctx, in.Body.A, in.Body.B, v, c.principal.ID, in.Body.Comment)
			if err != nil {
				return nil, s.fail(err)
			}
			c.touched(in.Body.A, in.Body.B, ch.Entity)
			return &changeOut{Body: changeOf(ch, v)}, nil
		})

	huma.Register(s.api, reg(huma.Operation{OperationID: "split", Method: http.MethodPost, Path: "/v1/entities/{id}/split",
		Summary: "Split records out of an entity by hand"}),
		func(ctx context.Context, in *splitIn) (*changeOut, error) {
			c, v, err := s.begin(ctx, access.OpDecide)
			if err != nil {
				return nil, err
			}
			var keys []record.Key
			for _, r := range in.Body.Records {
				k, err := parseKey(r)
				if err != nil {
					return nil, err
				}
				if !v.Record(k) {
					return nil, huma.Error404NotFound("not found")
				}
				keys = append(keys, k)
			}
			if _, err := s.l.Entity(ctx, in.ID, v); err != nil {
				return nil, s.fail(err)
			}
			ch, err := s.l.SplitSeen(ctx, in.ID, keys, v, c.principal.ID, in.Body.Comment)
			if err != nil {
				return nil, s.fail(err)
			}
			c.touched(in.ID, ch.Entity)
			return &changeOut{Body: changeOf(ch, v)}, nil
		})

	huma.Register(s.api, reg(huma.Operation{OperationID: "audit-log", Method: http.MethodGet, Path: "/v1/audit",
		Summary: "The audit log, in pages"}),
		func(ctx context.Context, in *PageParams) (*auditOut, error) {
			_, v, err := s.begin(ctx, access.OpAudit)
			if err != nil {
				return nil, err
			}
			var after int64
			if in.After != "" {
				if err := s.cursors.open(in.After, &after); err != nil {
					return nil, err
				}
			}
			entries, err := s.l.AuditPage(ctx, v, after, in.Limit)
			if err != nil {
				return nil, s.fail(err)
			}
			out := &auditOut{}
			out.Body.Entries = entries
			if in.Limit > 0 && len(entries) == in.Limit {
				out.Body.Next = s.cursors.seal(entries[len(entries)-1].Seq)
			}
			return out, nil
		})

	huma.Register(s.api, reg(huma.Operation{OperationID: "audit-verify", Method: http.MethodGet, Path: "/v1/audit/verify",
		Summary: "Verify the audit log's chain and the store's state against it"}),
		func(ctx context.Context, _ *struct{}) (*verifyOut, error) {
			_, view, err := s.begin(ctx, access.OpAudit)
			if err != nil {
				return nil, err
			}
			v, err := s.l.VerifyAs(ctx, view)
			if err != nil {
				return nil, s.fail(err)
			}
			out := &verifyOut{}
			out.Body.Verification, out.Body.OK = v, v.OK()
			return out, nil
		})

	sse.Register(s.api, reg(huma.Operation{OperationID: "change-stream", Method: http.MethodGet, Path: "/v1/changes/stream",
		Summary:     "The change feed as Server-Sent Events",
		Description: "Each entity created, merged, split or removed is a change event whose id is its sequence number; a reconnecting client sends Last-Event-ID to resume. The stream ends with the request's time limit.",
		// The stream's status is written before its handler runs: a
		// caller its roles do not let read is refused first.
		Middlewares: huma.Middlewares{s.needs(access.OpRead)}}),
		map[string]any{"message": record.Event{}, "problem": problemEvent{}}, s.changeStream)

	huma.Register(s.api, reg(huma.Operation{OperationID: "changes", Method: http.MethodGet, Path: "/v1/changes",
		Summary:     "The change feed: entities created, merged, split and removed",
		Description: "Events after a sequence number, oldest first; with wait, the request waits for one when there is none yet (long poll). Resume after next."}),
		func(ctx context.Context, in *changesIn) (*changesOut, error) {
			_, v, err := s.begin(ctx, access.OpRead)
			if err != nil {
				return nil, err
			}
			evs, next, err := s.changes(ctx, v, in)
			if err != nil {
				return nil, s.fail(err)
			}
			out := &changesOut{}
			out.Body.Events, out.Body.Next = evs, next
			if evs == nil {
				out.Body.Events = []record.Event{}
			}
			return out, nil
		})
}

// changeStream serves the change feed as Server-Sent Events: each lineage
// event a "change" message whose id is its sequence number, from after
// (or the Last-Event-ID a reconnecting client sends) until the request
// ends; the client reconnects to resume.
func (s *Server) changeStream(ctx context.Context, in *streamIn, send sse.Sender) {
	_, v, err := s.begin(ctx, access.OpRead)
	if err != nil {
		send(sse.Message{Data: problemEvent{Status: 403, Detail: "the change feed needs the read operation"}})
		return
	}
	after := in.After
	if in.LastEventID > after {
		after = in.LastEventID
	}
	for {
		changed := s.l.Changed()
		evs, next, err := s.l.Changes(ctx, v, after, 256)
		if err != nil {
			return
		}
		for _, e := range evs {
			if send(sse.Message{ID: int(e.Seq), Data: e}) != nil {
				return
			}
		}
		if next > after {
			after = next
			continue
		}
		t := time.NewTimer(time.Second)
		select {
		case <-changed:
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return
		}
		t.Stop()
	}
}

// changes reads the feed, waiting up to in.Wait seconds for an event: it
// wakes when this process commits a change, and looks again every second
// for changes other processes make.
func (s *Server) changes(ctx context.Context, v access.View, in *changesIn) ([]record.Event, int64, error) {
	deadline := time.Now().Add(time.Duration(in.Wait) * time.Second)
	after := in.After
	for {
		changed := s.l.Changed()
		evs, next, err := s.l.Changes(ctx, v, after, in.Limit)
		if err != nil || len(evs) > 0 || !time.Now().Before(deadline) {
			return evs, next, err
		}
		after = next // past the events the reader may not see
		t := time.NewTimer(min(time.Second, time.Until(deadline)))
		select {
		case <-changed:
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, after, nil // an empty answer: resume after this sequence
		}
		t.Stop()
	}
}

// query makes the record a screening query describes. A value that cannot
// be normalised is left out and reported in rejected; a query with no
// usable value is an error.
func (s *Server) query(in *matchIn, rejected *[]uploadError) (record.Record, error) {
	q := record.Record{Key: record.Key{Source: in.Body.Source, ID: "query"}, Kind: in.Body.Kind}
	usable := 0
	if len(in.Body.Features) == 0 || len(in.Body.Features) > 50 {
		return q, huma.Error422UnprocessableEntity("a query needs from 1 to 50 features")
	}
	names := make([]string, 0, len(in.Body.Features))
	for name := range in.Body.Features {
		names = append(names, name)
	}
	sortStrings(names)
	// A query like a source's records reads its values as the source's
	// are read: a date in its formats or order, a phone in its region.
	like := map[string]normalize.Options{}
	for _, src := range s.opt.Sources {
		if src.Name == in.Body.Source {
			for i, o := range engine.FieldOptions(src, s.opt.Limits) {
				like[src.Fields[i].Name] = o
			}
		}
	}
	for _, name := range names {
		kind, ok := s.opt.Kinds[name]
		if !ok {
			return q, huma.Error422UnprocessableEntity(fmt.Sprintf("no feature %q", name))
		}
		opt := like[name] // none: read as no source's
		opt.MaxBytes = s.opt.Limits.ValueBytes[kind]
		raws := in.Body.Features[name]
		if len(raws) > 20 {
			return q, huma.Error422UnprocessableEntity(fmt.Sprintf("feature %s: at most 20 values", name))
		}
		f := record.Feature{Name: name, Kind: kind, Raw: raws}
		for _, raw := range raws {
			// A cell that writes several values (a name and its alias,
			// two numbers) is read as a source's would be.
			// A name's other spelling (Müller, Mueller) is asked for too,
			// as a stored record's is held.
			normalize.ReadCell(kind, raw, opt,
				func(_, spelling string, v record.Value) {
					f.Values = append(f.Values, v)
					if spelling == "" {
						usable++
					}
				},
				func(_ string, err error) {
					*rejected = append(*rejected, uploadError{Field: name, Reason: err.Error()})
				})
		}
		q.Features = append(q.Features, f)
	}
	if usable == 0 {
		return q, huma.Error422UnprocessableEntity("no value of the query could be used", rejectDetails(*rejected)...)
	}
	return q, nil
}

func rejectDetails(rs []uploadError) []error {
	var out []error
	for _, r := range rs {
		out = append(out, &huma.ErrorDetail{Message: r.Reason, Location: "body." + r.Field})
	}
	return out
}
