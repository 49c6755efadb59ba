package sentrytest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Django REST framework's request parsing and the field types of the key
// serializers (rest_framework/fields.py, serializers.py), as far as
// ProjectKeyPostSerializer and ProjectKeyPutSerializer use them. A field
// validator returns the field's error list, nil when the value is valid.

const (
	msgNotNull        = "This field may not be null."
	msgNotBlank       = "This field may not be blank."
	msgNotString      = "Not a valid string."
	msgMaxLength      = "Ensure this field has no more than %d characters."
	msgNullCharacters = "Null characters are not allowed."
	msgPattern        = "This value does not match the required pattern."
	msgNotBoolean     = "Must be a valid boolean."
	msgNotInteger     = "A valid integer is required."
	msgStringTooLarge = "String value too large."
	msgMinValue       = "Ensure this value is greater than or equal to %d."
	msgMaxValue       = "Ensure this value is less than or equal to %d."
	msgInvalidChoice  = "\"%s\" is not a valid choice."
	msgNotDict        = "Invalid data. Expected a dictionary, but got %s."
	msgNoData         = "No data provided"
	nonFieldErrors    = "non_field_errors"
)

// requestData is request.data as DRF's parsers give it: an empty body is
// an empty dict whatever its type; JSON is decoded with numbers kept
// exact; other media types are refused (Sentry would also parse form
// bodies, which no API client sends).
func requestData(req *apiRequest) (any, *response) {
	if len(req.body) == 0 {
		return map[string]any{}, nil
	}
	contentType := req.http.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(contentType); err != nil || mt != "application/json" {
		return nil, detailResponse(415, "Unsupported media type \""+contentType+"\" in request.")
	}
	dec := json.NewDecoder(bytes.NewReader(req.body))
	dec.UseNumber()
	var data any
	err := dec.Decode(&data)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = errors.New("extra data after the JSON value")
		}
	}
	if err != nil {
		return nil, detailResponse(400, "JSON parse error - "+err.Error())
	}
	return data, nil
}

// rootObject is a serializer's check of its input: a dict, else a 400
// with non_field_errors.
func rootObject(data any) (map[string]any, *response) {
	switch x := data.(type) {
	case map[string]any:
		return x, nil
	case nil:
		return nil, validationFailed(jsonObject{{nonFieldErrors, []string{msgNoData}}})
	}
	return nil, validationFailed(jsonObject{{nonFieldErrors, []string{fmt.Sprintf(msgNotDict, pyTypeName(data))}}})
}

// validationFailed is the 400 with serializer.errors.
func validationFailed(errs jsonObject) *response {
	return jsonResponse(400, marshalJSON(errs))
}

// charField validates a CharField with allow_null and trim_whitespace. It
// returns the trimmed value ("" for null) and the errors. maxLength 0
// means no limit; pattern, when set, is a RegexField's.
func charField(v any, maxLength int, allowBlank bool, pattern func(string) bool) (value string, errs []string) {
	if v == nil {
		return "", nil
	}
	// run_validation: blank input skips the other checks.
	if strings.TrimFunc(pyStr(v), isPySpace) == "" {
		if !allowBlank {
			return "", []string{msgNotBlank}
		}
		return "", nil
	}
	switch v.(type) {
	case string, json.Number:
	default:
		return "", []string{msgNotString}
	}
	value = strings.TrimFunc(pyStr(v), isPySpace)
	if maxLength > 0 && utf8.RuneCountInString(value) > maxLength {
		errs = append(errs, fmt.Sprintf(msgMaxLength, maxLength))
	}
	if strings.ContainsRune(value, 0) {
		errs = append(errs, msgNullCharacters)
	}
	if pattern != nil && !pattern(value) {
		errs = append(errs, msgPattern)
	}
	return value, errs
}

// isPySpace is Python's str.isspace, which str.strip() removes.
func isPySpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

var (
	drfTrue  = []string{"t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "1"}
	drfFalse = []string{"f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "0"}
)

// booleanField validates a BooleanField without allow_null: true and
// false, their usual spellings as strings, and the numbers 1 and 0.
func booleanField(v any) (bool, []string) {
	switch x := v.(type) {
	case nil:
		return false, []string{msgNotNull}
	case bool:
		return x, nil
	case string:
		switch {
		case slices.Contains(drfTrue, x):
			return true, nil
		case slices.Contains(drfFalse, x):
			return false, nil
		}
	case json.Number:
		if f, err := x.Float64(); err == nil && (f == 0 || f == 1) {
			return f == 1, nil
		}
	}
	return false, []string{msgNotBoolean}
}

// intMember is one EmptyIntegerField of a nested serializer.
type intMember struct {
	present bool // in the input
	null    bool // null or "" (EmptyIntegerField)
	value   int64
}

// truthy is Python's truthiness of the validated value.
func (m intMember) truthy() bool { return !m.null && m.value != 0 }

var reDecimal = regexp.MustCompile(`\.0*\s*$`)

// emptyIntegerField validates Sentry's EmptyIntegerField(min_value=0,
// allow_null=True): "" and null are None; numbers, and strings Python's
// int() reads, are integers once a trailing ".0" is dropped. maxValue 0
// means no maximum. Values beyond int64 saturate, which keeps the range
// errors right.
func emptyIntegerField(v any, maxValue int64) (intMember, []string) {
	m := intMember{present: true}
	if s, ok := v.(string); v == nil || (ok && s == "") {
		m.null = true
		return m, nil
	}
	if s, ok := v.(string); ok && len(s) > 1000 {
		return m, []string{msgStringTooLarge}
	}
	text := strings.TrimFunc(reDecimal.ReplaceAllString(pyStr(v), ""), isPySpace)
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return m, []string{msgNotInteger}
	}
	m.value = n
	var errs []string
	if n < 0 {
		errs = append(errs, fmt.Sprintf(msgMinValue, 0))
	}
	if maxValue > 0 && n > maxValue {
		errs = append(errs, fmt.Sprintf(msgMaxValue, maxValue))
	}
	return m, errs
}

// choiceField validates a ChoiceField without allow_null or allow_blank:
// the input's str() must be one of the choices.
func choiceField(v any, choices []string) (string, []string) {
	if v == nil {
		return "", []string{msgNotNull}
	}
	s := pyStr(v)
	if !slices.Contains(choices, s) {
		return "", []string{fmt.Sprintf(msgInvalidChoice, s)}
	}
	return s, nil
}

// pyTypeName is type(value).__name__ of a decoded JSON value.
func pyTypeName(v any) string {
	switch x := v.(type) {
	case nil:
		return "NoneType"
	case bool:
		return "bool"
	case string:
		return "str"
	case []any:
		return "list"
	case map[string]any:
		return "dict"
	case json.Number:
		if strings.ContainsAny(string(x), ".eE") {
			return "float"
		}
		return "int"
	}
	return fmt.Sprintf("%T", v)
}

// pyStr is Python's str() of a decoded JSON value, which DRF applies to
// input before parsing it or quoting it in a message. Lists and dicts are
// rendered approximately.
func pyStr(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case string:
		return x
	case json.Number:
		return pyNumber(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = pyRepr(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range x {
				if !yield(k) {
					return
				}
			}
		})
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = pyRepr(k) + ": " + pyRepr(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}

func pyRepr(v any) string {
	if s, ok := v.(string); ok {
		return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
	}
	return pyStr(v)
}

// pyNumber is str() of the int or float json.loads makes of n.
func pyNumber(n json.Number) string {
	s := string(n)
	if !strings.ContainsAny(s, ".eE") {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return strconv.FormatInt(i, 10)
		}
		return s
	}
	f, _ := strconv.ParseFloat(s, 64) // ±Inf on overflow, as in Python
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case f != 0 && (math.Abs(f) < 1e-4 || math.Abs(f) >= 1e16):
		return strconv.FormatFloat(f, 'e', -1, 64)
	}
	out := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(out, ".") {
		out += ".0"
	}
	return out
}
