package customprop_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/dossierkit/dossier/customprop"
	"github.com/dossierkit/dossier/validation"
	"github.com/shopspring/decimal"
)

// A workspace's definitions are decoded from their wire form and validated
// once by NewSet; the Set then serves every write and read.
func ExampleNewSet() {
	// The custom properties of a workspace, as its settings store them (the
	// wire form of the API).
	var defs []customprop.Definition
	if err := json.Unmarshal([]byte(`[
    {"key": "ubo_us_citizen", "label": "UBO is a US citizen", "type": "boolean", "target_entity": "case"},
    {"key": "main_activity_country", "label": "Main activity country", "type": "countries",
     "target_entity": "case", "settings": {"allow_multiple": true}},
    {"key": "office_location", "label": "Office", "type": "choices", "target_entity": "case",
     "settings": {"allow_multiple": false, "options": [{"key": "emea", "label": "EMEA"}, {"key": "amer", "label": "Americas"}]}},
    {"key": "last_audit", "label": "Last audit", "type": "date", "target_entity": "case"},
    {"key": "yearly_turnover", "label": "Yearly turnover", "type": "numeric", "target_entity": "case",
     "settings": {"format": "currency", "currency_code": "EUR", "min": 0, "max": "1000000000"}},
    {"key": "default_phone_number", "label": "Phone", "type": "phone_number", "target_entity": "case"},
    {"key": "source_of_funds", "label": "Source of funds", "type": "text", "target_entity": "case"},
    {"key": "legacy_id", "label": "Legacy id", "type": "text", "target_entity": "case",
     "archived_at": "2024-01-01T00:00:00Z"}
	]`), &defs); err != nil {
		panic(err)
	}
	set, err := customprop.NewSet(defs)
	if err != nil {
		panic(err)
	}
	for _, d := range set.Definitions(customprop.TargetCase) {
		fmt.Printf("%-22s %-13s archived=%v\n", d.Key, d.Type, d.Archived())
	}
	turnover, _ := set.Lookup(customprop.TargetCase, "yearly_turnover")
	b, _ := json.Marshal(turnover.Settings)
	fmt.Println(string(b))

	// A definition with problems is refused with all of them.
	_, err = customprop.NewSet([]customprop.Definition{{
		Key: "fee", Label: "Fee", Type: customprop.TypeNumeric, Target: customprop.TargetCase,
		Settings: customprop.Settings{Format: customprop.FormatCurrency, CurrencyCode: "EURO"},
	}, {
		Key: "fee", Label: "Fee again", Type: customprop.TypeBoolean, Target: customprop.TargetCase,
	}})
	fmt.Println(err)
	// Output:
	// ubo_us_citizen         boolean       archived=false
	// main_activity_country  countries     archived=false
	// office_location        choices       archived=false
	// last_audit             date          archived=false
	// yearly_turnover        numeric       archived=false
	// default_phone_number   phone_number  archived=false
	// source_of_funds        text          archived=false
	// legacy_id              text          archived=true
	// {"format":"currency","currency_code":"EUR","min":0,"max":1000000000}
	// invalid input: custom_properties[0].settings.currency_code: "EURO" is not an upper-case ISO 4217 currency code (invalid_currency); custom_properties[1].key: key "fee" is already defined for case at custom_properties[0] (duplicate)
}

// A create writes the payload of the request; a later update changes one
// key, removes another with null and leaves the rest untouched. Typed
// accessors read the values without parsing strings.
func ExampleSet_Apply() {
	// The workspace's definitions.
	var defs []customprop.Definition
	if err := json.Unmarshal([]byte(`[
    {"key": "ubo_us_citizen", "label": "UBO is a US citizen", "type": "boolean", "target_entity": "case"},
    {"key": "main_activity_country", "label": "Main activity country", "type": "countries",
     "target_entity": "case", "settings": {"allow_multiple": true}},
    {"key": "last_audit", "label": "Last audit", "type": "date", "target_entity": "case"},
    {"key": "yearly_turnover", "label": "Yearly turnover", "type": "numeric", "target_entity": "case",
     "settings": {"format": "currency", "currency_code": "EUR", "min": 0, "max": "1000000000"}},
    {"key": "default_phone_number", "label": "Phone", "type": "phone_number", "target_entity": "case"}
	]`), &defs); err != nil {
		panic(err)
	}
	set, err := customprop.NewSet(defs)
	if err != nil {
		panic(err)
	}

	var create customprop.Patch
	_ = json.Unmarshal([]byte(`{
		"ubo_us_citizen": true,
		"main_activity_country": ["FR", "GB"],
		"last_audit": "2022-02-03",
		"yearly_turnover": "20000",
		"default_phone_number": "+33654489875"
	}`), &create)
	values, err := set.Apply(customprop.TargetCase, nil, create)
	if err != nil {
		panic(err)
	}
	b, _ := json.Marshal(values)
	fmt.Println(string(b))

	update := customprop.Patch{}.
		Set("yearly_turnover", decimal.RequireFromString("25000.50")).
		Remove("default_phone_number")
	values, err = set.Apply(customprop.TargetCase, values, update)
	if err != nil {
		panic(err)
	}
	b, _ = json.Marshal(values)
	fmt.Println(string(b))

	turnover, _ := values.Get("yearly_turnover")
	d, _ := turnover.Decimal()
	fmt.Println("turnover x 2:", d.Mul(decimal.NewFromInt(2)))
	audit, _ := values.Get("last_audit")
	day, _ := audit.Date()
	fmt.Println("audit weekday:", day.Weekday())
	countries, _ := values.Get("main_activity_country")
	codes, _ := countries.Countries()
	fmt.Println("first country:", codes[0])
	// Output:
	// {"default_phone_number":"+33654489875","last_audit":"2022-02-03","main_activity_country":["FR","GB"],"ubo_us_citizen":true,"yearly_turnover":20000}
	// {"last_audit":"2022-02-03","main_activity_country":["FR","GB"],"ubo_us_citizen":true,"yearly_turnover":25000.5}
	// turnover x 2: 50001
	// audit weekday: Thursday
	// first country: France
}

// Every problem of a payload is reported at once, with its path, a stable
// code and a message; nothing is applied.
func ExampleSet_Apply_errors() {
	// The workspace's definitions; legacy_id is archived.
	var defs []customprop.Definition
	if err := json.Unmarshal([]byte(`[
    {"key": "ubo_us_citizen", "label": "UBO is a US citizen", "type": "boolean", "target_entity": "case"},
    {"key": "main_activity_country", "label": "Main activity country", "type": "countries",
     "target_entity": "case", "settings": {"allow_multiple": true}},
    {"key": "office_location", "label": "Office", "type": "choices", "target_entity": "case",
     "settings": {"allow_multiple": false, "options": [{"key": "emea", "label": "EMEA"}, {"key": "amer", "label": "Americas"}]}},
    {"key": "last_audit", "label": "Last audit", "type": "date", "target_entity": "case"},
    {"key": "yearly_turnover", "label": "Yearly turnover", "type": "numeric", "target_entity": "case",
     "settings": {"format": "currency", "currency_code": "EUR", "min": 0, "max": "1000000000"}},
    {"key": "default_phone_number", "label": "Phone", "type": "phone_number", "target_entity": "case"},
    {"key": "legacy_id", "label": "Legacy id", "type": "text", "target_entity": "case",
     "archived_at": "2024-01-01T00:00:00Z"}
	]`), &defs); err != nil {
		panic(err)
	}
	set, err := customprop.NewSet(defs)
	if err != nil {
		panic(err)
	}
	var patch customprop.Patch
	_ = json.Unmarshal([]byte(`{
		"ubo_us_citizen": "true",
		"main_activity_country": ["fr"],
		"office_location": ["emea", "amer"],
		"last_audit": "2023-02-29",
		"yearly_turnover": "-5",
		"default_phone_number": "+33 6 54 48 98 75",
		"legacy_id": "A-17",
		"nickname": "Bob"
	}`), &patch)

	_, err = set.Apply(customprop.TargetCase, nil, patch)
	var verr *validation.Error
	if errors.As(err, &verr) {
		for _, p := range verr.Problems {
			fmt.Printf("%s [%s] %s\n", p.Path, p.Code, p.Message)
		}
	}
	// Output:
	// custom_properties.default_phone_number [invalid_phone] "+33 6 54 48 98 75" is not in E.164 format: "+", the country code and the number, digits only (e.g. +33654489875)
	// custom_properties.last_audit [invalid_value] "2023-02-29" is not a calendar date: 2023-02 has 28 days
	// custom_properties.legacy_id [archived] custom property "legacy_id" is archived and cannot be written
	// custom_properties.main_activity_country [invalid_country] element 0: "fr" must be written in upper case (FR)
	// custom_properties.nickname [unknown_field] "nickname" is not a custom property of case
	// custom_properties.office_location [too_many] accepts a single element (allow_multiple is false), got 2
	// custom_properties.ubo_us_citizen [invalid_type] must be a JSON boolean (true or false), not the string "true"
	// custom_properties.yearly_turnover [out_of_range] must be at least 0, got -5
}

// Values read back from storage are bound to the current definitions on
// read: archived properties are left out and every value gets its type.
func ExampleSet_Visible() {
	// The workspace's definitions; legacy_id is archived.
	var defs []customprop.Definition
	if err := json.Unmarshal([]byte(`[
    {"key": "last_audit", "label": "Last audit", "type": "date", "target_entity": "case"},
    {"key": "legacy_id", "label": "Legacy id", "type": "text", "target_entity": "case",
     "archived_at": "2024-01-01T00:00:00Z"}
	]`), &defs); err != nil {
		panic(err)
	}
	set, err := customprop.NewSet(defs)
	if err != nil {
		panic(err)
	}
	var stored customprop.Values
	_ = json.Unmarshal([]byte(`{"legacy_id": "A-17", "last_audit": "2024-02-29", "old_prop": 1}`), &stored)

	visible := set.Visible(customprop.TargetCase, stored)
	for _, k := range visible.Keys() {
		v := visible[k]
		fmt.Println(k, v.Type(), v)
	}
	// Output:
	// last_audit date 2024-02-29
}
