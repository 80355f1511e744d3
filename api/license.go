package api

import (
	"strings"
)

// LicensePage is where the API page explains the data licence: the Link
// header points there when the licence has no address of its own.
const LicensePage = "/api#license"

// LicenseLink is the Link header (RFC 8288) that names the licence the
// figures are published under: rel="license" (RFC 4946) to where it is
// written, and its name as the title, in RFC 8187 encoding so that any
// name can be given.
func LicenseLink(name, url string) string {
	if url == "" {
		url = LicensePage
	}
	return "<" + url + `>; rel="license"; title*=UTF-8''` + encodeExtValue(name)
}

// encodeExtValue percent-encodes s as an RFC 8187 ext-value, keeping
// only its attr-chars.
func encodeExtValue(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("!#$&+-.^_`|~", c) >= 0:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}
