// Package archtest holds the test that enforces DESIGN.md's import
// direction: dependencies point one way, down the tiers.
package archtest
