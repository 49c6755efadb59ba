package sentrytest

import (
	"math"
	"testing"
)

func TestParsePyInt(t *testing.T) {
	good := map[string]string{
		"0": "0", "42": "42", "-7": "-7", "+7": "7", " 12\t": "12", "007": "7", "1_000": "1000",
		"\u0663":                  "3",  // ARABIC-INDIC DIGIT THREE
		"\uff11\uff12":            "12", // FULLWIDTH DIGITS
		"99999999999999999999999": "99999999999999999999999",
		"\u30005\u00a0":           "5", // IDEOGRAPHIC SPACE, NO-BREAK SPACE
	}
	for in, want := range good {
		n, ok := parsePyInt(in)
		if !ok || n.String() != want {
			t.Errorf("parsePyInt(%q) = %v, %v; want %s", in, n, ok, want)
		}
	}
	for _, in := range []string{"", " ", "+", "-", "1.0", "1e3", "0x10", "_1", "1_", "1__0", "1 2", "one", "²", "\x1c5"} {
		if n, ok := parsePyInt(in); ok {
			t.Errorf("parsePyInt(%q) = %v, want failure", in, n)
		}
	}
}

func TestParsePyFloat(t *testing.T) {
	good := map[string]float64{
		"1.5": 1.5, ".5": 0.5, "5.": 5, "-2.25": -2.25, " +3.0 ": 3, "1_0.5": 10.5, "1.5e2": 150,
		"1.5E-1": 0.15, "1.e1": 10, "1.5e999": math.Inf(1),
	}
	for in, want := range good {
		f, ok := parsePyFloat(in)
		if !ok || f != want {
			t.Errorf("parsePyFloat(%q) = %v, %v; want %v", in, f, ok, want)
		}
	}
	for _, in := range []string{".", "-.", "1.2.3", "1._5", "1.5e", "1.5e+", "inf.", "nan.", "0x1.8p1", "1.5f", "e5."} {
		if f, ok := parsePyFloat(in); ok {
			t.Errorf("parsePyFloat(%q) = %v, want failure", in, f)
		}
	}
}

func TestFormatPyFloat(t *testing.T) {
	cases := map[float64]string{
		103.5: "103.5", 100: "100.0", 0: "0.0", math.Copysign(0, -1): "-0.0", 1e-4: "0.0001", 1e-5: "1e-05",
		1.5e-7: "1.5e-07", 1e15: "1000000000000000.0", 1e16: "1e+16", 1.25e17: "1.25e+17", -2.5: "-2.5",
		math.Inf(1): "inf", math.Inf(-1): "-inf", 0.1: "0.1",
	}
	for in, want := range cases {
		if got := formatPyFloat(in); got != want {
			t.Errorf("formatPyFloat(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestIsDecimal(t *testing.T) {
	for in, want := range map[string]bool{"123": true, "": false, "12a": false, "\u0661\u0662": true, "-1": false, "²": false} {
		if got := isDecimal(in); got != want {
			t.Errorf("isDecimal(%q) = %v", in, got)
		}
	}
	if digitValue('\U0001D7D9') != 1 { // MATHEMATICAL DOUBLE-STRUCK DIGIT ONE
		t.Errorf("digitValue(double-struck one) = %d", digitValue('\U0001D7D9'))
	}
}

func TestParseQueryDict(t *testing.T) {
	q := parseQueryDict("a=1&b=x+y&a=2&&c&d=%41%zz&e=%ff")
	if v, _ := q.get("a"); v != "2" {
		t.Errorf("get(a) = %q", v)
	}
	if l := q.getList("a"); len(l) != 2 || l[0] != "1" {
		t.Errorf("getList(a) = %v", l)
	}
	if v, _ := q.get("b"); v != "x y" {
		t.Errorf("get(b) = %q", v)
	}
	if v, ok := q.get("c"); !ok || v != "" {
		t.Errorf("get(c) = %q, %v", v, ok)
	}
	if v, _ := q.get("d"); v != "A%zz" {
		t.Errorf("get(d) = %q", v)
	}
	if v, _ := q.get("e"); v != "\uFFFD" {
		t.Errorf("get(e) = %q", v)
	}
	if got := q.encodeWithout("b"); got != "a=1&a=2&c=&d=A%25zz&e=%EF%BF%BD" {
		t.Errorf("encodeWithout = %q", got)
	}
	// Raw non-UTF-8 bytes fall back to ISO-8859-1, like Django.
	if v, _ := parseQueryDict("x=\xe9").get("x"); v != "é" {
		t.Errorf("latin-1 fallback = %q", v)
	}
}
