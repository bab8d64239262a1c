package nickname_test

import (
	"slices"
	"testing"

	"github.com/concord-er/concord/nickname"
)

func TestOf(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"william", "bill", true}, {"bill", "william", true}, {"alex", "alejandro", true},
		{"alex", "alexander", true}, {"alejandro", "alexander", true}, {"william", "william", false},
		{"william", "robert", false}, {"zzz", "zzz2", false},
		{"rafa", "rafael", true}, {"khaled", "khalid", true}, {"fatma", "fatima", true}, {"masha", "maria", true},
		{"hans", "johannes", true}, {"gianni", "john", true}, {"eddy", "edward", true}, {"mo", "maurice", true}, {"hettie", "esther", true},
		{"carl", "charles", true}, {"karl", "carlos", true}, {"dickie", "richard", true}, {"ritchie", "rick", true}, {"georgie", "george", true},
		{"jorge", "george", true}, {"archie", "archibald", true}, {"bessie", "elizabeth", true}, {"lewis", "louis", true}, {"graeme", "graham", true},
		{"eddy", "edwin", true}, {"hetty", "henrietta", true}, {"betty", "elizabeth", true}, {"peg", "margaret", true},
		{"polly", "mary", true}, {"tilly", "matilda", true}, {"percy", "percival", true}, {"jas", "james", true},
		// one name in other languages
		{"friedrich", "frederick", true}, {"johannes", "john", true}, {"hans", "john", true}, {"tono", "antonio", true},
		{"kike", "enrique", true}, {"checo", "sergio", true}, {"chente", "vicente", true}, {"heinrich", "henry", true}, {"jozef", "joseph", true}, {"luigi", "louis", true}, {"guillaume", "bill", true},
		// a short form that is another language's name or a surname is left out
		{"jan", "janet", false}, {"gil", "gilbert", false}, {"nan", "ann", false}, {"di", "diana", false},
		// two names one short form stands for are not each other's forms:
		// Albert and Robert (Bert), Alfred and Frederick (Fred), Edwin and
		// Edward (Eddy)
		{"albert", "robert", false}, {"alfred", "frederick", false}, {"edwin", "edward", false},
		// a daughter's name made of her father's is no form of it: George, Georgina
		{"georgina", "george", false},
		// a surname of the same stem is no nickname: John Russ, John Russell
		{"russ", "russell", false}, {"mitch", "mitchell", false}, {"marty", "martin", false},
	}
	for _, tt := range tests {
		if got := nickname.Of(tt.a, tt.b); got != tt.want {
			t.Errorf("Of(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestFull checks that any two forms of one name share a name in full, and
// that a name of no group has none.
func TestFull(t *testing.T) {
	tests := []struct {
		name string
		want []string
	}{
		{"bill", []string{"william"}},
		{"william", []string{"william"}},
		{"betty", []string{"elizabeth"}},
		{"pancho", []string{"francis"}},
		{"bert", []string{"albert", "herbert", "robert", "gilbert", "bertram"}},
		{"zzz", nil},
	}
	for _, tt := range tests {
		got := nickname.Full(tt.name)
		if !sameSet(got, tt.want) {
			t.Errorf("Full(%s) = %v, want %v", tt.name, got, tt.want)
		}
	}
	pairs := [][2]string{{"bill", "liam"}, {"pancho", "paco"}, {"peggy", "margaret"}, {"sasha", "alexander"}, {"muhammad", "mehmet"}}
	for _, p := range pairs {
		if !nickname.Of(p[0], p[1]) {
			t.Fatalf("Of(%s, %s) = false", p[0], p[1])
		}
		if !slices.ContainsFunc(nickname.Full(p[0]), func(s string) bool { return slices.Contains(nickname.Full(p[1]), s) }) {
			t.Errorf("Full(%s) = %v and Full(%s) = %v share no name", p[0], nickname.Full(p[0]), p[1], nickname.Full(p[1]))
		}
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
