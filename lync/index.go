package lync

import "strings"

// Index answers lookups over a Topology in constant time. Lookups return the
// position of the object in the Topology's slice, or -1 when there is none,
// so callers can both reach the object and name where it is. When a name is
// defined twice, the first definition wins.
//
// An Index reflects the Topology as it was when built; rebuild it after a
// change.
type Index struct {
	t          *Topology
	sites      map[string]int
	frontEnds  map[string]int
	edges      map[string]int
	pools      map[string]int
	computers  map[string]int   // computer → pool
	apps       map[string][]int // pool → applications
	endpoints  map[string][]int // pool → endpoints
	byAddress  map[string]int   // address → endpoint
	users      map[string]int   // address → user
	epByUser   map[string][]int // user part → endpoints
	userByUser map[string][]int // user part → users
	domains    map[string]bool
}

// Index builds the lookups for t.
func (t *Topology) Index() *Index {
	x := &Index{
		t:          t,
		sites:      make(map[string]int, len(t.Sites)),
		frontEnds:  make(map[string]int, len(t.FrontEndPools)),
		edges:      make(map[string]int, len(t.EdgePools)),
		pools:      make(map[string]int, len(t.TrustedApplicationPools)),
		computers:  make(map[string]int, 2*len(t.TrustedApplicationPools)),
		apps:       make(map[string][]int, len(t.TrustedApplications)),
		endpoints:  make(map[string][]int, len(t.TrustedApplicationEndpoints)),
		byAddress:  make(map[string]int, len(t.TrustedApplicationEndpoints)),
		users:      make(map[string]int, len(t.Users)),
		epByUser:   make(map[string][]int, len(t.TrustedApplicationEndpoints)),
		userByUser: make(map[string][]int, len(t.Users)),
		domains:    make(map[string]bool, len(t.SIPDomains)),
	}
	for i, s := range t.Sites {
		addFirst(x.sites, strings.ToLower(s.Name), i)
	}
	for i, p := range t.FrontEndPools {
		addFirst(x.frontEnds, p.FQDN.Key(), i)
	}
	for i, p := range t.EdgePools {
		addFirst(x.edges, p.FQDN.Key(), i)
	}
	for i := range t.TrustedApplicationPools {
		p := &t.TrustedApplicationPools[i]
		addFirst(x.pools, p.FQDN.Key(), i)
		for _, c := range p.ComputerFQDNs() {
			addFirst(x.computers, c.Key(), i)
		}
	}
	for i, a := range t.TrustedApplications {
		x.apps[a.Pool.Key()] = append(x.apps[a.Pool.Key()], i)
	}
	for i, e := range t.TrustedApplicationEndpoints {
		x.endpoints[e.Pool.Key()] = append(x.endpoints[e.Pool.Key()], i)
		addFirst(x.byAddress, e.SIPAddress.Key(), i)
		u := strings.ToLower(e.SIPAddress.User())
		x.epByUser[u] = append(x.epByUser[u], i)
	}
	for i, u := range t.Users {
		addFirst(x.users, u.Key(), i)
		name := strings.ToLower(u.User())
		x.userByUser[name] = append(x.userByUser[name], i)
	}
	for _, d := range t.SIPDomains {
		x.domains[d.Key()] = true
	}
	return x
}

func addFirst(m map[string]int, k string, i int) {
	if _, ok := m[k]; !ok {
		m[k] = i
	}
}

func lookup(m map[string]int, k string) int {
	if i, ok := m[k]; ok {
		return i
	}
	return -1
}

// Topology returns the indexed topology.
func (x *Index) Topology() *Topology { return x.t }

// Site returns the index of the site with this name (ignoring case) in Sites.
func (x *Index) Site(name string) int { return lookup(x.sites, strings.ToLower(name)) }

// FrontEndPool returns the index of the Front End pool in FrontEndPools.
func (x *Index) FrontEndPool(fqdn FQDN) int { return lookup(x.frontEnds, fqdn.Key()) }

// EdgePool returns the index of the Edge pool in EdgePools.
func (x *Index) EdgePool(fqdn FQDN) int { return lookup(x.edges, fqdn.Key()) }

// Pool returns the index of the trusted application pool in
// TrustedApplicationPools.
func (x *Index) Pool(fqdn FQDN) int { return lookup(x.pools, fqdn.Key()) }

// PoolOf returns the index of the trusted application pool that has
// computer among its computers.
func (x *Index) PoolOf(computer FQDN) int { return lookup(x.computers, computer.Key()) }

// PoolFor returns the index of the trusted application pool a system with
// this FQDN belongs to: the pool that lists it as a computer or, failing
// that, the pool that has its FQDN (a DMA cluster's virtual FQDN is often
// the pool's own).
func (x *Index) PoolFor(fqdn FQDN) int {
	if p := x.PoolOf(fqdn); p >= 0 {
		return p
	}
	return x.Pool(fqdn)
}

// Applications returns the indexes in TrustedApplications of the
// applications defined in pool.
func (x *Index) Applications(pool FQDN) []int { return x.apps[pool.Key()] }

// Endpoints returns the indexes in TrustedApplicationEndpoints of the
// endpoints of pool.
func (x *Index) Endpoints(pool FQDN) []int { return x.endpoints[pool.Key()] }

// Endpoint returns the index of the endpoint with this SIP address.
func (x *Index) Endpoint(addr SIPAddress) int { return lookup(x.byAddress, addr.Key()) }

// User returns the index in Users of this SIP address.
func (x *Index) User(addr SIPAddress) int { return lookup(x.users, addr.Key()) }

// EndpointsNamed returns the endpoints whose SIP address has this user part,
// in any domain: what an RMX Server User Name can refer to.
func (x *Index) EndpointsNamed(user string) []int { return x.epByUser[strings.ToLower(user)] }

// UsersNamed returns the users whose SIP address has this user part, in any
// domain.
func (x *Index) UsersNamed(user string) []int { return x.userByUser[strings.ToLower(user)] }

// IsSIPDomain reports whether d is one of the topology's SIP domains.
func (x *Index) IsSIPDomain(d string) bool { return x.domains[FQDN(d).Key()] }

// EdgeFor returns the index in EdgePools of the Edge pool that the RMXs of
// the trusted application pool at index pool use: the Edge pool associated
// with the Front End pool the pool's registrar names. It returns -1 when any
// link of that chain is missing.
func (x *Index) EdgeFor(pool int) int {
	if pool < 0 || pool >= len(x.t.TrustedApplicationPools) {
		return -1
	}
	fe := x.FrontEndPool(x.t.TrustedApplicationPools[pool].Registrar)
	if fe < 0 || x.t.FrontEndPools[fe].EdgePool == "" {
		return -1
	}
	return x.EdgePool(x.t.FrontEndPools[fe].EdgePool)
}
