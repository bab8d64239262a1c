package normalize

import "github.com/concord-er/concord/record"

// ReadCell reads a raw cell as every reader of values does (a source's
// records, real-time upserts, a screening query, concord normalize): each
// part Parts finds normalised as a value of kind, and after it, for a
// name written with ä, ö, ü, ø or å, its other spelling (Spelling).
// value is called for each value read, with the part it was read from
// and, for the other spelling, that spelling ("" for the part itself);
// bad for each part that could not be read, and for a date cut to its
// sure part (1856-86-18 read as 1856), which value then keeps too (see
// CutDateError). The other spelling of a part
// that was read is never bad: it reads as the part does.
func ReadCell(kind record.Kind, raw string, opt Options, value func(part, spelling string, v record.Value), bad func(part string, err error)) {
	var room [2]string
	for _, part := range AppendParts(room[:0], kind, raw) {
		v, err := Value(kind, part, opt)
		if err != nil {
			bad(part, err)
			if !cutDate(err) {
				continue
			}
		}
		value(part, "", v)
		if alt, ok := Spelling(kind, part); ok {
			if v, err := Value(kind, alt, opt); err == nil {
				value(part, alt, v)
			}
		}
	}
}
