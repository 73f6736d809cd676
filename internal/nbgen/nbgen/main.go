// Command nbgen writes a notebook's exported cells (tagged "export") into a
// generated Go file; see package internal/nbgen.
//
//	go run ./internal/nbgen/nbgen -notebook notebooks/02-hello-ohlol.ipynb -package notebook02 -out internal/notebook02/zz_notebook_generated.go
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/nndl-hw9/rnngo/internal/nbgen"
)

func main() {
	notebook := flag.String("notebook", "", "the notebook (.ipynb) whose cells tagged \"export\" to extract")
	pkg := flag.String("package", "", "the Go package name of the generated file")
	out := flag.String("out", "", "the generated file to write")
	flag.Parse()
	if *notebook == "" || *pkg == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "nbgen: -notebook, -package and -out are required")
		flag.Usage()
		os.Exit(2)
	}
	src, err := nbgen.Generate(*notebook, *pkg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
