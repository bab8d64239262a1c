// Command concord resolves records from many sources into entities.
// Everything it does lives in internal/cli and the packages below it.
package main

import (
	"os"

	"github.com/concord-er/concord/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
