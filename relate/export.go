package relate

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"

	"github.com/concord-er/concord/record"
)

// Export formats.
const (
	FormatJSON    = "json"
	FormatGraphML = "graphml"
	FormatGEXF    = "gexf"
)

// Formats lists the export formats.
var Formats = []string{FormatJSON, FormatGraphML, FormatGEXF}

// ContentTypes are the media types of the export formats.
var ContentTypes = map[string]string{FormatJSON: "application/json", FormatGraphML: "application/graphml+xml", FormatGEXF: "application/gexf+xml"}

// Write writes n in format: JSON (the Network as it is, evidence and
// all), GraphML (yEd, Cytoscape, Neo4j's apoc.import.graphml, NetworkX) or
// GEXF 1.3 (Gephi). In the XML formats nodes carry kind, name and records,
// and edges type, weight, direction and how much evidence they have.
func Write(w io.Writer, n Network, format string) error {
	bw := bufio.NewWriter(w)
	var err error
	switch format {
	case FormatJSON:
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		err = enc.Encode(n)
	case FormatGraphML:
		err = writeXML(bw, graphML(n))
	case FormatGEXF:
		err = writeXML(bw, gexf(n))
	default:
		return fmt.Errorf("format %q: want one of %v", format, Formats)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

func writeXML(w io.Writer, v any) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

type gmlDoc struct {
	XMLName xml.Name `xml:"graphml"`
	NS      string   `xml:"xmlns,attr"`
	Keys    []gmlKey `xml:"key"`
	Graph   gmlGraph `xml:"graph"`
}

type gmlKey struct {
	ID   string `xml:"id,attr"`
	For  string `xml:"for,attr"`
	Name string `xml:"attr.name,attr"`
	Type string `xml:"attr.type,attr"`
}

type gmlGraph struct {
	ID          string    `xml:"id,attr"`
	EdgeDefault string    `xml:"edgedefault,attr"`
	Nodes       []gmlNode `xml:"node"`
	Edges       []gmlEdge `xml:"edge"`
}

type gmlNode struct {
	ID   string    `xml:"id,attr"`
	Data []gmlData `xml:"data"`
}

type gmlEdge struct {
	ID       string    `xml:"id,attr"`
	Source   string    `xml:"source,attr"`
	Target   string    `xml:"target,attr"`
	Directed bool      `xml:"directed,attr"`
	Data     []gmlData `xml:"data"`
}

type gmlData struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

func graphML(n Network) gmlDoc {
	d := gmlDoc{NS: "http://graphml.graphdrawing.org/xmlns",
		Keys: []gmlKey{
			{"kind", "node", "kind", "string"}, {"name", "node", "name", "string"}, {"records", "node", "records", "int"},
			{"type", "edge", "type", "string"}, {"weight", "edge", "weight", "double"}, {"evidence", "edge", "evidence", "int"},
		},
		Graph: gmlGraph{ID: "concord", EdgeDefault: "undirected"}}
	for _, nd := range n.Nodes {
		d.Graph.Nodes = append(d.Graph.Nodes, gmlNode{ID: string(nd.Entity), Data: []gmlData{
			{"kind", KindName(nd.Kind)}, {"name", nd.Name}, {"records", strconv.Itoa(nd.Records)}}})
	}
	for i, e := range n.Edges {
		d.Graph.Edges = append(d.Graph.Edges, gmlEdge{ID: "e" + strconv.Itoa(i), Source: string(e.From), Target: string(e.To),
			Directed: e.Directed, Data: []gmlData{{"type", e.Type}, {"weight", formatWeight(e.Weight)}, {"evidence", strconv.Itoa(len(e.Evidence))}}})
	}
	return d
}

type gexfDoc struct {
	XMLName xml.Name  `xml:"gexf"`
	NS      string    `xml:"xmlns,attr"`
	Version string    `xml:"version,attr"`
	Meta    gexfMeta  `xml:"meta"`
	Graph   gexfGraph `xml:"graph"`
}

type gexfMeta struct {
	Creator     string `xml:"creator"`
	Description string `xml:"description"`
}

type gexfGraph struct {
	Mode        string      `xml:"mode,attr"`
	EdgeDefault string      `xml:"defaultedgetype,attr"`
	Attributes  []gexfAttrs `xml:"attributes"`
	Nodes       []gexfNode  `xml:"nodes>node"`
	Edges       []gexfEdge  `xml:"edges>edge"`
}

type gexfAttrs struct {
	Class string     `xml:"class,attr"`
	Attrs []gexfAttr `xml:"attribute"`
}

type gexfAttr struct {
	ID    string `xml:"id,attr"`
	Title string `xml:"title,attr"`
	Type  string `xml:"type,attr"`
}

type gexfNode struct {
	ID     string      `xml:"id,attr"`
	Label  string      `xml:"label,attr"`
	Values []gexfValue `xml:"attvalues>attvalue"`
}

type gexfEdge struct {
	ID     string      `xml:"id,attr"`
	Source string      `xml:"source,attr"`
	Target string      `xml:"target,attr"`
	Type   string      `xml:"type,attr"`
	Kind   string      `xml:"kind,attr"`
	Label  string      `xml:"label,attr"`
	Weight string      `xml:"weight,attr"`
	Values []gexfValue `xml:"attvalues>attvalue"`
}

type gexfValue struct {
	For   string `xml:"for,attr"`
	Value string `xml:"value,attr"`
}

func gexf(n Network) gexfDoc {
	d := gexfDoc{NS: "http://gexf.net/1.3", Version: "1.3",
		Meta: gexfMeta{Creator: "Concord", Description: "entities and their relationships"},
		Graph: gexfGraph{Mode: "static", EdgeDefault: "undirected", Attributes: []gexfAttrs{
			{"node", []gexfAttr{{"kind", "kind", "string"}, {"records", "records", "integer"}}},
			{"edge", []gexfAttr{{"evidence", "evidence", "integer"}}},
		}}}
	for _, nd := range n.Nodes {
		d.Graph.Nodes = append(d.Graph.Nodes, gexfNode{ID: string(nd.Entity), Label: nd.Name,
			Values: []gexfValue{{"kind", KindName(nd.Kind)}, {"records", strconv.Itoa(nd.Records)}}})
	}
	for i, e := range n.Edges {
		typ := "undirected"
		if e.Directed {
			typ = "directed"
		}
		d.Graph.Edges = append(d.Graph.Edges, gexfEdge{ID: strconv.Itoa(i), Source: string(e.From), Target: string(e.To),
			Type: typ, Kind: e.Type, Label: e.Type, Weight: formatWeight(e.Weight),
			Values: []gexfValue{{"evidence", strconv.Itoa(len(e.Evidence))}}})
	}
	return d
}

func formatWeight(w float64) string { return strconv.FormatFloat(w, 'g', 6, 64) }

// KindName names an entity kind in the XML formats, unknown included.
func KindName(k record.EntityKind) string {
	if k == record.EntityUnknown {
		return "unknown"
	}
	return string(k)
}
