package cases_test

import (
	"fmt"
	"time"

	"github.com/dossierkit/dossier/cases"
)

// A catalogue is a value: each change returns a new one. Cases store tag
// ids, so Labels shows a renamed tag under its new label and leaves a
// deleted one out.
func ExampleTagCatalog() {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var cat cases.TagCatalog
	cat, vip, _ := cat.Create("t1", "VIP", now, cases.DefaultMaxTags)
	cat, pep, _ := cat.Create("t2", "PEP", now, cases.DefaultMaxTags)
	onCase, _ := cat.Resolve("tags", []string{"vip", "t2"})
	fmt.Println(onCase, cat.Labels(onCase))

	cat, _ = cat.Rename(vip.ID, "Very important")
	cat, _ = cat.Delete(pep.ID)
	fmt.Println(cat.Labels(onCase))

	_, err := cat.Resolve("tags", []string{"PEP"})
	fmt.Println(err)
	// Output:
	// [t1 t2] [VIP PEP]
	// [Very important]
	// invalid input: tags[0]: no tag has this id or label (invalid_value)
}
