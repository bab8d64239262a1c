package model_test

import (
	"testing"

	"github.com/concord-er/concord/compare"
	"github.com/concord-er/concord/model"
	"github.com/concord-er/concord/normalize"
	"github.com/concord-er/concord/record"
)

// FuzzNearSlip: whatever two names are written, telling whether they are
// one name slipped at each near level neither panics nor depends on which
// comes first; a near level's adjustment is 0 for names not one name
// slipped, and for those never upward of the commoner name's exact
// adjustment nor more than makes the level weigh as exact agreement of
// that name would.
func FuzzNearSlip(f *testing.F) {
	for _, seed := range [][2]string{
		{"James Kenneth Jackson", "JAMES KENNETH JAAKSON"},
		{"CRAWHAM, Robrt", "ROBERT CRAWHAM"},
		{"Alejandro Oxista Márquez", "ALEX OXISTA"},
		{"Hassan Mansour", "HASAN MANSUR"},
		{"Pepe Jorge Rayilla Giménez", "JOSE JORGE RAYILLA GIMENEZ"},
		{"Alejandro Horacio Rolón Cordero Villalobos", "ALEJANDRO HORACIO ROLON CORDERO VIL"},
		{"a b c d e f g h i j k l m n o p q r", "a b c d e f g h i j k l m n o p q s"},
		{"Norte Garrido Industrial S.A.", "NOTRE GARRIDO INDUSTRIAL SA"},
		{"Zambrana Pagan Meraz Godinez Hermanos S.C.", "ZAMBRANA PAGAN MERAZ GODINEZ HERMAN"},
		{"PERALES MONTES CHAVARRIA BLANCO Y B", "Perales Montes Chavarria Blanco y Barajas Olivo Asociados S.A. de C.V."},
		{"Hu Chun-ming", "HU CHUN-PING"},
		{"Huang Shu-jun", "HU SHU-JUN"},
		{"Peter Hansen", "PETER JANSEN"}, // at the level of a typo, two names of their own
	} {
		f.Add(seed[0], seed[1])
	}
	c := compare.MustCompile(compare.DefaultSpec("name", record.KindParty))
	near := model.NearLevels(c)
	if near == nil {
		f.Fatal("the default party names have no near level")
	}
	f.Fuzz(func(t *testing.T, x, y string) {
		vx, errX := normalize.Value(record.KindParty, x, normalize.Options{})
		vy, errY := normalize.Value(record.KindParty, y, normalize.Options{})
		if errX != nil || errY != nil {
			return
		}
		a, b := []compare.Prepared{c.Prepare(&vx)}, []compare.Prepared{c.Prepare(&vy)}
		adj := func(p *compare.Prepared) float64 { return float64(len(p.Tokens())) - 2 }
		words := func(w string) bool { return len(w)%2 == 0 } // names of their own: any set will do
		for l, ok := range near {
			if !ok {
				continue
			}
			if ab, ba := model.NearSlip(c, l, &a[0], &b[0], words), model.NearSlip(c, l, &b[0], &a[0], words); ab != ba {
				t.Fatalf("%q ~ %q at level %d: one name slipped %v one way, %v the other", x, y, l, ab, ba)
			}
			slip := model.NearSlip(c, l, &a[0], &b[0], words)
			if slip && !model.NearSlip(c, l, &a[0], &b[0], nil) {
				t.Fatalf("%q ~ %q at level %d: one name slipped when words are known, not when they are not", x, y, l)
			}
			if two, want := model.TwoNamesSlip(c, l, &a[0], &b[0], words), !slip && model.NearSlip(c, l, &a[0], &b[0], nil); two != want {
				t.Fatalf("%q ~ %q at level %d: two names slipped %v, want %v (slipped without words, not with)", x, y, l, two, want)
			}
			exact := min(adj(&a[0]), adj(&b[0]))
			two := model.TwoNamesSlip(c, l, &a[0], &b[0], words)
			for _, room := range []float64{0, 1.5, 6} {
				for _, down := range []float64{0, -2} {
					tf, twoTaken := model.NearNameTF(c, l, a, b, adj, room, down, words)
					switch {
					case twoTaken != (two && down != 0):
						t.Fatalf("%q ~ %q at level %d: two names taken %v, two names %v, down %v", x, y, l, twoTaken, two, down)
					case twoTaken && tf != down:
						t.Fatalf("%q ~ %q at level %d: two names adjusted %v, want %v", x, y, l, tf, down)
					case !slip && !twoTaken && tf != 0:
						t.Fatalf("%q ~ %q at level %d: adjustment %v, not one name slipped", x, y, l, tf)
					case slip && (tf > max(exact, 0) || tf > room+exact):
						t.Fatalf("%q ~ %q at level %d, %v below exact: adjustment %v, the commoner name's exact one %v", x, y, l, room, tf, exact)
					}
				}
			}
		}
	})
}

// TestFieldCut: a name as long as a payment message's field, its last word
// cut inside (normalize.FacetFieldCut "word"), is the start of a longer
// name whoever's it is; one that fills the field to a space, one of no
// field's length, one longer than the other, or one whose words differ
// otherwise is not.
func TestFieldCut(t *testing.T) {
	c := compare.MustCompile(compare.DefaultSpec("name", record.KindParty))
	tests := []struct {
		a, b string
		want bool
	}{
		{"ZAMBRANA PAGAN MERAZ GODINEZ HERMAN", "Zambrana Pagan Meraz Godinez Hermanos S.C.", true}, // 35 characters
		{"DELGADO AGUILAR VANEGAS DE YEBRA HE", "Delgado Aguilar Vanegas de Yebra Hermanos S.A.", true},
		{"ALEJANDRO HORACIO ROLON CORDERO VIL", "Alejandro Horacio Rolón Cordero Villalobos", true}, // a person's
		{"ZAMBRANA PAGAN HERMAN", "Zambrana Pagan Hermanos S.C.", false},                            // no field's length
		{"ZAMBRANA PAGAN MERAZ GODINEZ HERM X", "Zambrana Pagan Meraz Godinez Hermanos", false},     // a word that is no other's
		{"ZAMBRANA PAGAN MERAZ GODINEZ HERMAN", "Zambrana Pagan Meraz Godinez", false},              // the longer one
		{"ZAMBRANA PAGAN MERAZ GODINEZ HERMAN", "Zambrana Pagan Meraz Godinez Herman", false},       // whole: exact
	}
	for _, tt := range tests {
		va, err := normalize.Value(record.KindParty, tt.a, normalize.Options{})
		if err != nil {
			t.Fatal(err)
		}
		vb, err := normalize.Value(record.KindParty, tt.b, normalize.Options{})
		if err != nil {
			t.Fatal(err)
		}
		pa, pb := c.Prepare(&va), c.Prepare(&vb)
		if got, back := model.FieldCut(&pa, &pb), model.FieldCut(&pb, &pa); got != tt.want || back != tt.want {
			t.Errorf("FieldCut(%q, %q) = %v, %v the other way; want %v", tt.a, tt.b, got, back, tt.want)
		}
	}
}
