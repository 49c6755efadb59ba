package sentrytest

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode"
)

// Sentry parses query parameters with Python's int() and float(). These
// helpers reproduce the parts of their grammar that a client can reach, so
// that inputs such as " 5", "1_0" or "+7" behave as on a real server.

// digitValue returns the value of the Unicode decimal digit r (category
// Nd). Unicode encodes every decimal digit in a run of ten consecutive code
// points from zero to nine, so the value is the distance from the start of
// the run, modulo ten for adjacent runs.
func digitValue(r rune) int {
	if r >= '0' && r <= '9' {
		return int(r - '0')
	}
	n := 0
	for unicode.IsDigit(r - rune(n) - 1) {
		n++
	}
	return n % 10
}

// isDecimal reports whether s is non-empty and consists only of Unicode
// decimal digits, like Python's str.isdecimal().
func isDecimal(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// asciiDigits strips Python whitespace around s and rewrites Unicode decimal
// digits as ASCII ones, as CPython does before parsing a number.
func asciiDigits(s string) string {
	s = strings.TrimFunc(s, unicode.IsSpace) // the same set as Python's int()
	var b strings.Builder
	for _, r := range s {
		if unicode.IsDigit(r) {
			b.WriteByte(byte('0' + digitValue(r)))
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// digitRun checks a run of ASCII digits in which single underscores may
// separate digits, returning it without underscores.
func digitRun(s string) (string, bool) {
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			b.WriteByte(c)
		case c == '_' && s[i+1] != '_':
		default:
			return "", false
		}
	}
	return b.String(), true
}

// parsePyInt parses s like Python's int(s): surrounding whitespace, an
// optional sign, digits optionally separated by single underscores.
func parsePyInt(s string) (*big.Int, bool) {
	s = asciiDigits(s)
	sign := ""
	if s != "" && (s[0] == '+' || s[0] == '-') {
		sign, s = s[:1], s[1:]
	}
	digits, ok := digitRun(s)
	if !ok {
		return nil, false
	}
	n, ok := new(big.Int).SetString(sign+digits, 10)
	return n, ok
}

// parsePyFloat parses s like Python's float(s) for the decimal forms
// (infinity and nan words are not accepted because Sentry only calls float()
// on strings that contain a dot). Overflow yields an infinity, as in Python.
func parsePyFloat(s string) (float64, bool) {
	s = asciiDigits(s)
	sign := ""
	if s != "" && (s[0] == '+' || s[0] == '-') {
		sign, s = s[:1], s[1:]
	}
	mantissa, exponent := s, ""
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mantissa, exponent = s[:i], s[i+1:]
		if exponent == "" {
			return 0, false
		}
		expSign := ""
		if exponent[0] == '+' || exponent[0] == '-' {
			expSign, exponent = exponent[:1], exponent[1:]
		}
		digits, ok := digitRun(exponent)
		if !ok {
			return 0, false
		}
		exponent = "e" + expSign + digits
	}
	whole, frac, hasDot := strings.Cut(mantissa, ".")
	if whole == "" && frac == "" {
		return 0, false
	}
	var clean strings.Builder
	for i, part := range []string{whole, frac} {
		if part == "" {
			continue
		}
		digits, ok := digitRun(part)
		if !ok {
			return 0, false
		}
		if i == 1 {
			clean.WriteByte('.')
		}
		clean.WriteString(digits)
	}
	if hasDot && frac == "" {
		clean.WriteByte('.')
	}
	f, err := strconv.ParseFloat(sign+clean.String()+exponent, 64)
	if err != nil && !math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// formatPyFloat formats f like Python's repr(float).
func formatPyFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	if f != 0 {
		// Python switches to exponent notation outside 1e-4 <= |f| < 1e16.
		sci := strconv.FormatFloat(f, 'e', -1, 64)
		exp, _ := strconv.Atoi(sci[strings.IndexByte(sci, 'e')+1:])
		if exp < -4 || exp >= 16 {
			return sci
		}
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}
