package server

import (
	"bytes"
	"context"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/concord-er/concord/access"
	"github.com/concord-er/concord/record"
	"github.com/concord-er/concord/relate"
)

// FilterParams are the edges a network query follows.
type FilterParams struct {
	Type      []string `query:"type" maxItems:"20" doc:"Follow only edges of these types (shares_* for every shared identifier); all when none."`
	MinWeight float64  `query:"min_weight" minimum:"0" maximum:"1" doc:"Follow only edges of at least this weight."`
	Since     string   `query:"since" maxLength:"30" doc:"Leave out dated edges (payments) all before this day (YYYY-MM-DD)."`
	Until     string   `query:"until" maxLength:"30" doc:"Leave out dated edges all after this day (YYYY-MM-DD)."`
}

func (p FilterParams) filter() (relate.Filter, error) {
	f := relate.Filter{Types: p.Type, MinWeight: p.MinWeight}
	if p.Since != "" {
		t, ok := relate.ParseDay(p.Since)
		if !ok {
			return f, huma.Error422UnprocessableEntity(fmt.Sprintf("since %q is not a date (YYYY-MM-DD)", p.Since))
		}
		f.Since = t
	}
	if p.Until != "" {
		t, ok := relate.ParseDay(p.Until)
		if !ok {
			return f, huma.Error422UnprocessableEntity(fmt.Sprintf("until %q is not a date (YYYY-MM-DD)", p.Until))
		}
		f.Until = t
	}
	return f, nil
}

type (
	networkOut struct {
		AsOf int64 `header:"Concord-As-Of" doc:"The audit sequence the network is as of: changes after it are not in it yet."`
		Body relate.Network
	}
	pathOut struct {
		AsOf int64 `header:"Concord-As-Of"`
		Body relate.Path
	}
	groupsOut struct {
		AsOf int64 `header:"Concord-As-Of"`
		Body struct {
			Groups []relate.Group `json:"groups"`
		}
	}
	exportOut struct {
		AsOf        int64  `header:"Concord-As-Of"`
		ContentType string `header:"Content-Type"`
		Body        []byte
	}
)

// networkRoutes registers the network's operations. The network a caller
// queries is the one its view holds (live.NetworkOf): records it may not
// see state no edge, share no value, and no path crosses them.
func (s *Server) networkRoutes(reg func(huma.Operation) huma.Operation) {
	// graph checks the caller and its filter, and gives the network its
	// view holds.
	graph := func(ctx context.Context, fp FilterParams) (*caller, *relate.Graph, relate.Filter, int64, error) {
		c, v, err := s.begin(ctx, access.OpRead)
		if err != nil {
			return nil, nil, relate.Filter{}, 0, err
		}
		f, err := fp.filter()
		if err != nil {
			return nil, nil, f, 0, err
		}
		g, seq, err := s.l.NetworkOf(ctx, v)
		return c, g, f, seq, s.fail(err)
	}

	huma.Register(s.api, reg(huma.Operation{OperationID: "entity-network", Method: http.MethodGet, Path: "/v1/entities/{id}/network",
		Summary:     "The network around an entity",
		Description: "The entities within depth hops of the entity over the edges followed, nearest first, and every followed edge among them, each with its evidence: relationships records state, identifiers shared without being one entity (weighted by how many entities hold the value), and pairs in review."}),
		func(ctx context.Context, in *struct {
			PurposeParam
			FilterParams
			ID       record.EntityID `path:"id" maxLength:"100"`
			Depth    int             `query:"depth" minimum:"1" maximum:"6" default:"2"`
			MaxNodes int             `query:"max_nodes" minimum:"1" maximum:"100000" default:"500"`
		}) (*networkOut, error) {
			c, g, f, seq, err := graph(ctx, in.FilterParams)
			if err != nil {
				return nil, err
			}
			n, err := g.Neighbours(in.ID, in.Depth, in.MaxNodes, f)
			if err != nil {
				return nil, s.fail(err)
			}
			for _, nd := range n.Nodes {
				c.touched(nd.Entity)
			}
			return &networkOut{AsOf: seq, Body: n}, nil
		})

	huma.Register(s.api, reg(huma.Operation{OperationID: "network-path", Method: http.MethodGet, Path: "/v1/network/path",
		Summary:     "A path between two entities, with the evidence of every hop",
		Description: "The path of the fewest hops, or with strongest=true the one whose product of edge weights is greatest."}),
		func(ctx context.Context, in *struct {
			PurposeParam
			FilterParams
			From      record.EntityID `query:"from" required:"true" maxLength:"100"`
			To        record.EntityID `query:"to" required:"true" maxLength:"100"`
			Strongest bool            `query:"strongest"`
			MaxHops   int             `query:"max_hops" minimum:"1" maximum:"12" default:"6"`
		}) (*pathOut, error) {
			c, g, f, seq, err := graph(ctx, in.FilterParams)
			if err != nil {
				return nil, err
			}
			find := g.ShortestPath
			if in.Strongest {
				find = g.StrongestPath
			}
			p, err := find(in.From, in.To, in.MaxHops, f)
			if err != nil {
				return nil, s.fail(err)
			}
			for _, nd := range p.Nodes {
				c.touched(nd.Entity)
			}
			return &pathOut{AsOf: seq, Body: p}, nil
		})

	huma.Register(s.api, reg(huma.Operation{OperationID: "network-groups", Method: http.MethodGet, Path: "/v1/network/groups",
		Summary:     "Groups of entities the edges followed join, largest and densest first",
		Description: "Connected groups under the filter: with type=shares_*, rings of people and companies tied by shared phones, accounts and addresses."}),
		func(ctx context.Context, in *struct {
			PurposeParam
			FilterParams
			MinSize int `query:"min_size" minimum:"2" maximum:"1000000" default:"3"`
			Limit   int `query:"limit" minimum:"1" maximum:"1000" default:"100"`
		}) (*groupsOut, error) {
			_, g, f, seq, err := graph(ctx, in.FilterParams)
			if err != nil {
				return nil, err
			}
			gs, err := g.Groups(in.MinSize, in.Limit, f)
			if err != nil {
				return nil, s.fail(err)
			}
			out := &groupsOut{AsOf: seq}
			out.Body.Groups = gs
			return out, nil
		})

	huma.Register(s.api, reg(huma.Operation{OperationID: "network-export", Method: http.MethodGet, Path: "/v1/network/export",
		Summary:     "The network as GraphML, GEXF or JSON",
		Description: "For Gephi (GEXF), Cytoscape, yEd and Neo4j (GraphML), or any program (JSON, with evidence): the network around an entity when entity is given, else the whole network the caller sees, at most max_nodes entities."}),
		func(ctx context.Context, in *struct {
			PurposeParam
			FilterParams
			Format   string          `query:"format" enum:"graphml,gexf,json" default:"graphml"`
			Entity   record.EntityID `query:"entity" maxLength:"100" doc:"Export the network around this entity (depth hops)."`
			Depth    int             `query:"depth" minimum:"1" maximum:"6" default:"2"`
			MaxNodes int             `query:"max_nodes" minimum:"1" maximum:"100000" default:"10000"`
		}) (*exportOut, error) {
			c, g, f, seq, err := graph(ctx, in.FilterParams)
			if err != nil {
				return nil, err
			}
			var n relate.Network
			if in.Entity != "" {
				if n, err = g.Neighbours(in.Entity, in.Depth, in.MaxNodes, f); err != nil {
					return nil, s.fail(err)
				}
				c.touched(in.Entity)
			} else if n, err = g.All(in.MaxNodes, f); err != nil {
				return nil, s.fail(err)
			}
			var buf bytes.Buffer
			if err := relate.Write(&buf, n, in.Format); err != nil {
				return nil, s.fail(err)
			}
			return &exportOut{AsOf: seq, ContentType: relate.ContentTypes[in.Format], Body: buf.Bytes()}, nil
		})
}
