package emulator

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// randomHex returns n random bytes hex-encoded (2n characters).
func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("emulator: crypto/rand: %v", err)) // never fails on supported platforms
	}
	return hex.EncodeToString(b)
}

// newUUID returns a random (version 4) UUID, the shape of SCIM ids, group ids, org and cloud ids.
func newUUID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("emulator: crypto/rand: %v", err))
	}
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// newAccountID returns an Atlassian account id in the classic 24-hex-digit form.
func newAccountID() string { return randomHex(12) }

// newTraceID returns an id for error bodies that carry one.
func newTraceID() string { return randomHex(8) }
