package main

import (
	"context"
	"testing"
)

// TestRun runs the example end to end: every event is delivered, verified
// and acknowledged despite the receiver's planned failure.
func TestRun(t *testing.T) {
	if err := run(context.Background()); err != nil {
		t.Fatal(err)
	}
}
