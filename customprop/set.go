package customprop

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/dossierkit/dossier/internal/fieldcheck"
	"github.com/dossierkit/dossier/validation"
	"github.com/shopspring/decimal"
)

// Set is an immutable, validated set of definitions: the custom properties
// of one workspace. Build it with [NewSet]; it is safe for concurrent use.
//
// A nil *Set is valid and means "no definitions": it defines nothing, so
// [Set.Apply] refuses every key of a non-empty patch.
type Set struct {
	defs  []Definition // deep copies, in input order
	index map[Target]map[string]*entry
}

// maxCountries is the number of distinct country codes a value may hold.
var maxCountries = fieldcheck.CountryCount()

// NewSet validates defs and returns them as a Set. Every problem of every
// definition is reported at once in a *validation.Error, with paths such as
// "custom_properties[2].settings.currency_code". The rules:
//
//   - key: 1 to [MaxKeyLength] ASCII letters, digits, "_" or "-", unique
//     per target (the same key may exist on two targets);
//   - label: 1 to [MaxLabelLength] characters;
//   - type and target_entity: one of the defined values;
//   - settings: only those of the type (see [Settings]); choices need at
//     least one option, option keys follow the key rule and are unique,
//     option labels are required; a numeric format is number, percent or
//     currency; currency_code is required exactly when the format is
//     currency and must be an upper-case ISO 4217 code; min and max lie
//     within +-[MaxSafeInteger] with at most [MaxFractionDigits] decimals,
//     and min <= max.
//
// Archived definitions are validated like the others. defs is copied: later
// changes to it do not affect the Set.
func NewSet(defs []Definition) (*Set, error) {
	var l validation.List
	s := &Set{defs: make([]Definition, len(defs)), index: map[Target]map[string]*entry{}}
	first := map[Target]map[string]int{}
	for i, d := range defs {
		d = d.Clone()
		s.defs[i] = d
		p := validation.Index("custom_properties", i)
		e, ok := compile(d, p, &l)
		if !d.Target.Valid() || !validKey(d.Key) {
			continue
		}
		if first[d.Target] == nil {
			first[d.Target] = map[string]int{}
		}
		if j, dup := first[d.Target][d.Key]; dup {
			l.Addf(p+".key", validation.CodeDuplicate, "key %q is already defined for %s at custom_properties[%d]", d.Key, d.Target, j)
			continue
		}
		first[d.Target][d.Key] = i
		if ok {
			if s.index[d.Target] == nil {
				s.index[d.Target] = map[string]*entry{}
			}
			s.index[d.Target][d.Key] = e
		}
	}
	if err := l.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

// validKey reports whether k follows the key rule of NewSet.
func validKey(k string) bool {
	if k == "" || len(k) > MaxKeyLength {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(isDigit(c) || c|0x20 >= 'a' && c|0x20 <= 'z' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func checkKey(l *validation.List, path, k, what string) {
	switch {
	case k == "":
		l.Addf(path, validation.CodeRequired, "%s is required", what)
	case len(k) > MaxKeyLength:
		l.Addf(path, validation.CodeTooLong, "%s must be at most %d characters, got %d", what, MaxKeyLength, len(k))
	case !validKey(k):
		l.Addf(path, validation.CodeInvalidFormat, "%s %q may contain only ASCII letters, digits, \"_\" and \"-\"", what, truncate(k, 40))
	}
}

func checkLabel(l *validation.List, path, label string) {
	switch n := utf8.RuneCountInString(label); {
	case strings.TrimSpace(label) == "":
		l.Add(path, validation.CodeRequired, "label is required")
	case n > MaxLabelLength:
		l.Addf(path, validation.CodeTooLong, "label must be at most %d characters, got %d", MaxLabelLength, n)
	}
}

// compile validates d (reporting under path p) and builds its entry.
func compile(d Definition, p string, l *validation.List) (*entry, bool) {
	before := l.Len()
	checkKey(l, p+".key", d.Key, "key")
	checkLabel(l, p+".label", d.Label)
	if !d.Type.Valid() {
		l.Addf(p+".type", validation.CodeInvalidValue, "type %q is not one of %s", truncate(string(d.Type), 40), joinTypes())
	}
	if !d.Target.Valid() {
		l.Addf(p+".target_entity", validation.CodeInvalidValue, "target_entity %q is not one of case, company, individual", truncate(string(d.Target), 40))
	}
	e := &entry{def: d}
	st := d.Settings
	sp := p + ".settings"
	notAllowed := func(field string, set bool) {
		if set {
			l.Addf(sp+"."+field, validation.CodeNotAllowed, "%s is not a setting of %s properties", field, d.Type)
		}
	}
	t := d.Type
	if d.Type.Valid() {
		notAllowed("allow_multiple", st.AllowMultiple && t != TypeChoices && t != TypeCountries)
		notAllowed("options", st.Options != nil && t != TypeChoices)
		notAllowed("format", st.Format != "" && t != TypeNumeric)
		notAllowed("currency_code", st.CurrencyCode != "" && t != TypeNumeric)
		notAllowed("min", st.Min != nil && t != TypeNumeric)
		notAllowed("max", st.Max != nil && t != TypeNumeric)
		notAllowed("is_multi_line", st.IsMultiLine && t != TypeText)
	}
	switch t {
	case TypeChoices:
		if len(st.Options) == 0 {
			l.Add(sp+".options", validation.CodeRequired, "a choices property needs at least one option")
		}
		e.options = make(map[string]struct{}, len(st.Options))
		keys := make([]string, 0, len(st.Options))
		for j, o := range st.Options {
			op := validation.Index(sp+".options", j)
			checkKey(l, op+".key", o.Key, "option key")
			checkLabel(l, op+".label", o.Label)
			if _, dup := e.options[o.Key]; dup && o.Key != "" {
				l.Addf(op+".key", validation.CodeDuplicate, "option key %q is repeated", o.Key)
			}
			e.options[o.Key] = struct{}{}
			keys = append(keys, o.Key)
		}
		e.maxItems = len(e.options)
		if len(keys) > 10 {
			keys = append(keys[:10], "…")
		}
		e.optNames = strings.Join(keys, ", ")
	case TypeCountries:
		e.maxItems = maxCountries
	case TypeText:
		e.maxRunes = MaxTextLength
		if st.IsMultiLine {
			e.maxRunes = MaxMultiLineTextLength
		}
	case TypeNumeric:
		switch st.Format {
		case "", FormatNumber, FormatPercent:
			if st.CurrencyCode != "" {
				l.Addf(sp+".currency_code", validation.CodeNotAllowed, "currency_code is allowed only with format currency")
			}
		case FormatCurrency:
			switch {
			case st.CurrencyCode == "":
				l.Add(sp+".currency_code", validation.CodeRequired, "currency_code is required with format currency")
			case !currencyExists(st.CurrencyCode):
				l.Addf(sp+".currency_code", validation.CodeInvalidCurrency, "%q is not an upper-case ISO 4217 currency code", truncate(st.CurrencyCode, 40))
			}
		default:
			l.Addf(sp+".format", validation.CodeInvalidValue, "format %q is not one of number, percent, currency", truncate(string(st.Format), 40))
		}
		e.min = checkBound(l, sp+".min", st.Min)
		e.max = checkBound(l, sp+".max", st.Max)
		if e.min != nil && e.max != nil && e.min.dec.Cmp(e.max.dec) > 0 {
			l.Addf(sp+".min", validation.CodeConflict, "min %s is greater than max %s", e.min.text, e.max.text)
		}
	}
	return e, l.Len() == before
}

// checkBound validates a min or max setting and returns it normalised.
func checkBound(l *validation.List, path string, d *decimal.Decimal) *number {
	if d == nil {
		return nil
	}
	n, p := fromDecimal(*d)
	switch p {
	case numOK:
		return &n
	case numPrecise:
		l.Addf(path, validation.CodeTooPrecise, "must have at most %d digits after the decimal point", MaxFractionDigits)
	default:
		l.Addf(path, validation.CodeOutOfRange, "must be between -%d and %d", MaxSafeInteger, MaxSafeInteger)
	}
	return nil
}

func joinTypes() string {
	ts := Types()
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

// Definitions returns copies of the definitions of target, archived ones
// included, in the order given to NewSet.
func (s *Set) Definitions(target Target) []Definition {
	if s == nil {
		return nil
	}
	var out []Definition
	for _, d := range s.defs {
		if d.Target == target {
			out = append(out, d.Clone())
		}
	}
	return out
}

// All returns copies of every definition, in the order given to NewSet:
// what a host persists to rebuild the Set.
func (s *Set) All() []Definition {
	if s == nil {
		return nil
	}
	out := make([]Definition, len(s.defs))
	for i, d := range s.defs {
		out[i] = d.Clone()
	}
	return out
}

// Lookup returns a copy of the definition of key on target, archived or
// not.
func (s *Set) Lookup(target Target, key string) (Definition, bool) {
	e := s.lookup(target, key)
	if e == nil {
		return Definition{}, false
	}
	return e.def.Clone(), true
}

func (s *Set) lookup(target Target, key string) *entry {
	if s == nil {
		return nil
	}
	return s.index[target][key]
}

// Apply validates patch against the definitions of target and returns the
// values that result from applying it to current: a key whose value is
// JSON null is removed, any other key present is set, absent keys keep
// their current value (even the values of archived properties, which stay
// stored but hidden by [Set.Visible]). current is never modified; the result
// is a new, non-nil map.
//
// Nothing is applied unless everything is valid: otherwise Apply returns a
// *validation.Error listing every problem, sorted by path
// ("custom_properties.<key>"). A key that is not defined on target is
// refused with validation.CodeUnknownField, an archived one (even with
// null) with validation.CodeArchived; value problems carry the codes listed
// in the package documentation.
func (s *Set) Apply(target Target, current Values, patch Patch) (Values, error) {
	out := make(Values, len(current)+len(patch))
	for k, v := range current {
		out[k] = v
	}
	var l validation.List
	r := reporter{l: &l}
	// Sorted keys: problems come out sorted by path, and when there are
	// more than validation.MaxProblems the same ones are kept every time.
	for _, k := range slices.Sorted(maps.Keys(patch)) {
		raw := patch[k]
		e := s.lookup(target, k)
		if e == nil {
			l.Addf(keyPath(k), validation.CodeUnknownField, "%q is not a custom property of %s", truncate(k, 100), targetName(target))
			continue
		}
		if e.def.ArchivedAt != nil {
			l.Addf(keyPath(k), validation.CodeArchived, "custom property %q is archived and cannot be written", k)
			continue
		}
		jv := decodeRaw(raw)
		if jv.kind == jNull {
			delete(out, k)
			continue
		}
		r.key, r.failed = k, false
		if v, ok := e.check(jv, &r); ok {
			out[k] = v
		}
	}
	if err := l.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

func targetName(t Target) string {
	if t.Valid() {
		return string(t)
	}
	return fmt.Sprintf("unknown target %q", truncate(string(t), 40))
}

// Visible returns the values of vs a reader may see, as a new non-nil map:
// those of properties defined on target, not archived, and still valid
// under the current definition (a definition edited since the value was
// written, an option removed say, hides the value rather than showing one
// that breaks its rules). Each returned Value is bound to its definition,
// so its [Value.Type] is set. vs is not modified; hidden values stay in it,
// untouched.
func (s *Set) Visible(target Target, vs Values) Values {
	out := make(Values, len(vs))
	for k, v := range vs {
		e := s.lookup(target, k)
		if e == nil || e.def.ArchivedAt != nil {
			continue
		}
		r := reporter{}
		if bound, ok := e.check(v.raw(), &r); ok {
			out[k] = bound
		}
	}
	return out
}

// raw returns v as the decoded JSON it was written as.
func (v Value) raw() jvalue {
	switch v.kind {
	case kBool:
		return jvalue{kind: jBool, b: v.b}
	case kNumber:
		return jvalue{kind: jNumber, s: v.s}
	case kString:
		return jvalue{kind: jString, s: v.s}
	case kList:
		return jvalue{kind: jArray, list: v.list}
	}
	return jvalue{kind: jInvalid}
}
