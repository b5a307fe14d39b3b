// Package version reports which build of Pulse is running.
package version

import "runtime"

// Version is set at build time with
// -ldflags "-X pulse/internal/version.Version=v1.2.3".
var Version = "dev"

// String describes the build in one line.
func String() string {
	return "pulse " + Version + " (" + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + ")"
}
