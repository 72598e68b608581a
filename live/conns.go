package live

import (
	"context"
	"errors"
	"net"
	"sync"
)

// errKilled is what a killed client's dials return.
var errKilled = errors.New("live: client killed")

// conns tracks the connections of one client so that a crash can cut them
// all at once: the client then sends nothing more (no leave group, no
// commit, no heartbeat), as a killed process does, and the broker notices
// only when the session times out.
type conns struct {
	mu     sync.Mutex
	dialer net.Dialer
	dead   bool
	open   []net.Conn
	// dial, if set, replaces the network dial (the embedded cluster's
	// virtual network).
	dial func(ctx context.Context, network, host string) (net.Conn, error)
}

// Dial opens a connection unless the client was killed.
func (c *conns) Dial(ctx context.Context, network, host string) (net.Conn, error) {
	c.mu.Lock()
	dead := c.dead
	c.mu.Unlock()
	if dead {
		return nil, errKilled
	}
	var conn net.Conn
	var err error
	if c.dial != nil {
		conn, err = c.dial(ctx, network, host)
	} else {
		conn, err = c.dialer.DialContext(ctx, network, host)
	}
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dead {
		conn.Close()
		return nil, errKilled
	}
	c.open = append(c.open, conn)
	return conn, nil
}

// kill closes every connection and refuses new ones.
func (c *conns) kill() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dead = true
	for _, conn := range c.open {
		conn.Close()
	}
	c.open = nil
}
