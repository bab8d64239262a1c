package compare

import "github.com/concord-er/concord/nickname"

// Nicknames reports whether two token lists are the same name but for at
// least one nickname substitution: same length, each token equal or a
// nickname of the token at the same position, or of any token when the
// order differs.
func Nicknames(a, b []string) bool {
	return len(a) == len(b) && len(a) > 0 && nicknamesWithin(a, b)
}

// NicknameSubset reports whether the name with fewer tokens is, but for at
// least one nickname, a part of the other: each of its tokens (two or more)
// equal to or a nickname of a distinct token of the longer name. A payment
// message writes "SANTOS/PANCHO" for Francisco Diego Santos Gutiérrez: the
// nickname and the dropped maternal surname and middle name together.
func NicknameSubset(a, b []string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	return len(a) >= 2 && len(a) < len(b) && nicknamesWithin(a, b)
}

// NicknameTypo reports whether two names are one but for a nickname and a
// typo in another word (Typo, of minNameTypoLetters letters or more), the
// shorter perhaps a part of the longer as NicknameSubset's: a payment's
// PEPE RAYUEZA for José Rauyeza, Bob Davis for Robert Davies. Two errors
// in one name: weaker evidence than either alone.
func NicknameTypo(a, b []string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(a) < 2 {
		return false
	}
	if nick, typo := nicknamesIn(a, b, true); nick && typo {
		return true
	}
	if len(a) == len(b) { // either may be matched word for word
		nick, typo := nicknamesIn(b, a, true)
		return nick && typo
	}
	return false
}

// nicknamesWithin reports whether each token of a is equal to, or else a
// nickname of, a distinct token of b, at least one a nickname.
func nicknamesWithin(a, b []string) bool {
	nick, _ := nicknamesIn(a, b, false)
	return nick
}

// nicknamesIn matches each token of a to a distinct token of b: an equal
// one, else a nickname of it, else (when typos, once) one it is a typo of
// (NicknameTypo). It reports whether every token matched with a nickname
// among them, and whether a typo did; false when one did not match.
func nicknamesIn(a, b []string, typos bool) (nick, typo bool) {
	var buf [16]bool
	used := buf[:0]
	if len(b) <= len(buf) {
		used = buf[:len(b)]
	} else {
		used = make([]bool, len(b))
	}
	for _, x := range a {
		found := -1
		for k, y := range b {
			if !used[k] && x == y {
				found = k
				break
			}
		}
		if found < 0 {
			for k, y := range b {
				if !used[k] && nickname.Of(x, y) {
					found, nick = k, true
					break
				}
			}
		}
		if found < 0 && typos && !typo && len(x) >= minNameTypoLetters {
			for k, y := range b {
				if !used[k] && len(y) >= minNameTypoLetters && Typo(x, y) {
					found, typo = k, true
					break
				}
			}
		}
		if found < 0 {
			return false, false
		}
		used[found] = true
	}
	return nick, typo
}
