package live

// SetMaxAccessWaiting sets how many entries about reads may wait for a
// change, for a test; it returns what puts the bound back.
func SetMaxAccessWaiting(n int) (restore func()) {
	was := maxAccessWaiting
	maxAccessWaiting = n
	return func() { maxAccessWaiting = was }
}
