package scim

import (
	"bytes"
	"encoding/json"
)

// Eq builds the only filter form the Atlassian SCIM service supports: attr eq "value".
func Eq(attr, value string) string {
	return attr + " eq " + quoteValue(value)
}

// quoteValue renders a filter comparison value. RFC 7644 §3.4.2.2 makes it a JSON string, so quotes,
// backslashes and control characters are escaped the JSON way and user names with them round-trip.
func quoteValue(value string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(value) // encoding a string cannot fail
	return string(bytes.TrimRight(b.Bytes(), "\n"))
}
