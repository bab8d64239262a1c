package record

import (
	"maps"
	"sync"
	"sync/atomic"
)

// maxFacetNames bounds the names FacetName keeps: a kind has a handful of
// facets, and stored data naming more (a store written by something else)
// gets its names as they are, not kept.
const maxFacetNames = 1024

var (
	facetNames   atomic.Pointer[map[string]string] // read without a lock, replaced whole
	facetNamesMu sync.Mutex                        // serialises replacements
)

// FacetName returns name as one string shared by every value that names
// that facet. Facet names are few and every stored value repeats them: a
// memory copy of a million records then holds each once rather than
// millions of times, and comparing two of them compares one pointer
// (compare looks values' facets up by name for every pair it scores).
func FacetName(name string) string {
	if m := facetNames.Load(); m != nil {
		if s, ok := (*m)[name]; ok {
			return s
		}
	}
	return keepFacetName(name)
}

// facetName is FacetName of bytes, copied only for a name not kept yet.
func facetName(b []byte) string {
	if m := facetNames.Load(); m != nil {
		if s, ok := (*m)[string(b)]; ok {
			return s
		}
	}
	return keepFacetName(string(b))
}

func keepFacetName(name string) string {
	facetNamesMu.Lock()
	defer facetNamesMu.Unlock()
	m := map[string]string{}
	if old := facetNames.Load(); old != nil {
		if s, ok := (*old)[name]; ok {
			return s
		}
		if len(*old) >= maxFacetNames {
			return name
		}
		m = maps.Clone(*old)
	}
	m[name] = name
	facetNames.Store(&m)
	return name
}
