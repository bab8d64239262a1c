package live

// SetMaxAccessWaiting sets how many entries about reads may wait for a
// change, for a test; it returns what puts the bound back.
func SetMaxAccessWaiting(n int) (restore func()) {
	was := maxAccessWaiting
	maxAccessWaiting = n
	return func() { maxAccessWaiting = was }
}

// HoldTurn holds the writers' turn (see commitWaiting), as a long change
// would, until the function it returns is called.
func (l *Live) HoldTurn() (release func()) {
	l.turn.Lock()
	return l.turn.Unlock
}

// Waiting is how many changes wait for their turn.
func (l *Live) Waiting() int {
	l.waitingMu.Lock()
	defer l.waitingMu.Unlock()
	return len(l.waiting)
}
