// Command concord resolves records from many sources into entities.
// Everything it does lives in internal/cli and the packages below it.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/concord-er/concord/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
