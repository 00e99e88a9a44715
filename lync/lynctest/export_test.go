package lynctest

import "net"

// WithListenConfig makes the lab open its sockets with lc, so that a test
// can make a listener fail.
func WithListenConfig(lc net.ListenConfig) Option { return func(o *options) { o.listen = lc } }
