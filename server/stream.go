package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/engine"
	"github.com/concord-er/concord/ingest"
	"github.com/concord-er/concord/live"
)

// StreamPath is the NDJSON streaming upload: rows of one source in,
// acknowledgements out, as they commit.
const StreamPath = "/v1/sources/{source}/records"

// maxStreamBytes bounds one streaming upload; each row is bounded too.
const maxStreamBytes = 4 << 30

// streamIdle is how long a streaming upload may wait for its next bytes,
// or for its client to read an acknowledgement.
const streamIdle = time.Minute

// streamLine is one line of a streaming upload's answer.
type streamLine struct {
	Change *changeBody    `json:"change,omitempty"`
	Reject *engine.Reject `json:"reject,omitempty"`
}

// uploadStream reads NDJSON rows of one source from the request body, as
// concord upsert reads a file of that source, and applies them in groups
// as they arrive (group commit); each committed change and each rejected
// row or value is written back as an NDJSON line at once. A row that
// cannot be read is a reject; the stream goes on. Ending the request
// (or the server stopping) ends the stream: what was acknowledged is
// committed.
func (s *Server) uploadStream(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, v, err := s.begin(ctx, access.OpWrite)
	if err != nil {
		s.writeError(w, err)
		return
	}
	parts, ok := s.feeds[r.PathValue("source")]
	if !ok {
		problem(w, http.StatusNotFound, "no such source")
		return
	}
	rc := http.NewResponseController(w)
	rc.EnableFullDuplex() // acknowledge rows while the client still sends
	body := &deadlineReader{r: r.Body, rc: rc}
	opt := engine.JSONRowOptions(parts, "request", s.opt.Limits.RowBytes)
	rd, err := ingest.Open(ingest.ContextReader(ctx, body), opt)
	if err != nil {
		problem(w, http.StatusBadRequest, "the body is not NDJSON rows")
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.WriteHeader(http.StatusOK)
	enc := json.NewEncoder(w)
	emit := func(l streamLine) error {
		rc.SetWriteDeadline(time.Now().Add(streamIdle))
		return enc.Encode(l)
	}
	_, err = s.l.Stream(live.WithActor(ctx, c.principal.ID), rd, live.StreamOptions{Source: parts[0], Parts: parts[1:], Limits: s.opt.Limits, File: "request",
		Reject: func(rj engine.Reject) error {
			rj.File = "request"
			return emit(streamLine{Reject: &rj})
		},
		Committed: func(chs []live.Change) error {
			for _, ch := range chs {
				b := changeOf(ch, v)
				c.touched(ch.Entity)
				if err := emit(streamLine{Change: &b}); err != nil {
					return err
				}
			}
			return rc.Flush()
		}})
	if err != nil && !errors.Is(err, ctx.Err()) {
		s.log.Warn("a streaming upload ended early", "error", err)
	}
}

// deadlineReader moves the request's read deadline on before each read,
// so that a long upload is bounded by its idle time, not its total time.
type deadlineReader struct {
	r  interface{ Read([]byte) (int, error) }
	rc *http.ResponseController
}

func (d *deadlineReader) Read(p []byte) (int, error) {
	d.rc.SetReadDeadline(time.Now().Add(streamIdle))
	return d.r.Read(p)
}

// writeError writes an error of begin (a huma status error) as a problem.
func (s *Server) writeError(w http.ResponseWriter, err error) {
	var se huma.StatusError
	if errors.As(err, &se) {
		problem(w, se.GetStatus(), se.Error())
		return
	}
	problem(w, http.StatusInternalServerError, "internal error")
}

// documentStream adds the streaming upload, which huma does not serve, to
// the OpenAPI document.
func (s *Server) documentStream() {
	s.api.OpenAPI().AddOperation(&huma.Operation{
		OperationID: "stream-records", Method: http.MethodPost, Path: StreamPath, Tags: []string{"records"},
		Summary: "Upsert a stream of one source's rows (NDJSON), acknowledged as they commit",
		Description: "The body is NDJSON: one row of the source per line, as its file would hold it. The answer is NDJSON too, " +
			"written as the rows commit in groups: {\"change\": …} for each record upserted, {\"reject\": …} for each row or value " +
			"that could not be used. A row is at most limits.row_bytes; the stream may idle at most a minute.",
		Parameters: []*huma.Param{{Name: "source", In: "path", Required: true, Schema: &huma.Schema{Type: "string", MaxLength: intPtr(100)}}},
		RequestBody: &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{
			"application/x-ndjson": {Schema: &huma.Schema{Type: "string", Description: "rows, one JSON object per line"}}}},
		Responses: map[string]*huma.Response{
			"200": {Description: "acknowledgements and rejects, one JSON object per line", Content: map[string]*huma.MediaType{
				"application/x-ndjson": {Schema: &huma.Schema{Type: "string"}}}},
			"default": {Description: "an error", Content: map[string]*huma.MediaType{
				"application/problem+json": {Schema: &huma.Schema{Ref: "#/components/schemas/ErrorModel"}}}},
		},
	})
}

func intPtr(n int) *int { return &n }
