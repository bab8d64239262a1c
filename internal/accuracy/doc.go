// Package accuracy measures Concord's unsupervised accuracy on the public
// Febrl benchmarks and on synthetic data, and writes docs/accuracy.md:
//
//	go test ./internal/accuracy -run TestAccuracy -write
//
// Without -write the same test checks the accuracy targets, so a change
// that loses accuracy fails CI.
package accuracy
