package sentrytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Django REST framework's request parsing and the field types of the key
// serializers (rest_framework/fields.py, serializers.py), for the JSON a
// typed client sends: strings are strings, booleans are true and false,
// integers are JSON integers. DRF's coercions of other types (numbers as
// names, "yes" as a boolean, "5.0" as an integer) are left out: such input
// fails validation here. A field validator returns the field's error list,
// nil when the value is valid.

const (
	msgNotNull        = "This field may not be null."
	msgNotBlank       = "This field may not be blank."
	msgNotString      = "Not a valid string."
	msgMaxLength      = "Ensure this field has no more than %d characters."
	msgNullCharacters = "Null characters are not allowed."
	msgPattern        = "This value does not match the required pattern."
	msgNotBoolean     = "Must be a valid boolean."
	msgNotInteger     = "A valid integer is required."
	msgMinValue       = "Ensure this value is greater than or equal to %d."
	msgMaxValue       = "Ensure this value is less than or equal to %d."
	msgInvalidChoice  = "\"%v\" is not a valid choice."
	msgNotDict        = "Invalid data. Expected a dictionary, but got %s."
	nonFieldErrors    = "non_field_errors"
)

// requestObject is request.data as a serializer checks it: an empty body is
// an empty dict; a JSON body must be an object; other media types are
// refused (Sentry would also parse form bodies, which no API client sends).
func requestObject(req *apiRequest) (map[string]any, *response) {
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
	if err := dec.Decode(&data); err != nil {
		return nil, detailResponse(400, "JSON parse error - "+err.Error())
	}
	obj, errs := dictField(data)
	if errs != nil {
		return nil, validationFailed(errs)
	}
	return obj, nil
}

// dictField checks that a serializer's input (or a nested serializer's) is
// a dict; its errors are the serializer's, under non_field_errors.
func dictField(v any) (map[string]any, jsonObject) {
	if obj, ok := v.(map[string]any); ok {
		return obj, nil
	}
	return nil, jsonObject{{nonFieldErrors, []string{fmt.Sprintf(msgNotDict, pyTypeName(v))}}}
}

// validationFailed is the 400 with serializer.errors.
func validationFailed(errs jsonObject) *response {
	return jsonResponse(400, marshalJSON(errs))
}

// charField validates a CharField with allow_null and trim_whitespace. It
// returns the trimmed value ("" for null) and the errors. maxLength 0
// means no limit; pattern, when set, is a RegexField's.
func charField(v any, maxLength int, allowBlank bool, pattern func(string) bool) (string, []string) {
	if v == nil {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", []string{msgNotString}
	}
	value := strings.TrimFunc(s, isPySpace)
	if value == "" {
		if !allowBlank {
			return "", []string{msgNotBlank}
		}
		return "", nil
	}
	var errs []string
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

// booleanField validates a BooleanField without allow_null.
func booleanField(v any) (bool, []string) {
	switch x := v.(type) {
	case nil:
		return false, []string{msgNotNull}
	case bool:
		return x, nil
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

// emptyIntegerField validates Sentry's EmptyIntegerField(min_value=0,
// allow_null=True): "" and null are None, JSON integers are integers.
// maxValue 0 means no maximum. Integers beyond int64 saturate, which keeps
// the range errors right.
func emptyIntegerField(v any, maxValue int64) (intMember, []string) {
	m := intMember{present: true}
	n, isNumber := v.(json.Number)
	switch {
	case v == nil || v == "":
		m.null = true
		return m, nil
	case !isNumber || strings.ContainsAny(string(n), ".eE"):
		return m, []string{msgNotInteger}
	}
	m.value, _ = strconv.ParseInt(string(n), 10, 64)
	var errs []string
	if m.value < 0 {
		errs = append(errs, fmt.Sprintf(msgMinValue, 0))
	}
	if maxValue > 0 && m.value > maxValue {
		errs = append(errs, fmt.Sprintf(msgMaxValue, maxValue))
	}
	return m, errs
}

// choiceField validates a ChoiceField without allow_null or allow_blank.
func choiceField(v any, choices []string) (string, []string) {
	s, _ := v.(string)
	switch {
	case v == nil:
		return "", []string{msgNotNull}
	case !slices.Contains(choices, s):
		return "", []string{fmt.Sprintf(msgInvalidChoice, v)}
	}
	return s, nil
}

// pyTypeName is type(value).__name__ of a decoded JSON value.
func pyTypeName(v any) string {
	switch x := v.(type) {
	case json.Number:
		if strings.ContainsAny(string(x), ".eE") {
			return "float"
		}
		return "int"
	case map[string]any:
		return "dict"
	}
	names := map[string]string{"<nil>": "NoneType", "bool": "bool", "string": "str", "[]interface {}": "list"}
	return names[fmt.Sprintf("%T", v)]
}
