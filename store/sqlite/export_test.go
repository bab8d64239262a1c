package sqlite

// SetRestartPages sets the log size at which the checkpointer restarts
// the log, until the returned function puts it back.
func SetRestartPages(n int) (restore func()) {
	old := restartPages
	restartPages = n
	return func() { restartPages = old }
}

// AppendChangeKeys and EachChangeKey are the change log's encoding of keys.
var (
	AppendChangeKeys = appendChangeKeys
	EachChangeKey    = eachChangeKey
)
