package lync

import (
	"errors"

	"github.com/rppkit/rppkit/internal/enum"
)

// Product is the Lync or Skype for Business Server release of a topology.
type Product string

// The releases rppkit knows. The integration is the same on all of them;
// Skype for Business Server additionally needs RMX 8.5.4 or later.
const (
	Lync2010 Product = "lync2010"
	Lync2013 Product = "lync2013"
	SfB2015  Product = "sfb2015"
	SfB2019  Product = "sfb2019"
)

// Products lists every known Product, oldest first.
func Products() []Product { return []Product{Lync2010, Lync2013, SfB2015, SfB2019} }

// ErrUnknownProduct is wrapped by the errors ParseProduct returns.
var ErrUnknownProduct = errors.New("unknown product")

// ParseProduct accepts the names of Products in any case.
func ParseProduct(s string) (Product, error) {
	return enum.Parse(ErrUnknownProduct, s, Products()...)
}

// IsSkypeForBusiness reports whether p is a Skype for Business Server release.
func (p Product) IsSkypeForBusiness() bool { return p == SfB2015 || p == SfB2019 }

// Title returns the product's marketing name.
func (p Product) Title() string {
	switch p {
	case Lync2010:
		return "Lync Server 2010"
	case Lync2013:
		return "Lync Server 2013"
	case SfB2015:
		return "Skype for Business Server 2015"
	case SfB2019:
		return "Skype for Business Server 2019"
	}
	return string(p)
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseProduct.
func (p *Product) UnmarshalText(b []byte) error {
	v, err := ParseProduct(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}
