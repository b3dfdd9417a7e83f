// Package e2etest is the harness that tuntap's end-to-end test packages
// (e2e/...) share: it builds the tuntap binary once per test binary, runs
// programs in network namespaces with their output in log files that are
// shown when a test fails, writes keys and configs as a user would (mode
// 0600), waits for pings and reads `tuntap show --json`.
//
// It is imported only by tests. Importing it locks the main goroutine to
// the main thread (see main_linux.go); everything that touches namespaces
// is Linux only.
package e2etest
